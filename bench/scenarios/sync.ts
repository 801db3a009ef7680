import { IntercomFake } from '../../sandbox/intercom-fake';
import { SalesforceFake } from '../../sandbox/salesforce-fake';
import { compileSync } from '../../src/recipe/sync-compile';
import type { Store } from '../../src/store/store';
import { querySyncStatus, startSync } from '../../src/sync/control';
import { intercomContactsSync, mrrField, salesforceContacts } from '../../test/support/sync-definitions';
import { seedVendorConnections } from '../../test/support/vendor-connections';
import type { SyncWorkflowInput } from '../../workflows/sync-workflow';
import { until } from '../lib/load';
import type { BenchOptions } from '../lib/options';
import { cpuMsPer, type ChildHandle } from '../lib/processes';
import type { Row, ScenarioResult } from '../lib/results';
import type { Stack } from '../lib/stack';

type Direction = 'leftToRight' | 'rightToLeft';

interface BackfillFigures {
  direction: string;
  records: number;
  seconds: number;
  recordsPerSec: number;
  /** Vendor calls (every request either fake received) per record, and each vendor's. */
  callsPerRecord: { intercom: number; salesforce: number; total: number };
  /** Salesforce sObject Collections calls and records per call (200 at most). */
  salesforceWriteCalls: number;
  salesforceRecordsPerWriteCall: number;
  intercomWritesPerRecord: number;
  cpuMsPerRecord: Record<string, number>;
  /** Every record created once on the other side, none twice, none missing. */
  exact: boolean;
}

const composite = '/instance/services/data/v62.0/composite/sobjects';

/**
 * CRM sync backfill (issue #16): `--sync-records` Intercom contacts to Salesforce (the tests'
 * Intercom ↔ Salesforce contacts sync, flowing leftToRight and creating on the right), then as
 * many Salesforce Contacts to Intercom (rightToLeft, creating on the left), each through the engine's own `switchyard worker` process
 * and the sync workflow on the dev server, against the Intercom and Salesforce fakes in the
 * harness process (which count every request). Measures records/s (start → the backfill's
 * `sync.status` says done), vendor calls per record, CPU per record per process and the worker's RSS.
 */
export async function sync(stack: Stack, o: BenchOptions): Promise<ScenarioResult> {
  const ic = new IntercomFake();
  const sf = new SalesforceFake().addCustomField('Contact', { ...mrrField });
  await Promise.all([ic.start(), sf.start()]);
  let store: Store | undefined;
  try {
    store = await stack.openStore();
    const connections = await seedVendorConnections(store, { intercom: { fake: ic }, salesforce: sf });
    const worker = await stack.startWorker();
    const figures: BackfillFigures[] = [];
    for (const direction of ['leftToRight', 'rightToLeft'] as const) {
      figures.push(await backfill(stack, store, connections, worker, ic, sf, direction, o.syncRecords));
    }
    const memory = worker.memory();
    const rows: Row[] = figures.flatMap((f) => [
      { metric: `${f.direction}: ${f.records} records, records/s`, value: f.recordsPerSec, met: f.exact },
      { metric: `${f.direction}: vendor calls per record (intercom + salesforce)`, value: `${f.callsPerRecord.total} (${f.callsPerRecord.intercom} + ${f.callsPerRecord.salesforce})` },
      f.salesforceWriteCalls > 0
        ? { metric: `${f.direction}: Salesforce write calls; records per call`, value: `${f.salesforceWriteCalls}; ${f.salesforceRecordsPerWriteCall}`, target: '≈ 200 (1/200 calls per record)', met: f.salesforceRecordsPerWriteCall >= 150 }
        : { metric: `${f.direction}: Intercom write calls per record (no batch write)`, value: f.intercomWritesPerRecord },
      { metric: `${f.direction}: CPU ms per record temporal / worker / harness (fakes) / all`, value: `${f.cpuMsPerRecord.temporal} / ${f.cpuMsPerRecord.worker} / ${f.cpuMsPerRecord.harness} / ${f.cpuMsPerRecord.total}` },
    ]);
    rows.push({ metric: 'worker RSS MB: at readiness / sampled max / peak (VmHWM)', value: `${memory.readyRssMb} / ${memory.sampledMaxRssMb} / ${memory.peakRssMb}` });
    return {
      scenario: 'sync',
      correct: figures.every((f) => f.exact),
      parameters: { records: o.syncRecords, pageSize: 200, temporalDb: o.temporalDb, sqliteSync: o.sqliteSync },
      figures: { backfills: figures, workerMemory: memory },
      rows,
      notes: [
        'one sync per direction, one `switchyard worker` process; the fakes run in the harness process (their CPU is the harness column)',
        'Intercom has no batch write: one POST /contacts per record; reads are contact searches of up to 150 a page, in even pages that add up to a sync page of 200',
        'Salesforce writes are sObject Collections (200 records a call); reads are SOQL batches',
        'exact = the other side holds every record once afterwards, and the fake received exactly one create per record',
      ],
    };
  } finally {
    await store?.close();
    await Promise.all([ic.close(), sf.close()]);
  }
}

