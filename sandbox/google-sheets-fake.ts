import { FakeServer, type FakeRequest, type FakeResponse } from './fake-server';
import { googleGrant, OAuthTokenStore } from './oauth-token-store';

const googleError = (code: number, status: string, message: string, reason?: string): FakeResponse => ({
  status: code,
  json: { error: { code, message, status, ...(reason ? { details: [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason, domain: 'googleapis.com' }] } : {}) } },
});

/**
 * Sheets v4 values.append and values.get (vendor-apis.md §11) and a Google-style OAuth2 token endpoint at
 * /token (refresh_token grant; rotating access tokens; revocable refresh tokens).
 */
export class GoogleSheetsFake extends FakeServer {
  readonly tokens = new OAuthTokenStore({ accessToken: 'ya29.valid', refreshToken: '1//refresh', lifetimeMs: 3600_000 });
  readonly sheets = new Map<string, Map<string, unknown[][]>>([['sheet123', new Map([['Closed', [['id', 'subject']]]])]]);

  constructor() {
    super({
      forms: true,
      failures: {
        serverError: () => googleError(503, 'UNAVAILABLE', 'The service is currently unavailable.'),
        rateLimited: () =>
          googleError(429, 'RESOURCE_EXHAUSTED', "Quota exceeded for quota metric 'Write requests' and limit 'Write requests per minute per user' of service 'sheets.googleapis.com'", 'RATE_LIMIT_EXCEEDED'),
        unauthorized: () => googleError(401, 'UNAUTHENTICATED', 'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.'),
      },
    });
    this.route('POST', '/token', this.tokens.endpoint(googleGrant('https://www.googleapis.com/auth/spreadsheets')));
    // values.get over a whole sheet (`Closed`) or an A1 range of whole columns or cells (`Closed!A:F`, `Closed!A1:C9`).
    this.route('GET', '/v4/spreadsheets/:id/values/:range', (req) => {
      const book = this.sheets.get(req.params.id!);
      if (!book) return googleError(404, 'NOT_FOUND', 'Requested entity was not found.');
      const [name, a1] = req.params.range!.split('!') as [string, string | undefined];
      const rows = book.get(name.replace(/^'|'$/g, ''));
      const m = a1 === undefined ? null : /^([A-Z]+)(\d*):([A-Z]+)(\d*)$/.exec(a1);
      if (!rows || (a1 !== undefined && !m)) return googleError(400, 'INVALID_ARGUMENT', `Unable to parse range: ${req.params.range}`);
      const col = (c: string) => [...c].reduce((n, ch) => n * 26 + ch.charCodeAt(0) - 64, 0);
      const [c0, c1] = m ? [col(m[1]!) - 1, col(m[3]!)] : [0, Infinity];
      const [r0, r1] = m ? [m[2] ? Number(m[2]) - 1 : 0, m[4] ? Number(m[4]) : Infinity] : [0, Infinity];
      const values = rows.slice(r0, r1).map((r) => r.slice(c0, c1).map((v) => (v === null ? '' : String(v))));
      return { status: 200, json: { range: req.params.range, majorDimension: 'ROWS', ...(values.length > 0 ? { values } : {}) } };
    });
    this.route('POST', '/v4/spreadsheets/:id/values/:rangeAppend', (req) => {
      const m = /^(.*):append$/.exec(req.params.rangeAppend!);
      if (!m) return googleError(404, 'NOT_FOUND', 'Method not found.');
      const option = req.query.get('valueInputOption');
      if (option !== 'RAW' && option !== 'USER_ENTERED') return googleError(400, 'INVALID_ARGUMENT', "Invalid valueInputOption: ''", 'BAD_REQUEST');
      const book = this.sheets.get(req.params.id!);
      if (!book) return googleError(404, 'NOT_FOUND', 'Requested entity was not found.');
      const sheetName = m[1]!.split('!')[0]!.replace(/^'|'$/g, '');
      const rows = book.get(sheetName);
      if (!rows) return googleError(400, 'INVALID_ARGUMENT', `Unable to parse range: ${m[1]}`);
      const values = ((req.body ?? {}) as { values?: unknown }).values;
      if (!Array.isArray(values) || values.some((r) => !Array.isArray(r))) return googleError(400, 'INVALID_ARGUMENT', 'Invalid value at \'data.values\'');
      const first = rows.length + 1;
      rows.push(...(values as unknown[][]));
      const width = Math.max(...(values as unknown[][]).map((r) => r.length));
      const col = String.fromCharCode(64 + width);
      return {
        status: 200,
        json: {
          spreadsheetId: req.params.id,
          tableRange: `${sheetName}!A1:${col}${first - 1}`,
          updates: { spreadsheetId: req.params.id, updatedRange: `${sheetName}!A${first}:${col}${rows.length}`, updatedRows: values.length, updatedColumns: width, updatedCells: values.length * width },
        },
      };
    });
  }

  protected override authenticate(req: FakeRequest): FakeResponse | undefined {
    if (req.path === '/token') return undefined;
    if (this.tokens.check(req) !== 'valid') return this.failuresUnauthorized();
    return undefined;
  }

  private failuresUnauthorized(): FakeResponse {
    return googleError(401, 'UNAUTHENTICATED', 'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.');
  }
}
