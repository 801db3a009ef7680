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
  readonly messages: { channel: string; text?: string; ts: string; thread_ts?: string }[] = [];

  constructor() {
    super({
      forms: true,
      auth: (req) => this.authenticate(req),
      failures: {
        serverError: () => ({ status: 503, text: 'upstream connect error' }),
        rateLimited: (s) => ({ status: 429, headers: { 'retry-after': String(s) }, json: { ok: false, error: 'ratelimited' } }),
        unauthorized: () => slackError('invalid_auth'),
      },
    });
    this.route('POST', '/chat.postMessage', (req) => {
      if (req.bodyError) return slackError('invalid_json');
      const b = (req.body ?? {}) as { channel?: unknown; text?: unknown; blocks?: unknown; thread_ts?: unknown };
      if (typeof b.channel !== 'string' || !b.channel) return slackError('channel_not_found');
      const id = this.channels.has(b.channel) ? b.channel : [...this.channels].find(([, name]) => `#${name}` === b.channel || name === b.channel)?.[0];
      if (!id) return slackError('channel_not_found');
      if ((typeof b.text !== 'string' || !b.text) && !Array.isArray(b.blocks)) return slackError('no_text');
      if (typeof b.text === 'string' && b.text.length > 40_000) return slackError('msg_too_long');
      const ts = `${Math.floor(Date.now() / 1000)}.${String(this.messages.length + 1).padStart(6, '0')}`;
      this.messages.push({ channel: id, text: b.text as string | undefined, ts, thread_ts: b.thread_ts as string | undefined });
      return { status: 200, json: { ok: true, channel: id, ts, message: { type: 'message', text: b.text, ts } } };
    });
    this.route('POST', '/auth.test', () => ({ status: 200, json: { ok: true, team: 'Acme', user: 'switchyard' } }));
  }

  private authenticate(req: FakeRequest): FakeResponse | undefined {
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
