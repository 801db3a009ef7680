import type { ComponentChildren } from 'preact';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { ApiError } from '../api/client';

/** The page's heading: focused on arrival so a screen reader announces the new page. */
export function PageHeader(props: { title: string; children?: ComponentChildren }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${props.title} · Switchyard`;
    ref.current?.focus();
  }, [props.title]);
  return (
    <header class="page-header">
      <h1 tabIndex={-1} ref={ref}>
        {props.title}
      </h1>
      {props.children}
    </header>
  );
}

/** A message that screen readers announce: `alert` for failures, `status` for the rest. */
export function Notice(props: { kind: 'error' | 'ok' | 'info' | 'warn'; children: ComponentChildren; testId?: string }) {
  return (
    <div class={`notice notice-${props.kind}`} role={props.kind === 'error' ? 'alert' : 'status'} data-testid={props.testId}>
      {props.children}
    </div>
  );
}

export function ErrorNotice(props: { error: unknown }) {
  if (!props.error) return null;
  const e = props.error;
  const text = e instanceof ApiError ? `${e.reason} (${e.status} ${e.code})` : e instanceof Error ? e.message : String(e);
  return <Notice kind="error">{text}</Notice>;
}

export interface Loaded<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  reload(): void;
}

/** Loads once per change of `deps`, and again on reload(). */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[]): Loaded<T> {
  const [state, setState] = useState<{ data?: T; error?: unknown; loading: boolean }>({ loading: true });
  const [round, setRound] = useState(0);
  useEffect(() => {
    let current = true;
    setState((s) => ({ ...s, loading: true }));
    load().then(
      (data) => current && setState({ data, loading: false }),
      (error: unknown) => current && setState({ error, loading: false }),
    );
    return () => {
      current = false;
    };
  }, [...deps, round]);
  return { data: state.data, error: state.error, loading: state.loading, reload: useCallback(() => setRound((r) => r + 1), []) };
}

/** Runs an action, keeping its busy flag and its failure for the form to show. */
export function useAction() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const run = useCallback(async (action: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await action();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }, []);
  return { busy, error, run, setError };
}

export function StatusBadge(props: { status: string }) {
  return <span class={`badge badge-${props.status}`}>{props.status}</span>;
}

export function When(props: { at: string | null | undefined }) {
  if (!props.at) return <span class="muted">never</span>;
  return <time dateTime={props.at} title={props.at}>{new Date(props.at).toLocaleString()}</time>;
}

/** A button that runs `does` as the form's action (`useAction`): disabled while that action is busy, its failure shown by the form. */
export function ActionButton(props: { action: ReturnType<typeof useAction>; does: () => Promise<void>; kind?: 'primary' | 'danger'; label?: string; children: ComponentChildren }) {
  return (
    <button type="button" class={props.kind} disabled={props.action.busy} aria-label={props.label} onClick={() => void props.action.run(props.does)}>
      {props.children}
    </button>
  );
}
