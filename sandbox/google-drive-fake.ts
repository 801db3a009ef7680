import { randomBytes } from 'node:crypto';
import { FakeServer, type FakeRequest, type FakeResponse } from './fake-server';
import { googleGrant, OAuthTokenStore } from './oauth-token-store';

/** Drive's legacy error shape: `{error:{errors:[{domain,reason,message,location…}],code,message}}`. */
const driveError = (code: number, reason: string, message: string, location?: { locationType: string; location: string }): FakeResponse => ({
  status: code,
  json: { error: { errors: [{ domain: reason.endsWith('RateLimitExceeded') || reason === 'rateLimitExceeded' ? 'usageLimits' : 'global', reason, message, ...location }], code, message } },
});
const folderType = 'application/vnd.google-apps.folder';

interface DriveFile {
  id: string;
  name: string;
  mimeType: string;
  parents: string[];
  content?: string;
  description?: string;
}

interface MultipartPart {
  type: string;
  body: string;
}

/** Splits a `multipart/related` body; undefined when the boundary or the part headers are malformed. */
function parseMultipart(contentType: string | undefined, raw: string): MultipartPart[] | undefined {
  const boundary = /^multipart\/related;\s*boundary="?([^";]+)"?/i.exec(contentType ?? '')?.[1];
  if (!boundary) return undefined;
  const chunks = raw.split(`--${boundary}`);
  if (chunks.length < 3 || !chunks.at(-1)!.startsWith('--')) return undefined;
  const parts: MultipartPart[] = [];
  for (const chunk of chunks.slice(1, -1)) {
    const split = chunk.indexOf('\r\n\r\n');
    if (split < 0) return undefined;
    const type = /content-type:\s*([^\r\n]+)/i.exec(chunk.slice(0, split))?.[1]?.trim();
    if (!type) return undefined;
    parts.push({ type, body: chunk.slice(split + 4).replace(/\r\n$/, '') });
  }
  return parts;
}

/**
 * Drive API v3 files.create (vendor-apis.md §12): multipart upload at /upload/drive/v3/files,
 * metadata-only creates at /drive/v3/files, `fields` honoured, parents must exist (404 notFound),
 * quota as 403 `userRateLimitExceeded` (no Retry-After), and Google's token endpoint at /token.
 */
export class GoogleDriveFake extends FakeServer {
  readonly tokens = new OAuthTokenStore({ accessToken: 'ya29.drive', refreshToken: '1//drive-refresh', lifetimeMs: 3600_000 });
  readonly files = new Map<string, DriveFile>([['root', { id: 'root', name: 'My Drive', mimeType: folderType, parents: [] }], ['0AFolderReports', { id: '0AFolderReports', name: 'Support reports', mimeType: folderType, parents: ['root'] }]]);

  constructor() {
    super({
      forms: true,
      failures: {
        serverError: () => driveError(500, 'backendError', 'Backend Error'),
        rateLimited: () => driveError(403, 'userRateLimitExceeded', 'User Rate Limit Exceeded'),
        unauthorized: () => driveError(401, 'authError', 'Invalid Credentials', { locationType: 'header', location: 'Authorization' }),
      },
    });
    this.route('POST', '/token', this.tokens.endpoint(googleGrant('https://www.googleapis.com/auth/drive.file')));
    this.route('GET', '/drive/v3/about', () => ({ status: 200, json: { user: { kind: 'drive#user', displayName: 'Support Bot', emailAddress: 'support@example.com' } } }));
    this.route('POST', '/upload/drive/v3/files', (req) => this.upload(req));
    this.route('POST', '/drive/v3/files', (req) => (req.bodyError ? driveError(400, 'parseError', 'Parse Error') : this.create(req, (req.body ?? {}) as Record<string, unknown>)));
  }

  /** Revokes every access and refresh token (the user removed the app's access). */
  revokeTokens(): void {
    this.tokens.revoke();
  }

  protected override authenticate(req: FakeRequest): FakeResponse | undefined {
    if (req.path === '/token') return undefined;
    if (this.tokens.check(req) !== 'valid') return driveError(401, 'authError', 'Invalid Credentials', { locationType: 'header', location: 'Authorization' });
    return undefined;
  }

  private upload(req: FakeRequest): FakeResponse {
    const uploadType = req.query.get('uploadType');
    if (uploadType !== 'multipart') return driveError(400, 'invalid', `Invalid value for: ${uploadType ?? '(missing)'} is not a valid value`, { locationType: 'parameter', location: 'uploadType' });
    const parts = parseMultipart(req.headers['content-type'], req.rawBody);
    if (!parts || parts.length !== 2) return driveError(400, 'badContent', 'Malformed multipart body.');
    const [meta, media] = parts as [MultipartPart, MultipartPart];
    if (!meta.type.startsWith('application/json')) return driveError(400, 'badContent', 'Metadata part must be application/json.');
    let metadata: Record<string, unknown>;
    try {
      metadata = JSON.parse(meta.body) as Record<string, unknown>;
    } catch {
      return driveError(400, 'parseError', 'Parse Error');
    }
    return this.create(req, metadata, media);
  }

  private create(req: FakeRequest, metadata: Record<string, unknown>, media?: MultipartPart): FakeResponse {
    if (metadata.name !== undefined && typeof metadata.name !== 'string') return driveError(400, 'invalid', 'Invalid value for name', { locationType: 'other', location: 'name' });
    const parents = metadata.parents ?? ['root'];
    if (!Array.isArray(parents) || parents.length > 1) return driveError(400, 'invalid', 'Increasing the number of parents is not allowed.', { locationType: 'other', location: 'parents' });
    for (const p of parents as string[]) {
      const parent = this.files.get(p);
      if (!parent || parent.mimeType !== folderType) return driveError(404, 'notFound', `File not found: ${p}.`, { locationType: 'parameter', location: 'fileId' });
    }
    const file: DriveFile = {
      id: randomBytes(16).toString('base64url').replace(/[^A-Za-z0-9]/g, 'x'),
      name: (metadata.name) ?? 'Untitled',
      mimeType: (metadata.mimeType as string | undefined) ?? media?.type ?? 'application/octet-stream',
      parents: parents as string[],
      content: media?.body,
      description: metadata.description as string | undefined,
    };
    this.files.set(file.id, file);
    return { status: 200, json: this.resource(file, req.query.get('fields')) };
  }

  private resource(f: DriveFile, fields: string | null) {
    const webViewLink = f.mimeType === folderType ? `https://drive.google.com/drive/folders/${f.id}` : `https://drive.google.com/file/d/${f.id}/view?usp=drivesdk`;
    const all: Record<string, unknown> = { kind: 'drive#file', id: f.id, name: f.name, mimeType: f.mimeType, parents: f.parents, webViewLink };
    const wanted = fields ? fields.split(',').map((s) => s.trim()) : ['kind', 'id', 'name', 'mimeType'];
    return Object.fromEntries(Object.entries(all).filter(([k]) => wanted.includes(k)));
  }
}
