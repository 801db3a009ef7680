import { createHash, randomBytes } from 'node:crypto';
import { FakeServer, type FakeRequest, type FakeResponse } from './fake-server';
import { OAuthTokenStore } from './oauth-token-store';

/** A Dropbox endpoint error: 409 (or 401/429) with `error_summary` + the tagged union `error`. */
const dropboxError = (status: number, summary: string, error: unknown, headers?: Record<string, string>): FakeResponse => ({
  status,
  json: { error_summary: `${summary}/..${randomBytes(2).toString('hex')}`, error },
  headers,
});
/** Dropbox answers malformed arguments with a 400 and a plain-text body. */
const badArgs = (fn: string, why: string): FakeResponse => ({ status: 400, text: `Error in call to API function "${fn}": ${why}` });

interface StoredFile {
  id: string;
  name: string;
  pathDisplay: string;
  rev: string;
  content: string;
  link?: string;
}

/**
 * Dropbox API v2 (vendor-apis.md §13): RPC endpoints and the content endpoint on one origin
 * (`/2/...`), the OAuth2 token endpoint at `/oauth2/token` (refresh_token grant, 4 h tokens,
 * revocable), 401 `invalid_access_token`/`expired_access_token`, 409 path errors by `error_summary`,
 * 429 `too_many_requests` with Retry-After.
 */
export class DropboxFake extends FakeServer {
  readonly app = { key: 'dbx-app-key', secret: 'dbx-app-secret' };
  readonly tokens = new OAuthTokenStore({ accessToken: 'sl.valid', refreshToken: 'dbx-refresh', lifetimeMs: 4 * 3600_000 });
  readonly files = new Map<string, StoredFile>();

  constructor() {
    super({
      forms: true,
      failures: {
        serverError: () => ({ status: 503, text: 'Service Unavailable' }),
        rateLimited: (seconds) => dropboxError(429, 'too_many_requests', { reason: { '.tag': 'too_many_requests' }, retry_after: seconds }, { 'retry-after': String(seconds) }),
        unauthorized: () => dropboxError(401, 'invalid_access_token', { '.tag': 'invalid_access_token' }),
      },
    });
    this.route('POST', '/oauth2/token', this.tokens.endpoint({ prefix: 'sl.', expiresInSeconds: 14400, answer: { token_type: 'bearer' }, client: { id: this.app.key, secret: this.app.secret }, revoked: 'refresh token is invalid or revoked' }));
    this.route('POST', '/2/users/get_current_account', () => ({ status: 200, json: { account_id: 'dbid:AAH4f99T0taONIb-OurWxbNQ6ywGRopQngc', email: 'support@example.com' } }));
    this.route('POST', '/2/files/upload', (req) => this.upload(req));
    this.route('POST', '/2/sharing/create_shared_link_with_settings', (req) => this.createLink(req));
    this.route('POST', '/2/sharing/list_shared_links', (req) => this.listLinks(req));
  }

  /** Puts a file in place (as if a person had uploaded it). */
  seedFile(path: string, content: string): void {
    this.files.set(path.toLowerCase(), { id: `id:${randomBytes(8).toString('base64url')}`, name: path.slice(path.lastIndexOf('/') + 1), pathDisplay: path, rev: randomBytes(9).toString('hex'), content });
  }

  /** Revokes every access and refresh token (the user unlinked the app). */
  revokeTokens(): void {
    this.tokens.revoke();
  }

  protected override authenticate(req: FakeRequest): FakeResponse | undefined {
    if (req.path === '/oauth2/token') return undefined;
    const token = this.tokens.check(req);
    if (token === 'unknown') return dropboxError(401, 'invalid_access_token', { '.tag': 'invalid_access_token' });
    if (token === 'expired') return dropboxError(401, 'expired_access_token', { '.tag': 'expired_access_token' });
    return undefined;
  }


