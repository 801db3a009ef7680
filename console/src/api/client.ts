import { ApiError, apiErrorOf, parseAnswer } from '../../../src/http/api-error';

export { ApiError };

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
  if (res.ok) return parseAnswer(text) as T;
  if (res.status === 401 && path !== '/api/v1/session') onSignedOut();
  throw apiErrorOf(res.status, res.statusText, text);
}
