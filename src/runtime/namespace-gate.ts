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

/**
 * Checks at start that the namespace exists and has the engine's search attributes. In `fail` mode a
 * problem is a NamespaceNotReadyError whose message is the one line naming what is missing and the
 * fix; in `wait` mode it is logged, shown by /readyz, and re-checked every `pollMs` until fixed.
 */
export async function openNamespaceGate(connection: ConnectionLike, namespace: string, mode: NamespaceCheckMode, logger: Logger, pollMs = 5_000): Promise<NamespaceGate> {
  const problemNow = async (): Promise<string | undefined> => {
    try {
      const state = await inspectNamespace(connection, namespace);
      if (state.status === 'unverifiable') logger.warn({ namespace, reason: state.reason }, 'cannot verify the namespace’s search attributes; starting anyway');
      return namespaceProblem(state);
    } catch (err) {
      const problem = classifyTemporalError(err, `describe namespace ${namespace}`);
      if (!problem) throw err;
      return problem.message;
    }
  };
  let problem = await problemNow();
  if (problem === undefined) return { check: async () => undefined, ready: Promise.resolve(), stop: () => undefined };
  if (mode === 'fail') throw new NamespaceNotReadyError(`${problem}; or set SWITCHYARD_NAMESPACE_CHECK=wait to start and wait until it is fixed`);

  logger.error({ namespace }, `${problem}; waiting (SWITCHYARD_NAMESPACE_CHECK=wait)`);
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const ready = new Promise<void>((resolve) => {
    const poll = async () => {
      if (stopped) return;
      problem = await problemNow().catch((err: unknown) => (err instanceof Error ? err.message : String(err)));
      if (problem === undefined) {
        logger.info({ namespace }, 'the Temporal namespace is ready');
        return resolve();
      }
      timer = setTimeout(() => void poll(), pollMs);
    };
    timer = setTimeout(() => void poll(), pollMs);
  });
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
