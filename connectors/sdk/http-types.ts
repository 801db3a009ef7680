type QueryValue = string | number | boolean | undefined | null;

export interface HttpRequest {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'HEAD';
  /** Relative to the connection's base URL (`/contacts`), or an absolute URL. */
  path?: string;
  /** Absolute URL (for connectors without a base URL, e.g. `webhook`, `http`). */
  url?: string;
  /** Resolve `path` against this named host of the connector (`hosts`) instead of its base URL. */
  host?: string;
  query?: Record<string, QueryValue>;
  headers?: Record<string, string>;
  /** JSON body (sets Content-Type: application/json). */
  json?: unknown;
  /** application/x-www-form-urlencoded body. */
  form?: Record<string, string>;
  /** Raw body, sent as is. */
  body?: string | Buffer;
  /** Overall deadline for this request, including redirects (default: the client's). */
  timeoutMs?: number;
  /** Return non-2xx responses instead of throwing a classified ConnectorError (default false). */
  allowErrorStatus?: boolean;
  /** Apply the connection's auth (default true; never applied to another origin than the base URL's). */
  auth?: boolean;
  /** `manual` returns a 3xx as the response instead of following it (default `follow`, up to the client's limit). */
  redirect?: 'follow' | 'manual';
  /** Response body limit for this request (default: the client's). */
  maxResponseBytes?: number;
  /** Keep the first `maxResponseBytes` and discard the rest, instead of failing with `response_too_large`. */
  truncateResponse?: boolean;
}

export interface HttpResponse<T = unknown> {
  status: number;
  /** Lower-cased header names; repeated headers joined with ", ". */
  headers: Record<string, string>;
  /** Parsed JSON when the response is JSON, else the text. */
  body: T;
  text: string;
  /** The body exactly as received, for binary downloads (a gzipped export, a file); set by the client. */
  bytes?: Buffer;
  /** Final URL after redirects. */
  url: string;
}

/** The one HTTP client every connector uses: authenticated, SSRF-guarded, classified. */
export interface HttpClient {
  request<T = unknown>(req: HttpRequest): Promise<HttpResponse<T>>;
}
