import type { Config } from '../../config/config';
import { ApiError, apiErrorOf, parseAnswer } from '../../http/api-error';

export { ApiError };

/** The management API over HTTP, as the CLI uses it. */
export class ApiClient {
  constructor(
    readonly baseUrl: string,
    private readonly token: string | undefined,
  ) {}

  /** The JSON answer, typed as the caller expects it (the routes export their answer types). */
  async request<T = unknown>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
    const text = await this.requestText(method, path, body, headers);
    return parseAnswer(text) as T;
  }

  /** The raw body (exports: ndjson, csv). */
  async requestText(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<string> {
    if (!this.token) throw new Error('no API token: set SWITCHYARD_API_TOKEN or pass --token');
    let res: Response;
    try {
      res = await fetch(new URL(path, this.baseUrl), {
        method,
        headers: { ...headers, authorization: `Bearer ${this.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (err) {
      throw new Error(`cannot reach the API at ${this.baseUrl} (${(err as Error).message}); is switchyard running? (SWITCHYARD_API_URL)`, { cause: err });
    }
    const text = await res.text();
    if (!res.ok) throw apiErrorOf(res.status, res.statusText, text);
    return text;
  }
}

export interface ApiClientOptions {
  url?: string;
  token?: string;
}

/** `--url`/`--token`, else SWITCHYARD_API_URL / SWITCHYARD_API_TOKEN, else the local API on PORT. */
export function apiClientFrom(config: Pick<Config, 'SWITCHYARD_API_URL' | 'SWITCHYARD_API_TOKEN' | 'PORT'>, opts: ApiClientOptions = {}): ApiClient {
  const url = opts.url ?? config.SWITCHYARD_API_URL ?? `http://127.0.0.1:${config.PORT}`;
  return new ApiClient(url, opts.token ?? config.SWITCHYARD_API_TOKEN);
}
