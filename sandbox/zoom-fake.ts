import { randomBytes, randomUUID } from 'node:crypto';
import { basicCredentials, bearerToken, FakeServer, type FakeRequest, type FakeResponse } from './fake-server';

const zoomError = (status: number, code: number, message: string, errors?: { field: string; message: string }[], headers?: Record<string, string>): FakeResponse => ({
  status,
  json: { code, message, ...(errors ? { errors } : {}) },
  headers,
});
const validationFailed = (field: string) => zoomError(400, 300, 'Validation Failed.', [{ field, message: 'Invalid field.' }]);

interface Meeting {
  id: number;
  uuid: string;
  topic: string;
  type: number;
  approvalType: number;
  registrants: Map<string, { id: string; email: string }>;
}

/**
 * Zoom API v2 (vendor-apis.md §3) with the Server-to-Server OAuth token endpoint at /oauth/token
 * (Basic client auth, `grant_type=account_credentials`, one-hour tokens). The fake counts token
 * requests, can revoke every issued token (the next call is 401 code 124) or disable the app
 * (the token endpoint answers invalid_client), and enforces the per-user daily meeting-create limit.
 */
export class ZoomFake extends FakeServer {
  readonly client = { id: 'zoom-client-id', secret: 'zoom-client-secret', accountId: 'acct_Abc123' };
  readonly users = new Set(['me', 'host@example.com', 'KDcuGIm1QgePTO8WbOqwIQ']);
  readonly accessTokens = new Map<string, number>();
  readonly meetings = new Map<number, Meeting>();
  tokenRequests = 0;
  appDisabled = false;
  /** Meeting create/update requests allowed per user per day (Zoom: 100). */
  dailyMeetingCreates = 100;
  private createsToday = new Map<string, number>();

  constructor() {
    super({
      forms: true,
      failures: {
        serverError: () => zoomError(500, 500, 'Internal server error.'),
        rateLimited: (seconds) =>
          zoomError(429, 429, 'You have reached the maximum per-second rate limit for this API. Try again later.', undefined, {
            'retry-after': String(seconds),
            'x-ratelimit-category': 'Light',
            'x-ratelimit-type': 'QPS',
          }),
        unauthorized: () => zoomError(401, 124, 'Invalid access token.'),
      },
    });
    this.seedMeetings();
    this.route('POST', '/oauth/token', (req) => this.token(req));
    this.route('GET', '/v2/users/:userId', (req) => (this.users.has(req.params.userId!) ? { status: 200, json: { id: 'KDcuGIm1QgePTO8WbOqwIQ', email: 'host@example.com', type: 2 } } : zoomError(404, 1001, `User does not exist: ${req.params.userId}.`)));
    this.route('POST', '/v2/users/:userId/meetings', (req) => this.createMeeting(req));
    this.route('POST', '/v2/meetings/:meetingId/registrants', (req) => this.addRegistrant(req));
  }

  /** Two meetings: 85746065432 takes registrations (approval automatic), 85746065433 does not. */
  seedMeetings(): void {
    this.meetings.clear();
    this.createsToday.clear();
    this.meetings.set(85746065432, { id: 85746065432, uuid: 'aDYlohsHRtCd4ii1uC2+hA==', topic: 'Onboarding call', type: 2, approvalType: 0, registrants: new Map() });
    this.meetings.set(85746065433, { id: 85746065433, uuid: 'bEZmpitISuDe5jj2vD3+iB==', topic: 'Internal sync', type: 2, approvalType: 2, registrants: new Map() });
  }

  /** Every issued access token stops working (an admin deactivated or rotated the app's credentials). */
  revokeTokens(): void {
    this.accessTokens.clear();
  }

  protected override authenticate(req: FakeRequest): FakeResponse | undefined {
    if (req.path === '/oauth/token') return undefined;
    const token = bearerToken(req);
    const exp = token ? this.accessTokens.get(token) : undefined;
    if (!exp || exp < Date.now()) return zoomError(401, 124, 'Invalid access token.');
    return undefined;
  }

  private token(req: FakeRequest): FakeResponse {
    this.tokenRequests++;
    const client = basicCredentials(req);
    if (!client || client.user !== this.client.id || client.password !== this.client.secret || this.appDisabled) {
      return { status: 401, json: { reason: 'Invalid client_id or client_secret', error: 'invalid_client' } };
    }
    const form = { ...Object.fromEntries(req.query), ...((req.body ?? {}) as Record<string, string>) };
    if (form.grant_type !== 'account_credentials') return { status: 400, json: { reason: 'Unsupported grant type', error: 'unsupported_grant_type' } };
    if (form.account_id !== this.client.accountId) return { status: 400, json: { reason: 'Invalid account_id', error: 'invalid_request' } };
    const token = `eyJzm.${randomBytes(8).toString('hex')}`;
    this.accessTokens.set(token, Date.now() + 3600_000);
    return { status: 200, json: { access_token: token, token_type: 'bearer', expires_in: 3599, scope: 'meeting:write:admin meeting:read:admin', api_url: 'https://api.zoom.us' } };
  }

