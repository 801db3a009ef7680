import { bearerToken, FakeServer, type FakeRequest, type FakeResponse } from './fake-server';

const slackError = (error: string, extra: Record<string, unknown> = {}): FakeResponse => ({ status: 200, json: { ok: false, error, ...extra } });

/** Slack Web API chat.postMessage (vendor-apis.md §1): errors as ok:false in a 200; 429 + Retry-After. */
export class SlackFake extends FakeServer {
  readonly tokens = new Set(['xoxb-test-token']);
  readonly revoked = new Set<string>();
  readonly channels = new Map([
    ['C0SUPPORT', 'support'],
    ['C0GENERAL', 'general'],
  ]);
  readonly messages: { channel: string; text?: string; ts: string; thread_ts?: string; metadata?: { event_type: string; event_payload: unknown } }[] = [];

  constructor() {
    super({
      forms: true,
      failures: {
        serverError: () => ({ status: 503, text: 'upstream connect error' }),
        rateLimited: (s) => ({ status: 429, headers: { 'retry-after': String(s) }, json: { ok: false, error: 'ratelimited' } }),
        unauthorized: () => slackError('invalid_auth'),
      },
    });
    this.route('POST', '/chat.postMessage', (req) => {
      if (req.bodyError) return slackError('invalid_json');
      const b = (req.body ?? {}) as { channel?: unknown; text?: unknown; blocks?: unknown; thread_ts?: unknown; metadata?: unknown };
      if (typeof b.channel !== 'string' || !b.channel) return slackError('channel_not_found');
      const id = this.channels.has(b.channel) ? b.channel : [...this.channels].find(([, name]) => `#${name}` === b.channel || name === b.channel)?.[0];
      if (!id) return slackError('channel_not_found');
      if ((typeof b.text !== 'string' || !b.text) && !Array.isArray(b.blocks)) return slackError('no_text');
      if (typeof b.text === 'string' && b.text.length > 40_000) return slackError('msg_too_long');
      const metadata = b.metadata as { event_type?: unknown; event_payload?: unknown } | undefined;
      if (metadata !== undefined && (typeof metadata !== 'object' || typeof metadata.event_type !== 'string' || typeof metadata.event_payload !== 'object')) {
        return slackError('invalid_metadata_format');
      }
      const ts = `${Math.floor(Date.now() / 1000)}.${String(this.messages.length + 1).padStart(6, '0')}`;
      this.messages.push({
        channel: id,
        text: b.text as string | undefined,
        ts,
        thread_ts: b.thread_ts as string | undefined,
        ...(metadata ? { metadata: { event_type: metadata.event_type as string, event_payload: metadata.event_payload } } : {}),
      });
      return { status: 200, json: { ok: true, channel: id, ts, message: { type: 'message', text: b.text, ts } } };
    });
    this.route('GET', '/conversations.list', (req) => {
      const all = [...this.channels].map(([id, name]) => ({ id, name, is_channel: true, is_archived: false }));
      return this.page(req, all, 'channels');
    });
    // Top-level messages of a channel, newest first; metadata only with include_all_metadata.
    this.route('GET', '/conversations.history', (req) => {
      const channel = req.query.get('channel') ?? '';
      if (!this.channels.has(channel)) return slackError('channel_not_found');
      const list = this.window(req, (m) => m.channel === channel && (!m.thread_ts || m.thread_ts === m.ts)).reverse();
      return this.page(req, list, 'messages');
    });
    // A thread: its parent and replies, oldest first.
    this.route('GET', '/conversations.replies', (req) => {
      const channel = req.query.get('channel') ?? '';
      const ts = req.query.get('ts');
      if (!this.channels.has(channel)) return slackError('channel_not_found');
      if (!ts || !this.messages.some((m) => m.channel === channel && m.ts === ts)) return slackError('thread_not_found');
      return this.page(req, this.window(req, (m) => m.channel === channel && (m.ts === ts || m.thread_ts === ts)), 'messages');
    });
    this.route('POST', '/auth.test', () => ({ status: 200, json: { ok: true, team: 'Acme', user: 'switchyard' } }));
  }

  /** Messages matching `keep` at or after `oldest`, as the API shows them (metadata only when asked for). */
  private window(req: FakeRequest, keep: (m: SlackFake['messages'][number]) => boolean) {
    const oldest = Number(req.query.get('oldest') ?? 0);
    const withMetadata = req.query.get('include_all_metadata') === 'true';
    return this.messages
      .filter((m) => keep(m) && Number(m.ts) >= oldest)
      .map(({ channel: _channel, metadata, ...m }) => ({ type: 'message', ...m, ...(withMetadata && metadata ? { metadata } : {}) }));
  }

  /** Cursor paging as Slack does it (`limit`, `cursor` → `response_metadata.next_cursor`, empty at the end). */
  private page(req: FakeRequest, list: unknown[], field: string): FakeResponse {
    const limit = Math.min(Number(req.query.get('limit') ?? 100), 1000);
    const start = req.query.get('cursor') ? Number(Buffer.from(req.query.get('cursor')!, 'base64').toString('utf8').replace('offset:', '')) : 0;
    const end = start + limit;
    const next = end < list.length ? Buffer.from(`offset:${end}`).toString('base64') : '';
    return { status: 200, json: { ok: true, [field]: list.slice(start, end), has_more: next !== '', response_metadata: { next_cursor: next } } };
  }

  protected override authenticate(req: FakeRequest): FakeResponse | undefined {
    const token = bearerToken(req);
    const isJson = String(req.headers['content-type'] ?? '').includes('json');
    // With a JSON body the token must be in the header; form bodies may carry `token`.
    const formToken = !isJson ? (req.body as { token?: string } | undefined)?.token : undefined;
    const t = token ?? formToken;
    if (!t) return slackError('not_authed');
    if (this.revoked.has(t)) return slackError('token_revoked');
    if (!this.tokens.has(t)) return slackError('invalid_auth');
    return undefined;
  }
}
