import type { ErrorBody } from './types';

/** A refusal from the API: its status, code and the message that names what is wrong. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }

  /** The per-field messages of a 422 (`body.credentials.apiToken` → message). */
  fieldIssues(): Record<string, string> {
    const issues = (this.details as { issues?: { path: string; message: string }[] } | undefined)?.issues ?? [];
    return Object.fromEntries(issues.map((i) => [i.path, i.message]));
  }
}

let csrfToken: string | undefined;
let onSignedOut: () => void = () => undefined;

/** Set by the session on sign-in: writes send it as X-CSRF-Token. */
export function useCsrfToken(token: string | undefined): void {
  csrfToken = token;
}

/** Called when the API says the session is gone (expired, signed out elsewhere, token revoked). */
export function whenSignedOut(handler: () => void): void {
  onSignedOut = handler;
}

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** One call to /api/v1 with the session cookie; a 4xx/5xx becomes an ApiError with the server's message. */
export async function request<T>(method: Method, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  let res: Response;
  try {
    res = await fetch(path, { method, headers, credentials: 'same-origin', body: body === undefined ? undefined : JSON.stringify(body) });
  } catch {
    throw new ApiError(0, 'unreachable', 'the Switchyard API did not answer; is it running?');
  }
  const text = await res.text();
  const parsed: unknown = text ? safeJson(text) : undefined;
  if (res.ok) return parsed as T;
  const error = (parsed as Partial<ErrorBody> | undefined)?.error;
  if (res.status === 401 && path !== '/api/v1/session') onSignedOut();
  throw new ApiError(res.status, error?.code ?? 'http_error', error?.message ?? `${res.status} ${res.statusText}`, error?.details);
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
