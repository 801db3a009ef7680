/** A message for the next page (e.g. "installed, but the test failed"), shown once. */
let pending: { kind: 'ok' | 'error' | 'warn'; text: string } | undefined;

export function flash(kind: 'ok' | 'error' | 'warn', text: string): void {
  pending = { kind, text };
}

export function takeFlash(): typeof pending {
  const message = pending;
  pending = undefined;
  return message;
}
