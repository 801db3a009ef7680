import type { Client } from '@temporalio/client';
import type { Logger } from '../logging';
import type { EngineEvent, EngineEventHandler } from './engine-events';
import { runsQuery } from '../temporal/run-query';

const RESTORING_TOPICS = new Set(['connection.restored', 'connection.resumed']);

/**
 * Sends `connectionRestored` to every open run that uses the connection. Runs not waiting ignore
 * it; a waiting step retries its call. Returns how many runs were signalled.
 */
async function signalRunsUsing(client: Client, connectionId: string): Promise<number> {
  const query = runsQuery({ open: true, connectionId });
  let signalled = 0;
  for await (const run of client.workflow.list({ query })) {
    try {
      await client.workflow.getHandle(run.workflowId, run.runId).signal('connectionRestored', { connectionId });
      signalled++;
    } catch {
      // closed since it was listed: nothing waits there any more
    }
  }
  return signalled;
}

/**
 * Engine-event subscriber: when a connection is restored or resumed, wake the runs waiting on it —
 * at once, and again after each of `rechecksMs`, because visibility can lag behind a run that
 * started waiting just before the change.
 */
export function wakeRunsOnRestore(client: Client, logger: Pick<Logger, 'info' | 'warn'>, rechecksMs: number[] = [2_000, 10_000]): EngineEventHandler {
  return async (event: EngineEvent) => {
    if (!RESTORING_TOPICS.has(event.topic)) return;
    const { connectionId } = event.data as { connectionId: string };
    const wake = async (attempt: number) => {
      try {
        const signalled = await signalRunsUsing(client, connectionId);
        if (signalled > 0) logger.info({ connection: connectionId, signalled, attempt }, 'woke runs waiting on the connection');
      } catch (err) {
        logger.warn({ connection: connectionId, err: (err as Error).message }, 'could not wake runs waiting on the connection');
      }
    };
    await wake(0);
    rechecksMs.forEach((ms, i) => setTimeout(() => void wake(i + 1), ms).unref());
  };
}
