import { createHash } from 'node:crypto';
import { Context } from '@temporalio/activity';
import type { ConnectorRegistry } from '../connectors/sdk/registry';
import type { HttpClient } from '../connectors/sdk/http-types';
import type { ActionContext } from '../connectors/sdk/types';
import { registry as defaultRegistry } from '../connectors/registry';
import { isConnectorError } from '../connectors/sdk/errors';
import { createFields, decideLinked, matchCounterpart, passesFilter, readPath, resyncBase, type FieldWrites, type SyncRecord } from '../src/sync/record-logic';
import { oldestFirst } from '../src/sync/merges';
import type { SyncLink, SyncRecordEvent, SyncStore } from '../src/store/syncs';
import type { SyncActivities, SyncPageInput, SyncPageResult, SyncRemapResult, SyncVerifyInput, SyncVerifyResult } from '../workflows/sync-activity-contract';
import { mappingOf, type SyncPlan, type SyncSideName } from '../workflows/sync-plan';
import { buildActionContext, type ActivityDeps } from './action-context';
import { storeCall } from './connection-resolver';
import { activityFailure, toActivityFailure } from './failure-mapping';
import { sideAdapter, sideMerge } from './sync-sides';
import { nested, type Merge, type SideAdapter } from './sync-sides/types';

export interface SyncActivityDeps extends ActivityDeps {
  syncs: SyncStore;
}

const defaultPageSize = 200;
const other = (side: SyncSideName): SyncSideName => (side === 'left' ? 'right' : 'left');
/** What each saved link records of the mapping it was decided under: the remap walk finds the links under another. */
const mappingFingerprint = (plan: SyncPlan) => createHash('sha256').update(mappingOf(plan)).digest('hex');

/** The fields a side's reads must return: mapped, matched and filtered paths (top-level names). */
function fieldsOf(plan: SyncPlan, side: SyncSideName): string[] {
  const paths = [...plan.fields.flatMap((f) => f[side]), ...plan.match.map((m) => m[side]), ...Object.keys(plan[side].filter)];
  return [...new Set(paths.map((p) => p.split('.')[0]!))];
}

interface Side {
  name: SyncSideName;
  adapter: SideAdapter;
  ctx: ActionContext;
  fields: string[];
}

/** A pair to decide: the link (absent for a first match) and both records. */
interface Pair {
  link?: SyncLink;
  records: Record<SyncSideName, SyncRecord>;
}

const emptyResult = (): SyncPageResult => ({ read: 0, more: false, writes: { left: 0, right: 0 }, creates: { left: 0, right: 0 }, duplicates: 0, merges: 0, conflicts: 0, errors: 0, unlinked: 0 });

/** A merge's outcome: the merged record's id, or the vendor's refusal (reported for the record). */
type MergeOutcome = { ok: true; id: string } | { ok: false; message: string; code?: string };

/**
 * The sync workflow's activities. `syncPage` reads one page of a side's change feed from the cursor
 * in the store, syncs each record (counterpart by link, then match rules, then create when allowed;
 * field diff through the mapping; only changed fields written, batched where the vendor allows),
 * records links with the hashes of what was written and the history, and only then moves the
 * cursor: a page cut short (a killed worker, a vendor failure) is read again and finds its own
 * writes already in place (no second write, and a created record is found by the match rules).
 */