async function backfill(stack: Stack, store: Store, connections: Map<string, string>, worker: ChildHandle, ic: IntercomFake, sf: SalesforceFake, direction: Direction, records: number): Promise<BackfillFigures> {
  ic.contacts.length = 0;
  sf.clearData();
  const now = ic.clock();
  for (let i = 0; i < records; i++) {
    if (direction === 'leftToRight') ic.contacts.push({ type: 'contact', id: `ic${String(i).padStart(6, '0')}`, workspace_id: 'a86dr8yl', role: 'user', email: `ic${i}@example.com`, external_id: null, name: `Ada${i} Intercom`, custom_attributes: { mrr: i }, created_at: now, updated_at: now });
    else sf.seed('Contact', { FirstName: `Grace${i}`, LastName: 'Salesforce', Email: `sf${i}@example.com`, Mrr__c: i });
  }
  const source = intercomContactsSync(`bench-${direction.toLowerCase()}`, salesforceContacts, { direction, safetyPoll: '1h', create: direction === 'leftToRight' ? { right: true } : { left: true } });
  const compiled = compileSync(source, { connections });
  if (!compiled.ok) throw new Error(`bench sync does not compile: ${JSON.stringify(compiled.diagnostics)}`);
  await store.syncs.apply(source, compiled.plan);
  ic.reset();
  sf.reset();
  const side = direction === 'leftToRight' ? 'left' : 'right';
  const cpuBefore = stack.cpu([worker]);
  const started = Date.now();
  const input: SyncWorkflowInput = { plan: compiled.plan };
  await startSync(stack.client, { taskQueue: stack.env.TEMPORAL_TASK_QUEUE!, syncId: compiled.plan.syncId, args: [input] });
  const done = await until(async () => {
    const answer = await querySyncStatus(stack.client, compiled.plan.syncId, 5_000);
    return 'status' in answer && answer.status.backfill?.[side]?.done === true && answer.status.phase === 'idle';
  }, 30 * 60_000, 500);
  const seconds = (Date.now() - started) / 1000;
  const cpuAfter = stack.cpu([worker]);
  await stack.client.workflow.getHandle(`sync:${compiled.plan.syncId}`).terminate('bench over');
  if (!done) throw new Error(`the ${direction} backfill of ${records} records did not finish within 30 minutes`);

  const writeCalls = sf.received('POST', composite);
  const sfCreated = writeCalls.reduce((n, r) => n + ((r.body as { records?: unknown[] } | undefined)?.records?.length ?? 0), 0);
  const icCreated = ic.received('POST', '/contacts').length;
  const exact =
    direction === 'leftToRight'
      ? sfCreated === records && new Set(sf.all('Contact').map((r) => String(r.Email))).size === records && sf.all('Contact').length === records
      : icCreated === records && new Set(ic.contacts.map((c) => c.email)).size === records && ic.contacts.length === records;
  const round = (n: number, digits = 3) => Math.round(n * 10 ** digits) / 10 ** digits;
  const intercomCalls = ic.requests.length;
  const salesforceCalls = sf.requests.length;
  return {
    direction: direction === 'leftToRight' ? 'Intercom → Salesforce' : 'Salesforce → Intercom',
    records,
    seconds: round(seconds, 1),
    recordsPerSec: round(records / seconds, 1),
    callsPerRecord: { intercom: round(intercomCalls / records), salesforce: round(salesforceCalls / records), total: round((intercomCalls + salesforceCalls) / records) },
    salesforceWriteCalls: writeCalls.length,
    salesforceRecordsPerWriteCall: writeCalls.length ? round(sfCreated / writeCalls.length, 1) : 0,
    intercomWritesPerRecord: round((icCreated + ic.received('PUT', '/contacts/*').length) / records),
    cpuMsPerRecord: cpuMsPer(cpuBefore, cpuAfter, records),
    exact,
  };
}