  private createMeeting(req: FakeRequest): FakeResponse {
    const userId = req.params.userId!;
    if (!this.users.has(userId)) return zoomError(404, 1001, `User does not exist: ${userId}.`);
    if (req.bodyError || !req.body || typeof req.body !== 'object') return zoomError(400, 300, 'Request Body should be a valid JSON object.');
    const b = req.body as { topic?: unknown; type?: unknown; start_time?: unknown; duration?: unknown; password?: unknown; settings?: { approval_type?: unknown } };
    if (b.topic !== undefined && (typeof b.topic !== 'string' || b.topic.length > 200)) return validationFailed('topic');
    if (b.type !== undefined && ![1, 2, 3, 8].includes(b.type as number)) return validationFailed('type');
    if (b.start_time !== undefined && (typeof b.start_time !== 'string' || Number.isNaN(Date.parse(b.start_time)))) return validationFailed('start_time');
    if (b.duration !== undefined && !Number.isInteger(b.duration)) return validationFailed('duration');
    if (b.password !== undefined && (typeof b.password !== 'string' || b.password.length > 10)) return zoomError(400, 300, 'Password must be no more than 10 characters.', [{ field: 'password', message: 'Invalid field.' }]);
    const used = (this.createsToday.get(userId) ?? 0) + 1;
    if (used > this.dailyMeetingCreates) {
      const midnight = new Date();
      midnight.setUTCHours(24, 0, 0, 0);
      return zoomError(429, 429, `You have exceeded the daily rate limit (${this.dailyMeetingCreates}) of Meeting Create/Update API requests permitted for this particular user. You may resume these requests at GMT 00:00:00.`, undefined, {
        'retry-after': midnight.toISOString(),
        'x-ratelimit-category': 'Medium',
        'x-ratelimit-type': 'Daily-limit',
      });
    }
    this.createsToday.set(userId, used);
    const id = 80000000000 + this.meetings.size + 1;
    const uuid = randomBytes(16).toString('base64');
    const type = (b.type as number | undefined) ?? 2;
    const approvalType = (b.settings?.approval_type as number | undefined) ?? 2;
    this.meetings.set(id, { id, uuid, topic: (b.topic) ?? 'Zoom meeting', type, approvalType, registrants: new Map() });
    const password = (b.password) ?? randomBytes(3).toString('hex');
    return {
      status: 201,
      json: {
        id,
        uuid,
        host_id: 'KDcuGIm1QgePTO8WbOqwIQ',
        topic: (b.topic) ?? 'Zoom meeting',
        type,
        start_time: b.start_time ?? new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
        duration: b.duration ?? 60,
        timezone: 'UTC',
        created_at: new Date().toISOString(),
        join_url: `https://us05web.zoom.us/j/${id}?pwd=${password}`,
        start_url: `https://us05web.zoom.us/s/${id}?zak=${randomBytes(8).toString('hex')}`,
        password,
        settings: { approval_type: approvalType },
      },
    };
  }

  private addRegistrant(req: FakeRequest): FakeResponse {
    const meeting = this.meetings.get(Number(req.params.meetingId));
    if (!meeting) return zoomError(404, 3001, `Meeting ${req.params.meetingId} is not found or has expired.`);
    if (meeting.approvalType === 2) return zoomError(400, 3000, 'Registration has not been enabled for this meeting.');
    const b = (req.body ?? {}) as { email?: unknown; first_name?: unknown };
    if (typeof b.email !== 'string' || !/^[^@\s]+@[^@\s]+$/.test(b.email)) return validationFailed('email');
    if (typeof b.first_name !== 'string' || !b.first_name) return validationFailed('first_name');
    const existing = meeting.registrants.get(b.email.toLowerCase());
    const registrant = existing ?? { id: randomUUID().replace(/-/g, '').slice(0, 22), email: b.email };
    meeting.registrants.set(b.email.toLowerCase(), registrant);
    return {
      status: 201,
      json: { id: meeting.id, registrant_id: registrant.id, join_url: `https://us05web.zoom.us/w/${meeting.id}?tk=${registrant.id}`, topic: meeting.topic, start_time: new Date().toISOString(), occurrences: [] },
    };
  }
}
