import { z } from 'zod';
import { defineAction } from './auth';
import type { HttpResponse } from '../sdk/http-types';

interface ZoomRegistrant {
  id: number;
  registrant_id: string;
  join_url: string;
  topic?: string;
}

/** POST /meetings/{meetingId}/registrants (registration must be enabled on the meeting). */
export const addMeetingRegistrant = defineAction({
  description: 'Registers a person for a Zoom meeting; returns their personal join URL.',
  input: z.object({
    /** The meeting number (from createMeeting's `id` or the join URL). */
    meetingId: z.union([z.number().int().positive(), z.string().regex(/^\d+$/, 'a meeting id is the numeric meeting number')]),
    email: z.email(),
    firstName: z.string().min(1).max(64),
    lastName: z.string().max(64).optional(),
    /** Register for these occurrences of a recurring meeting only. */
    occurrenceIds: z.array(z.string().min(1)).optional(),
  }),
  output: z.object({ registrantId: z.string(), joinUrl: z.string(), meetingId: z.number().int(), topic: z.string().optional() }),
  // Zoom answers a second registration of the same email with that person's existing registration.
  effect: { kind: 'idempotencyKey', key: 'the registrant email (Zoom returns the existing registration)' },
  sample: { registrantId: 'fdgsfh2ey82fuh', joinUrl: 'https://us05web.zoom.us/w/85746065432?tk=abc', meetingId: 85746065432, topic: 'Onboarding call' },
  request: (i) => ({
    method: 'POST',
    path: `/meetings/${i.meetingId}/registrants`,
    query: { occurrence_ids: i.occurrenceIds?.join(',') },
    json: { email: i.email, first_name: i.firstName, last_name: i.lastName },
  }),
  respond: (res: HttpResponse<ZoomRegistrant>) => ({ registrantId: res.body.registrant_id, joinUrl: res.body.join_url, meetingId: res.body.id, topic: res.body.topic }),
});
