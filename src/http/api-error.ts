// The API's refusals as its clients read them: the CLI (src/cli/remote/api-client.ts) and the console
// (console/src/api/client.ts) share this one module. Node-free on purpose (the console bundles it);
// `.dependency-cruiser.cjs` keeps it a leaf.

/** The error body every refusal has: `{ error: { code, message, details } }` (src/http/errors.ts writes it). */
export interface ErrorBody {
  error: { code: string; message: string; details?: unknown };
}

/** A refusal from the API: its status, code, the server's message (`reason`) and details. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    /** The server's message, which names what is wrong. */
    readonly reason: string,
    readonly details?: unknown,
  ) {
    super(`${status} ${code}: ${reason}`);
  }

  /** The per-field messages of a 422 (`body.credentials.apiToken` → message). */
  fieldIssues(): Record<string, string> {
    const issues = (this.details as { issues?: { path: string; message: string }[] } | undefined)?.issues ?? [];
    return Object.fromEntries(issues.map((i) => [i.path, i.message]));
  }
}

/** An answer's body: its JSON, or the text itself when it is not JSON (a proxy's error page, an export). */
export function parseAnswer(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** The ApiError for a 4xx/5xx answer: the server's `{ error }` when the body has one, else the status line. */
export function apiErrorOf(status: number, statusText: string, text: string): ApiError {
  const error = (parseAnswer(text) as Partial<ErrorBody> | undefined)?.error;
  return new ApiError(status, error?.code ?? 'http_error', error?.message ?? (text || statusText || String(status)), error?.details);
}
