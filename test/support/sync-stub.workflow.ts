import { condition, defineQuery, defineSignal, setHandler } from '@temporalio/workflow';
import { syncSignals, syncStatusQuery, type SyncChangesSignal, type SyncPausedSignal, type SyncPhase, type SyncStatus } from '../../workflows/sync-contract';

/** What the stub received, in order (its `stub.received` query). */
export interface StubSignal {
  signal: string;
  arg?: unknown;
}

/**
 * A stand-in for the sync workflow that keeps only the contract (workflows/sync-contract.ts): it
 * records every signal, answers `sync.status` (paused while a `sync.paused` says so) and runs
 * until cancelled. The API and CLI tests steer it without the sync engine.
 */
export async function syncWorkflow(): Promise<void> {
  const received: StubSignal[] = [];
  let paused = false;
  let changed = 0;
  for (const name of Object.values(syncSignals)) {
    setHandler(defineSignal<[unknown?]>(name), (arg?: unknown) => {
      received.push({ signal: name, ...(arg === undefined ? {} : { arg }) });
      if (name === syncSignals.paused) paused = (arg as SyncPausedSignal).paused;
      if (name === syncSignals.changes) changed += (arg as SyncChangesSignal).ids.length;
    });
  }
  setHandler(defineQuery<SyncStatus>(syncStatusQuery), () => {
    const phase: SyncPhase = paused ? 'paused' : changed > 0 ? 'cycle' : 'idle';
    return { phase, lastCycle: { left: '2026-03-01T10:00:00.000Z', right: '2026-03-01T10:00:01.000Z' } };
  });
  setHandler(defineQuery<StubSignal[]>('stub.received'), () => received);
  await condition(() => false);
}
