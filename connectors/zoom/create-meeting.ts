import { z } from 'zod';
import { defineAction } from './auth';
import type { HttpResponse } from '../sdk/http-types';

/** Zoom meeting types: 1 instant, 2 scheduled, 3 recurring without a fixed time, 8 recurring with a fixed time. */
const meetingType = z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(8)]);

interface ZoomMeeting {
  id: number;
  uuid: string;
  join_url: string;
  start_url: string;
  password?: string;
  start_time?: string;
}

/** POST /users/{userId}/meetings. Zoom has no idempotency key: a retry after a lost response creates a second meeting. */
export const createMeeting = defineAction({
  description: 'Schedules a Zoom meeting for a host; returns its id and join/start URLs.',
  input: z
    .object({
      /** The host: a user id, email, or `me` (for Server-to-Server apps, name a real user). */
      userId: z.string().min(1).default('me'),
      topic: z.string().min(1).max(200),
      type: meetingType.default(2),
      /** ISO 8601; required for scheduled (2) and fixed-time recurring (8) meetings. */
      startTime: z.iso.datetime({ offset: true }).optional(),
      /** Minutes. */
      duration: z.number().int().positive().max(1440).optional(),
      timezone: z.string().min(1).optional(),
      /** At most 10 characters (Zoom's limit). */
      password: z.string().min(1).max(10).optional(),
      agenda: z.string().max(2000).optional(),
      settings: z
        .object({
          joinBeforeHost: z.boolean().optional(),
          waitingRoom: z.boolean().optional(),
          /** 0 automatic approval, 1 manual, 2 no registration required. */
          approvalType: z.union([z.literal(0), z.literal(1), z.literal(2)]).optional(),
          autoRecording: z.enum(['local', 'cloud', 'none']).optional(),
        })
        .strict()
        .optional(),
    })
    .refine((i) => !(i.type === 2 || i.type === 8) || i.startTime, { message: 'startTime is required for a scheduled meeting (type 2 or 8)', path: ['startTime'] }),
  output: z.object({
    id: z.number().int(),
    uuid: z.string(),
    joinUrl: z.string(),
    startUrl: z.string(),
    password: z.string().optional(),
    startTime: z.string().optional(),
  }),
  effect: { kind: 'atLeastOnce', why: 'Zoom meetings take no idempotency key' },
  sample: { id: 85746065432, uuid: 'aDYlohsHRtCd4ii1uC2+hA==', joinUrl: 'https://us05web.zoom.us/j/85746065432?pwd=abc', startUrl: 'https://us05web.zoom.us/s/85746065432?zak=x', password: 'Xk3v9a', startTime: '2026-12-01T15:00:00Z' },
  request(i) {
    const s = i.settings;
    return {
      method: 'POST',
      path: `/users/${encodeURIComponent(i.userId)}/meetings`,
      json: {
        topic: i.topic,
        type: i.type,
        start_time: i.startTime,
        duration: i.duration,
        timezone: i.timezone,
        password: i.password,
        agenda: i.agenda,
        settings: s && { join_before_host: s.joinBeforeHost, waiting_room: s.waitingRoom, approval_type: s.approvalType, auto_recording: s.autoRecording },
      },
    };
  },
  respond(res: HttpResponse<ZoomMeeting>) {
    const m = res.body;
    return { id: m.id, uuid: m.uuid, joinUrl: m.join_url, startUrl: m.start_url, password: m.password, startTime: m.start_time };
  },
});
