import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { ApiScope, SessionAnswer } from './api/types';

export interface SessionState {
  who: SessionAnswer;
  /** Whether the signed-in token holds the scope: pages hide what it may not do (the API refuses it anyway). */
  can: (scope: ApiScope) => boolean;
  signOut: () => Promise<void>;
}

export const SessionContext = createContext<SessionState | null>(null);

export function useSession(): SessionState {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession() outside the signed-in shell');
  return session;
}
