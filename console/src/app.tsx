import { useCallback, useEffect, useMemo, useState } from 'preact/hooks';
import { useCsrfToken, whenSignedOut } from './api/client';
import { api } from './api/endpoints';
import type { SessionAnswer } from './api/types';
import { Notice } from './components/ui';
import { NotFoundPage } from './pages/not-found';
import { SignInPage } from './pages/sign-in';
import { Link, matchPath, navigate, usePlace } from './router';
import { home, routes } from './routes';
import { SessionContext, type SessionState } from './session';

/** Signed out: the sign-in page; signed in: the shell (navigation, who, sign out) around the current page. */
export function App() {
  const [who, setWho] = useState<SessionAnswer | null | undefined>(undefined);
  const [ended, setEnded] = useState(false);
  const place = usePlace();

  const signedIn = useCallback((answer: SessionAnswer | null) => {
    useCsrfToken(answer?.csrfToken);
    setWho(answer);
  }, []);

  useEffect(() => {
    whenSignedOut(() => {
      setEnded(true);
      signedIn(null);
    });
    api.session.get().then(signedIn, () => signedIn(null));
  }, [signedIn]);

  const session = useMemo<SessionState | null>(
    () =>
      who
        ? {
            who,
            can: (scope) => who.scopes.includes(scope),
            signOut: async () => {
              await api.session.signOut().catch(() => undefined);
              setEnded(false);
              signedIn(null);
              navigate('/', true);
            },
          }
        : null,
    [who, signedIn],
  );

  if (who === undefined) return <p class="loading">Loading…</p>;
  if (!session) {
    return (
      <SignInPage
        ended={ended}
        onSignedIn={(answer) => {
          setEnded(false);
          signedIn(answer);
          if (place.path === '/' || place.path === '/sign-in') navigate(home, true);
        }}
      />
    );
  }
  if (place.path === '/' || place.path === '/sign-in') {
    navigate(home, true);
    return null;
  }
  const found = routes.map((r) => ({ route: r, params: matchPath(r.path, place.path) })).find((m) => m.params);
  const Page = found?.route.page ?? NotFoundPage;
  const current = (navPath: string) => place.path === navPath || (place.path.startsWith(`${navPath}/`) && !routes.some((r) => r.nav && r.path !== navPath && place.path.startsWith(r.path)));
  return (
    <SessionContext.Provider value={session}>
      <a class="skip" href="#main">
        Skip to content
      </a>
      <div class="shell">
        <header class="topbar">
          <Link href={home} class="brand">
            Switchyard
          </Link>
          <div class="who" data-testid="who">
            Signed in with <strong>{session.who.token.name}</strong> <span class="muted">({session.who.token.prefix})</span>
            <button type="button" class="link-button" onClick={() => void session.signOut()}>
              Sign out
            </button>
          </div>
        </header>
        <nav aria-label="Console" class="sidenav">
          <ul>
            {routes
              .filter((r) => r.nav)
              .map((r) => (
                <li key={r.path}>
                  <Link href={r.path} aria-current={current(r.path) ? 'page' : undefined}>
                    {r.nav}
                  </Link>
                </li>
              ))}
          </ul>
        </nav>
        <main id="main" class="content">
          {!session.can('connections:write') && session.can('connections:read') ? (
            <Notice kind="info" testId="read-only">
              Read-only: this token can look but not change anything ({session.who.scopes.join(', ')}).
            </Notice>
          ) : null}
          <Page key={place.path} params={found?.params ?? {}} query={place.query} />
        </main>
      </div>
    </SessionContext.Provider>
  );
}