  private upload(req: FakeRequest): FakeResponse {
    const fn = 'files/upload';
    if (req.headers['content-type'] !== 'application/octet-stream') return badArgs(fn, `Bad HTTP "Content-Type" header: "${req.headers['content-type'] ?? ''}".  Expecting one of "application/octet-stream", "text/plain; charset=dropbox-cors-hack".`);
    const header = req.headers['dropbox-api-arg'];
    if (typeof header !== 'string') return badArgs(fn, 'Missing "Dropbox-API-Arg" header.');
    if (/[^\x20-\x7e]/.test(header)) return badArgs(fn, 'HTTP header "Dropbox-API-Arg": could not decode input as JSON');
    let arg: { path?: unknown; mode?: unknown; autorename?: unknown };
    try {
      arg = JSON.parse(header) as typeof arg;
    } catch {
      return badArgs(fn, 'HTTP header "Dropbox-API-Arg": could not decode input as JSON');
    }
    if (typeof arg.path !== 'string') return badArgs(fn, 'HTTP header "Dropbox-API-Arg": missing required field \'path\'');
    if (!/^\/.+[^/]$/.test(arg.path)) return badArgs(fn, `HTTP header "Dropbox-API-Arg": path: '${arg.path}' did not match pattern '(/(.|[\\r\\n])*)|(ns:[0-9]+(/.*)?)|(id:.*)'`);
    const mode = typeof arg.mode === 'object' && arg.mode ? (arg.mode as { '.tag'?: string })['.tag'] : arg.mode ?? 'add';
    if (mode !== 'add' && mode !== 'overwrite') return badArgs(fn, `HTTP header "Dropbox-API-Arg": mode: unknown tag '${String(mode)}'`);
    let path = arg.path;
    const existing = this.files.get(path.toLowerCase());
    if (existing && mode === 'add' && existing.content !== req.rawBody) {
      if (arg.autorename !== true) return dropboxError(409, 'path/conflict/file', { '.tag': 'path', reason: { '.tag': 'conflict', conflict: { '.tag': 'file' } }, upload_session_id: randomBytes(8).toString('hex') });
      const dot = path.lastIndexOf('.');
      for (let n = 1; this.files.has(path.toLowerCase()); n++) path = dot > path.lastIndexOf('/') ? `${arg.path.slice(0, dot)} (${n})${arg.path.slice(dot)}` : `${arg.path} (${n})`;
    }
    const file: StoredFile = {
      id: existing && path === arg.path ? existing.id : `id:${randomBytes(8).toString('base64url')}`,
      name: path.slice(path.lastIndexOf('/') + 1),
      pathDisplay: path,
      rev: randomBytes(9).toString('hex'),
      content: req.rawBody,
      link: existing && path === arg.path ? existing.link : undefined,
    };
    this.files.set(path.toLowerCase(), file);
    return { status: 200, json: this.metadata(file) };
  }

  private metadata(f: StoredFile) {
    const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    return {
      name: f.name,
      id: f.id,
      client_modified: now,
      server_modified: now,
      rev: f.rev,
      size: Buffer.byteLength(f.content),
      path_lower: f.pathDisplay.toLowerCase(),
      path_display: f.pathDisplay,
      content_hash: createHash('sha256').update(f.content).digest('hex'),
      is_downloadable: true,
    };
  }

  private linkMetadata(f: StoredFile) {
    return { '.tag': 'file', url: f.link, id: f.id, name: f.name, path_lower: f.pathDisplay.toLowerCase(), link_permissions: { can_revoke: true } };
  }

  private lookup(req: FakeRequest, fn: string): StoredFile | FakeResponse {
    if (req.bodyError) return badArgs(fn, `request body: could not decode input as JSON`);
    const path = (req.body as { path?: unknown } | undefined)?.path;
    if (typeof path !== 'string') return badArgs(fn, "request body: missing required field 'path'");
    const file = this.files.get(path.toLowerCase());
    return file ?? dropboxError(409, 'path/not_found', { '.tag': 'path', path: { '.tag': 'not_found' } });
  }

  private createLink(req: FakeRequest): FakeResponse {
    const file = this.lookup(req, 'sharing/create_shared_link_with_settings');
    if ('status' in file) return file;
    if (file.link) return dropboxError(409, 'shared_link_already_exists/metadata', { '.tag': 'shared_link_already_exists', shared_link_already_exists: { '.tag': 'metadata', metadata: this.linkMetadata(file) } });
    file.link = `https://www.dropbox.com/scl/fi/${randomBytes(6).toString('hex')}/${encodeURIComponent(file.name)}?rlkey=${randomBytes(4).toString('hex')}&dl=0`;
    return { status: 200, json: this.linkMetadata(file) };
  }

  private listLinks(req: FakeRequest): FakeResponse {
    const file = this.lookup(req, 'sharing/list_shared_links');
    if ('status' in file) return file;
    return { status: 200, json: { links: file.link ? [this.linkMetadata(file)] : [], has_more: false } };
  }
}
