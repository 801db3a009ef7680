/** The Zoom events this source publishes (Zoom's own names). */
export const zoomTopics = ['meeting.started', 'meeting.ended', 'meeting.participant_joined', 'recording.completed'] as const;

/** Zoom's endpoint-verification event: answered synchronously, never a run. */
export const zoomUrlValidation = 'endpoint.url_validation';
