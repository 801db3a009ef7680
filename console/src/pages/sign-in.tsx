import { useState } from 'preact/hooks';
import { api } from '../api/endpoints';
import type { SessionAnswer } from '../api/types';
import { ErrorNotice, Notice, PageHeader, useAction } from '../components/ui';

/** Sign in with an API token: the server answers with a session cookie (HttpOnly) and a CSRF token. */
export function SignInPage(props: { ended: boolean; onSignedIn(answer: SessionAnswer): void }) {
  const [token, setToken] = useState('');
  const action = useAction();
  const submit = (e: Event) => {
    e.preventDefault();
    void action.run(async () => props.onSignedIn(await api.session.signIn(token.trim())));
  };
  return (
    <main id="main" class="sign-in">
      <PageHeader title="Sign in to Switchyard" />
      {props.ended ? <Notice kind="warn">Your session ended (signed out, expired, or its token was revoked). Sign in again.</Notice> : null}
      <form onSubmit={submit} class="card">
        <label for="token">API token</label>
        <input id="token" name="token" type="password" autoComplete="off" required value={token} onInput={(e) => setToken(e.currentTarget.value)} aria-describedby="token-hint" />
        <p id="token-hint" class="hint">
          A token from <code>switchyard token create</code>, or the admin token <code>npm start</code> printed. The console can do what the token's scopes allow.
        </p>
        <ErrorNotice error={action.error} />
        <button type="submit" class="primary" disabled={action.busy}>
          {action.busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
