import type { ConnectionLike } from '@temporalio/client';
import type { ReadinessCheck } from '../http/health';
import type { Logger } from '../logging';
import { classifyTemporalError } from '../temporal/client-errors';
import { inspectNamespace, namespaceProblem } from '../temporal/namespace-check';

/** SWITCHYARD_NAMESPACE_CHECK: `fail` stops the process at start; `wait` keeps it up, not ready, until the namespace is fixed. */
export type NamespaceCheckMode = 'fail' | 'wait';

class NamespaceNotReadyError extends Error {
  override name = 'NamespaceNotReadyError';
}

export interface NamespaceGate {
  /** For /readyz: throws the one-line reason while the namespace would make every run fail. */
  check: ReadinessCheck;
  /** Settles once the namespace is usable (at once unless mode is `wait`). */
  ready: Promise<void>;
  stop(): void;
}

type Probe = { kind: 'ok' } | { kind: 'problem'; message: string } | { kind: 'unreachable'; message: string };

/**
 * Checks at start that the namespace exists and has the engine's search attributes. In `fail` mode a
 * problem is a NamespaceNotReadyError whose message is the one line naming what is missing and the
 * fix; in `wait` mode it is logged, shown by /readyz, and re-checked every `pollMs` until fixed.
 * A Temporal that does not answer at start is not a misconfiguration: the process starts (the
 * ingress answers 503 + Retry-After meanwhile) and the check runs again until Temporal answers.
 */
export async function openNamespaceGate(connection: ConnectionLike, namespace: string, mode: NamespaceCheckMode, logger: Logger, pollMs = 5_000): Promise<NamespaceGate> {
  const probe = async (): Promise<Probe> => {
    try {
      const state = await inspectNamespace(connection, namespace);
      if (state.status === 'unverifiable') logger.warn({ namespace, reason: state.reason }, 'cannot verify the namespace’s search attributes; starting anyway');
      const message = namespaceProblem(state);
      return message === undefined ? { kind: 'ok' } : { kind: 'problem', message };
    } catch (err) {
      const problem = classifyTemporalError(err, `describe namespace ${namespace}`);
      if (!problem) throw err;
      return problem.kind === 'unavailable' ? { kind: 'unreachable', message: problem.message } : { kind: 'problem', message: problem.message };
    }
  };
  const first = await probe();
  if (first.kind === 'ok') return { check: async () => undefined, ready: Promise.resolve(), stop: () => undefined };
  if (first.kind === 'problem' && mode === 'fail') throw new NamespaceNotReadyError(`${first.message}; or set SWITCHYARD_NAMESPACE_CHECK=wait to start and wait until it is fixed`);

  let problem = first.kind === 'problem' ? first.message : undefined;
  if (first.kind === 'problem') logger.error({ namespace }, `${first.message}; waiting (SWITCHYARD_NAMESPACE_CHECK=wait)`);
  else logger.warn({ namespace }, `${first.message}; starting, the namespace is checked once Temporal answers`);
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  let settle: () => void = () => undefined;
  const ready = first.kind === 'unreachable' ? Promise.resolve() : new Promise<void>((resolve) => (settle = resolve));
  const poll = async () => {
    if (stopped) return;
    const next = await probe().catch((err: unknown): Probe => ({ kind: 'problem', message: err instanceof Error ? err.message : String(err) }));
    if (next.kind === 'ok') {
      problem = undefined;
      logger.info({ namespace }, 'the Temporal namespace is ready');
      return settle();
    }
    if (next.kind === 'problem' && problem !== next.message) logger.error({ namespace }, next.message);
    if (next.kind === 'problem') problem = next.message;
    timer = setTimeout(() => void poll(), pollMs);
  };
  timer = setTimeout(() => void poll(), pollMs);
  return {
    check: async () => {
      if (problem !== undefined) throw new Error(problem);
    },
    ready,
    stop: () => {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