export function createSyncActivities(deps: SyncActivityDeps, registry: ConnectorRegistry = defaultRegistry): SyncActivities {
  const store = deps.syncs;

  /** A side's context; `failing` learns which connection a vendor call failed on (auth_lost marks that one disconnected). */
  async function open(plan: SyncPlan, name: SyncSideName, failing: { connection: string | null }): Promise<Side> {
    const sidePlan = plan[name];
    const adapter = sideAdapter(sidePlan);
    const connector = registry.getConnector(sidePlan.connector);
    if (!adapter || !connector) throw activityFailure('fatal', `a sync cannot use ${sidePlan.connector} yet (no side adapter)`);
    const ctx = await buildActionContext(deps, connector, 'required', sidePlan.connection, `sync:${plan.syncId}:${name}`);
    const http: HttpClient = {
      request: <T>(req: Parameters<HttpClient['request']>[0]) =>
        ctx.http.request<T>(req).catch((err: unknown) => {
          failing.connection = sidePlan.connection;
          throw err;
        }),
    };
    return { name, adapter, ctx: { ...ctx, http }, fields: fieldsOf(plan, name) };
  }

  async function syncPage(input: SyncPageInput): Promise<SyncPageResult> {
    const { plan } = input;
    const failing: { connection: string | null } = { connection: null };
    try {
      const sides = { left: await open(plan, 'left', failing), right: await open(plan, 'right', failing) };
      const me = sides[input.side];
      const result = emptyResult();
      let records: SyncRecord[];
      let cursor: string | undefined;
      if (input.ids) {
        records = await me.adapter.fetch(me.ctx, plan[me.name], me.fields, input.ids);
      } else {
        const stored = await storeCall(`reading sync ${plan.syncId}'s cursors`, () => store.cursors(plan.syncId));
        const page = await me.adapter.readChanges(me.ctx, plan[me.name], me.fields, stored[me.name]?.cursor ?? me.adapter.startCursor(), input.pageSize ?? defaultPageSize);
        records = page.records;
        cursor = page.cursor;
        result.more = page.more;
        // After the last page of the left side, the records waiting for a via-sync's link are read again.
        if (me.name === 'left' && !page.more && plan.fields.some((f) => f.transform === 'linked')) {
          const ids = (await storeCall('reading sync links', () => store.waitingLinks(plan.syncId))).map((l) => l.leftId).filter((id) => !records.some((r) => r.id === id));
          if (ids.length > 0) records = [...records, ...(await me.adapter.fetch(me.ctx, plan.left, me.fields, ids))];
        }
      }
      result.read = records.length;
      // The newest version of each record only, and only records the side's filter lets in.
      const latest = new Map<string, SyncRecord>();
      for (const r of records) if (passesFilter(plan[me.name], r)) latest.set(r.id, r);
      if (input.ids) await unlinkGone(plan, me.name, input.ids.filter((id) => !records.some((r) => r.id === id)), result);
      // Records a webhook named are decided against their recorded hashes, as the feed would: some changes never reach
      // the feed (Intercom keeps a contact's updated_at when a company is attached), and for the rest the feed finds them done.
      await syncRecords(plan, sides, me.name, [...latest.values()], result, input.goneOnly ? 'named' : !!input.ids);
      if (cursor !== undefined) await storeCall(`saving sync ${plan.syncId}'s cursor`, () => store.setCursor(plan.syncId, me.name, cursor));
      return result;
    } catch (err) {
      throw await toActivityFailure(err, { connectionId: failing.connection, connections: deps.connections, attempt: Context.current().info.attempt });
    }
  }

  /** Named records of `side` that its vendor no longer has (deleted, merged away): their links come apart, nothing is written. */
  async function unlinkGone(plan: SyncPlan, side: SyncSideName, ids: string[], result: SyncPageResult): Promise<void> {
    if (ids.length === 0) return;
    const links = [...(await storeCall('reading sync links', () => store.links(plan.syncId, side, ids))).values()];
    if (links.length === 0) return;
    const events: SyncRecordEvent[] = links.map((l) => ({ kind: 'unlink', side, recordId: side === 'left' ? l.leftId : l.rightId, otherId: side === 'left' ? l.rightId : l.leftId, detail: { reason: 'deleted' } }));
    result.unlinked += links.length;
    await storeCall(`saving sync ${plan.syncId}'s links`, async () => {
      await store.unlink(plan.syncId, links.map((l) => l.leftId));
      await store.saveCycle(plan.syncId, [], events);
    });
  }

  /** A page of links, each side's records fetched: a link whose record is gone comes apart as `unlinkGone` does for a webhook's delete. */
  async function syncVerifyLinks({ plan, after, limit = defaultPageSize }: SyncVerifyInput): Promise<SyncVerifyResult> {
    const failing: { connection: string | null } = { connection: null };
    try {
      const links = await storeCall('reading sync links', () => store.linksAfter(plan.syncId, after ?? '', limit));
      const result = emptyResult();
      for (const name of ['left', 'right'] as const) {
        if (links.length === 0) break;
        const side = await open(plan, name, failing);
        const ids = links.map((l) => (name === 'left' ? l.leftId : l.rightId));
        const found = new Set((await side.adapter.fetch(side.ctx, plan[name], side.fields, ids)).map((r) => r.id));
        await unlinkGone(plan, name, ids.filter((id) => !found.has(id)), result);
      }
      return { checked: links.length, unlinked: result.unlinked, ...(links.length === limit ? { next: links.at(-1)!.leftId } : {}) };
    } catch (err) {
      throw await toActivityFailure(err, { connectionId: failing.connection, connections: deps.connections, attempt: Context.current().info.attempt });
    }
  }

  /**
   * A page of the links last decided under another mapping than the plan's (or an unknown one: links
   * from before migration 017), re-evaluated as if both records had changed in every mapped field
   * since the last sync that had them equal: a field the new mapping adds, turns or converts
   * differently is written where the records differ; a pair that agrees gets no write. So a walk
   * over links whose mapping did not change (the unknown ones after the upgrade) reads both sides
   * and writes nothing, except values the mapping calls for that a record does not hold (which the
   * next change of the pair would write too). Every link of the page then records the plan's
   * mapping, also one whose write failed (it is in its history; the pair's next change writes it,
   * its base being unchanged): a walk is not repeated for the same mapping.
   */
  async function syncRemapLinks({ plan, after, limit = defaultPageSize }: SyncVerifyInput): Promise<SyncRemapResult> {
    const failing: { connection: string | null } = { connection: null };
    try {
      const mapping = mappingFingerprint(plan);
      const links = await storeCall('reading sync links', () => store.linksToRemap(plan.syncId, mapping, after ?? '', limit));
      const result = emptyResult();
      if (links.length > 0) {
        const sides = { left: await open(plan, 'left', failing), right: await open(plan, 'right', failing) };
        const records = (await sides.left.adapter.fetch(sides.left.ctx, plan.left, sides.left.fields, links.map((l) => l.leftId))).filter((r) => passesFilter(plan.left, r));
        await syncRecords(plan, sides, 'left', records, result, 'remap');
        await storeCall(`saving sync ${plan.syncId}'s links`, () => store.setLinksMapping(plan.syncId, links.map((l) => l.leftId), mapping));
      }
      return { checked: links.length, writes: result.writes.left + result.writes.right, ...(links.length === limit ? { next: links.at(-1)!.leftId } : {}) };
    } catch (err) {
      throw await toActivityFailure(err, { connectionId: failing.connection, connections: deps.connections, attempt: Context.current().info.attempt });
    }
  }

  /** Candidates on `to` for records of `from` by every match rule, without records already linked. */
  async function candidates(plan: SyncPlan, from: Side, to: Side, records: readonly SyncRecord[]): Promise<SyncRecord[]> {
    const found = new Map<string, SyncRecord>();
    for (const rule of plan.match) {
      const values = [...new Set(records.map((r) => readPath(r.data, rule[from.name])).filter((v): v is string | number | boolean => v !== null && v !== ''))];
      if (values.length === 0) continue;
      for (const c of await to.adapter.findBy(to.ctx, plan[to.name], to.fields, rule[to.name], values)) if (passesFilter(plan[to.name], c)) found.set(c.id, c);
    }
    const linked = await storeCall('reading sync links', () => store.links(plan.syncId, to.name, [...found.keys()]));
    return [...found.values()].filter((c) => !linked.has(c.id));
  }

  /**
   * The plan with each "linked" field's via-sync links for the ids these records hold: one store
   * query per side and field, not per record (an id without a link waits, see the transform).
   */
  async function withLinks(plan: SyncPlan, records: Record<SyncSideName, readonly SyncRecord[]>): Promise<SyncPlan> {
    if (!plan.fields.some((f) => f.transform === 'linked')) return plan;
    const fields = [];
    for (const f of plan.fields) {
      const via = f.params.via;
      if (f.transform !== 'linked' || via === undefined) {
        fields.push(f);
        continue;
      }
      const links = { toRight: {} as Record<string, string>, toLeft: {} as Record<string, string> };
      for (const side of ['left', 'right'] as const) {
        const ids = [...new Set(records[side].map((r) => readPath(r.data, f[side][0]!)).filter((v) => v !== null && v !== '').map(String))];
        if (ids.length === 0) continue;
        for (const l of (await storeCall(`reading sync ${via}'s links`, () => store.links(via, side, ids))).values()) {
          links.toRight[l.leftId] = l.rightId;
          links.toLeft[l.rightId] = l.leftId;
        }
      }
      fields.push({ ...f, params: { ...f.params, links } });
    }
    return { ...plan, fields };
  }

  /**
   * Merges `duplicateId` into `primaryId` on `side`. A lost answer (or, on a retried page, the
   * vendor refusing because the duplicate is already gone) is settled by asking what the two ids
   * are now: one record, and the duplicate's id not its own, means the merge happened.
   */
  async function mergeOne(plan: SyncPlan, side: Side, merge: Merge, primaryId: string, duplicateId: string): Promise<MergeOutcome> {
    try {
      return { ok: true, id: await merge(side.ctx, plan[side.name], primaryId, duplicateId) };
    } catch (err) {
      const now = new Set((await side.adapter.fetch(side.ctx, plan[side.name], side.fields, [primaryId, duplicateId])).map((r) => r.id));
      if (now.size === 1 && !now.has(duplicateId)) return { ok: true, id: [...now][0]! };
      if (isConnectorError(err) && (err.kind === 'invalid_input' || err.kind === 'fatal')) return { ok: false, message: err.message, code: err.code };
      throw err;
    }
  }

  /**
   * `onDuplicate: "merge"`: the records of `side` that all match `record` are merged into the
   * oldest (by the vendor's creation time), each merge in the history as it happens (a page cut
   * short later keeps it); resolves with the merged record as the vendor has it now, or undefined
   * when a merge was refused (an error event). `done` maps the ids merged away in this page to the
   * record they went into, so a second record matching the same ones merges nothing again.
   */
  async function mergeDuplicates(plan: SyncPlan, side: Side, merge: Merge, record: SyncRecord, duplicates: SyncRecord[], done: Map<string, string>, result: SyncPageResult): Promise<SyncRecord | undefined> {
    const [oldest, ...rest] = oldestFirst(duplicates);
    let survivor = done.get(oldest!.id) ?? oldest!.id;
    const ids = duplicates.map((d) => d.id).sort();
    for (const duplicate of rest) {
      if (done.has(duplicate.id)) continue;
      const outcome = await mergeOne(plan, side, merge, survivor, duplicate.id);
      if (!outcome.ok) {
        await storeCall(`saving sync ${plan.syncId}'s history`, () =>
          store.saveCycle(plan.syncId, [], [{ kind: 'error', side: side.name, recordId: duplicate.id, otherId: survivor, detail: { merge: { into: survivor, candidates: ids }, message: outcome.message, code: outcome.code } }]),
        );
        result.errors++;
        return undefined;
      }
      const event: SyncRecordEvent = { kind: 'merge', side: side.name, recordId: outcome.id, otherId: duplicate.id, detail: { into: survivor, merged: duplicate.id, candidates: ids, for: record.id } };
      await storeCall(`saving sync ${plan.syncId}'s history`, () => store.saveCycle(plan.syncId, [], [event]));
      result.merges = (result.merges ?? 0) + 1;
      for (const [from, to] of done) if (to === survivor) done.set(from, outcome.id);
      done.set(duplicate.id, outcome.id);
      if (survivor !== outcome.id) done.set(survivor, outcome.id);
      survivor = outcome.id;
      side.ctx.heartbeat();
    }
    return (await side.adapter.fetch(side.ctx, plan[side.name], side.fields, [survivor]))[0];
  }

  /**
   * `force`: a resync (the named records' values win); `remap`: the recorded hashes are ignored, each field decided against
   * its base values; `named`: records a webhook named, ahead of the feed (one whose counterpart is gone is left to the feed).
   */
  async function syncRecords(basePlan: SyncPlan, sides: Record<SyncSideName, Side>, from: SyncSideName, records: SyncRecord[], result: SyncPageResult, force: boolean | 'remap' | 'named'): Promise<void> {
    const to = other(from);
    const me = sides[from];
    const them = sides[to];
    const events: SyncRecordEvent[] = [];
    const links: SyncLink[] = [];
    const unlink: string[] = [];
    const known = await storeCall('reading sync links', () => store.links(basePlan.syncId, from, records.map((r) => r.id)));
    const counterparts = new Map((await them.adapter.fetch(them.ctx, basePlan[to], them.fields, [...known.values()].map((l) => (to === 'left' ? l.leftId : l.rightId)))).map((r) => [r.id, r]));
    const unmatchedIds = records.filter((r) => !known.has(r.id));
    const pool = unmatchedIds.length > 0 && basePlan.match.length > 0 ? await candidates(basePlan, me, them, unmatchedIds) : [];
    const plan = await withLinks(basePlan, { [from]: records, [to]: [...counterparts.values(), ...pool] } as Record<SyncSideName, SyncRecord[]>);
    const pairs: Pair[] = [];
    const unmatched: SyncRecord[] = [];
    for (const r of records) {
      const link = known.get(r.id);
      if (!link) {
        unmatched.push(r);
        continue;
      }
      const counterpart = counterparts.get(to === 'left' ? link.leftId : link.rightId);
      if (!counterpart) {
        // Unlinked here, the feed's read of the same record would create its counterpart again at once: a later change does.
        if (force === 'named') continue;
        // The counterpart was deleted (or merged away): the pair comes apart, nothing is recreated.
        unlink.push(link.leftId);
        events.push({ kind: 'unlink', side: to, recordId: to === 'left' ? link.leftId : link.rightId, otherId: r.id, detail: { reason: 'deleted' } });
        continue;
      }
      const base = force === 'remap' ? { ...link, leftHash: '', rightHash: '' } : force === true ? resyncBase(plan, link, from, counterpart) : link;
      pairs.push({ link: base, records: { [from]: r, [to]: counterpart } as Pair['records'] });
    }
    // Match rules for records without a link; a match must be mutual (one candidate each way) or it is a duplicate.
    const creates: { record: SyncRecord; fields: FieldWrites }[] = [];
    if (unmatched.length > 0) {
      const chosen = new Map<string, SyncRecord>();
      const merge = plan.onDuplicate === 'merge' ? sideMerge(plan[to]) : undefined;
      const mergedAway = new Map<string, string>();
      for (const r of unmatched) {
        const m = matchCounterpart(plan, from, r, pool);
        if (m.kind === 'one') chosen.set(r.id, m.record);
        else if (m.kind === 'duplicate' && merge) {
          const merged = await mergeDuplicates(plan, them, merge, r, pool.filter((c) => m.ids.includes(c.id)), mergedAway, result);
          if (merged) chosen.set(r.id, merged);
        } else if (m.kind === 'duplicate') events.push({ kind: 'duplicate', side: from, recordId: r.id, otherId: m.ids[0], detail: { side: to, candidates: m.ids } });
        else if (plan.create[to]) {
          const made = createFields(plan, from, r);
          if (made.ok) creates.push({ record: r, fields: made.fields });
          else events.push({ kind: 'error', side: from, recordId: r.id, detail: { create: to, errors: made.errors } });
        }
      }
      if (chosen.size > 0) {
        const reverse = await candidates(plan, them, me, [...chosen.values()]);
        const pool2 = [...reverse, ...unmatched.filter((r) => !reverse.some((x) => x.id === r.id))];
        for (const [id, counterpart] of chosen) {
          const back = matchCounterpart(plan, to, counterpart, pool2);
          if (back.kind === 'one' && back.record.id === id) pairs.push({ records: { [from]: unmatched.find((r) => r.id === id)!, [to]: counterpart } as Pair['records'] });
          else events.push({ kind: 'duplicate', side: to, recordId: counterpart.id, otherId: id, detail: { side: from, candidates: back.kind === 'duplicate' ? back.ids : [id] } });
        }
      }
    }
    result.duplicates += events.filter((e) => e.kind === 'duplicate').length;
    // Decide each pair, then write each side's changes in batches.
    const decided = pairs.map((p) => ({ pair: p, decision: decideLinked(plan, p.link, p.records.left, p.records.right) }));
    const failed = new Set<number>();
    for (const side of ['left', 'right'] as const) {
      const batch = decided.map((d, i) => ({ i, id: d.pair.records[side].id, fields: d.decision.writes[side] })).filter((w): w is { i: number; id: string; fields: FieldWrites } => !!w.fields);
      if (batch.length === 0) continue;
      const results = await sides[side].adapter.update(sides[side].ctx, plan[side], batch);
      batch.forEach((w, n) => {
        const r = results[n]!;
        if (r.ok) return void result.writes[side]++;
        failed.add(w.i);
        const d = decided[w.i]!;
        if (r.gone && d.pair.link) {
          unlink.push(d.pair.link.leftId);
          events.push({ kind: 'unlink', side, recordId: w.id, otherId: d.pair.records[other(side)].id, detail: { reason: 'deleted', message: r.message } });
        } else events.push({ kind: 'error', side, recordId: w.id, otherId: d.pair.records[other(side)].id, detail: { fields: Object.keys(w.fields), message: r.message, code: r.code } });
      });
    }
    decided.forEach((d, i) => {
      if (failed.has(i) || d.decision.unchanged) return;
      links.push(d.decision.link);
      // A write that failed is in the events above; the rest of the history is kept.
      events.push(...d.decision.events);
    });
    // Creates on the other side, then the link from what was written (a record read back would hash the same).
    if (creates.length > 0) {
      const results = await them.adapter.create(them.ctx, plan[to], creates.map((c) => c.fields));
      const followUps: { id: string; fields: FieldWrites }[] = [];
      creates.forEach((c, n) => {
        const r = results[n]!;
        if (!r.ok) {
          events.push({ kind: 'error', side: to, recordId: r.existingId ?? c.record.id, otherId: c.record.id, detail: { create: true, message: r.message, code: r.code } });
          return;
        }
        result.creates[to]++;
        const made: SyncRecord = { id: r.id, modifiedAt: c.record.modifiedAt, data: nested(c.fields) };
        const decision = decideLinked(plan, undefined, from === 'left' ? c.record : made, from === 'left' ? made : c.record);
        links.push(decision.link);
        events.push({ kind: 'create', side: to, recordId: r.id, otherId: c.record.id, detail: { fields: Object.keys(c.fields) } });
        // A "linked" field left out of the create waits for its via-sync's link: that goes in the history too.
        events.push(...decision.events.filter((e) => e.kind === 'waiting'));
        // A one-way field the new record brings back (its side is the source) is written on this side now.
        if (decision.writes[from]) followUps.push({ id: c.record.id, fields: decision.writes[from] });
      });
      if (followUps.length > 0) {
        const back = await me.adapter.update(me.ctx, plan[from], followUps);
        back.forEach((r) => (r.ok ? result.writes[from]++ : result.errors++));
      }
    }
    result.conflicts += events.filter((e) => e.kind === 'conflict').length;
    result.errors += events.filter((e) => e.kind === 'error').length;
    result.unlinked += unlink.length;
    Context.current().heartbeat();
    await storeCall(`saving sync ${plan.syncId}'s links`, async () => {
      if (unlink.length > 0) await store.unlink(plan.syncId, unlink);
      await store.saveCycle(plan.syncId, links.map((l) => ({ ...l, mapping: mappingFingerprint(basePlan) })), events);
    });
  }

  return {
    syncPage,
    syncVerifyLinks,
    syncRemapLinks,
    async syncConnections({ connections }) {
      for (const id of connections) {
        const c = await storeCall(`resolving connection ${id}`, () => deps.connections.get(id));
        if (!c) return { ready: false, waitingFor: `connection ${id} (it does not exist)` };
        if (c.status !== 'connected') return { ready: false, waitingFor: `connection ${id} (${c.status})` };
      }
      return { ready: true };
    },
    async syncDefinition({ syncId }) {
      const stored = await storeCall(`reading sync ${syncId}`, () => store.get<SyncPlan>(syncId));
      return stored ? { found: true, plan: stored.plan, paused: stored.paused } : { found: false };
    },
    async syncResetCursors({ syncId }) {
      await storeCall(`resetting sync ${syncId}'s cursors`, () => store.resetCursors(syncId));
    },
  };
}
