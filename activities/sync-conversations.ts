import { Context } from '@temporalio/activity';
import { registry as defaultRegistry } from '../connectors/registry';
import { isConnectorError } from '../connectors/sdk/errors';
import type { HttpClient } from '../connectors/sdk/http-types';
import type { ConnectorRegistry } from '../connectors/sdk/registry';
import type { ActionContext } from '../connectors/sdk/types';
import type { SyncConversationLedger, TranscriptEntry } from '../src/store/sync-conversations';
import type { SyncStore } from '../src/store/syncs';
import { passesFilter, readPath } from '../src/sync/record-logic';
import type { ConversationCopyOutcome, SyncConversationActivities } from '../workflows/sync-conversations-contract';
import type { SyncPlan, SyncSideName, SyncTranscriptsPlan } from '../workflows/sync-plan';
import { buildActionContext, type ActivityDeps } from './action-context';
import { storeCall } from './connection-resolver';
import { activityFailure, toActivityFailure } from './failure-mapping';
import { sideAdapter } from './sync-sides';
import { callAction } from './sync-sides/types';

export interface SyncConversationDeps extends ActivityDeps {
  syncs: SyncStore;
  transcripts: SyncConversationLedger;
}

/** What `intercom.getConversationTranscript` answers: the text has one line per part, in the parts' order. */
interface Transcript {
  title: string | null;
  state: string | null;
  text: string;
  parts: { id: string; at: string }[];
  contactIds: string[];
}

/** The longest body each target takes (Salesforce Description 32,000; HubSpot hs_note_body 65,536; Pipedrive's note content is larger). */
const bodyLimit: Record<string, number> = { salesforce: 32_000, hubspot: 60_000, pipedrive: 60_000 };
const cut = '\n… (transcript truncated)';
/** Pages of a Pipedrive person's notes (100 each, newest first) searched for an earlier attempt's note. */
const maxNotePages = 5;

/** What names one transcript (conversation and last part) in the CRM: how an earlier attempt's Task, Case or note is found again. */
const markerOf = (conversationId: string, lastPartId: string) => `[intercom ${conversationId}/${lastPartId}]`;

/** The transcript a CRM receives: a header naming the conversation (with the marker), then one line per part from `from` on (plain text; HTML targets escape it). */
function transcriptBody(conversationId: string, t: Transcript, from: number, limit: number): string {
  const continued = from > 0;
  const head = `Intercom conversation ${conversationId}${t.title ? `: ${t.title}` : ''}${continued ? ' (continued: the parts after the last copy)' : ''} ${markerOf(conversationId, t.parts.at(-1)?.id ?? '')}`;
  const lines = t.text.split('\n');
  const text = `${head}\n\n${lines.length === t.parts.length ? lines.slice(from).join('\n') : t.text}`;
  return text.length > limit ? text.slice(0, limit - cut.length) + cut : text;
}

/** Task and Case subjects (255 characters at most), also how an earlier attempt's Task is found again. */
function subjectOf(conversationId: string, title: string | null, lastPartId: string, continued: boolean): string {
  const marker = ` ${markerOf(conversationId, lastPartId)}`;
  const base = `Intercom conversation${continued ? ' (continued)' : ''}${title ? `: ${title}` : ''}`;
  return base.slice(0, 255 - marker.length) + marker;
}

const other = (side: SyncSideName): SyncSideName => (side === 'left' ? 'right' : 'left');

/**
 * Conversations to the CRM: each closed Intercom conversation of a sync's contact is written to the
 * contact's counterpart (found in the sync's links, else by its match rules) as a Salesforce Task
 * or Case, a HubSpot note or a Pipedrive note, once: the ledger (src/store/sync-conversations.ts)
 * records each transcript by sync + conversation + last part. A conversation reopened and closed
 * again gets a second Task or note holding only its new parts. A conversation whose contact has no
 * counterpart yet is recorded as unmatched (reported in the ledger) and tried again each cycle.
 *
 * Once only, exactly: the ledger records the attempt (`begun`) before the vendor call and the record
 * id after. An attempt found `begun` (the worker died between the call and the record, or the
 * vendor's answer was lost) looks for what it wrote by the marker `[intercom <conversation>/<last
 * part>]`: in a Salesforce Task's or Case's subject, in the body of a HubSpot note (the contact's
 * notes at that time) or a Pipedrive note (the person's newest notes); none of them takes a key.
 */
export function createSyncConversationActivities(deps: SyncConversationDeps, registry: ConnectorRegistry = defaultRegistry): SyncConversationActivities {
  /** A connection's context; `failing` learns which connection a vendor call failed on (auth_lost marks that one disconnected). */
  async function contextOf(plan: SyncPlan, side: SyncSideName, failing: { connection: string | null }): Promise<ActionContext> {
    const { connector: id, connection } = plan[side];
    const connector = registry.getConnector(id);
    if (!connector) throw activityFailure('fatal', `no connector ${id}`);
    const ctx = await buildActionContext(deps, connector, 'required', connection, `sync-conversations:${plan.syncId}:${side}`);
    const http: HttpClient = {
      request: <T>(req: Parameters<HttpClient['request']>[0]) =>
        ctx.http.request<T>(req).catch((err: unknown) => {
          failing.connection = connection;
          throw err;
        }),
    };
    return { ...ctx, http };
  }

  async function failure(err: unknown, failing: { connection: string | null }): Promise<Error> {
    return toActivityFailure(err, { connectionId: failing.connection, connections: deps.connections, attempt: Context.current().info.attempt });
  }

  function transcriptsOf(plan: SyncPlan): SyncTranscriptsPlan {
    if (!plan.transcripts) throw activityFailure('fatal', `sync ${plan.syncId} copies no conversations (its definition has no "conversations")`);
    return plan.transcripts;
  }

  /** The counterpart of an Intercom contact on the target side: its link, else the one record its match rules find. */
  async function counterpart(plan: SyncPlan, to: SyncSideName, contactId: string, contexts: Record<SyncSideName, ActionContext>): Promise<{ id: string } | { reason: string }> {
    const from = other(to);
    const links = await storeCall('reading sync links', () => deps.syncs.links(plan.syncId, from, [contactId]));
    const link = links.get(contactId);
    if (link) return { id: to === 'left' ? link.leftId : link.rightId };
    const mine = sideAdapter(plan[from]);
    const theirs = sideAdapter(plan[to]);
    if (!mine || !theirs || plan.match.length === 0) return { reason: `contact ${contactId} has no linked ${plan[to].connector} record yet` };
    const fields = [...new Set(plan.match.map((m) => m[from].split('.')[0]!))];
    const [contact] = await mine.fetch(contexts[from], plan[from], fields, [contactId]);
    if (!contact) return { reason: `contact ${contactId} does not exist in Intercom` };
    for (const rule of plan.match) {
      const value = readPath(contact.data, rule[from]);
      if (value === null || value === '' || typeof value === 'object') continue;
      const found = (await theirs.findBy(contexts[to], plan[to], [rule[to].split('.')[0]!], rule[to], [value])).filter((r) => passesFilter(plan[to], r));
      if (found.length === 1) return { id: found[0]!.id };
      if (found.length > 1) return { reason: `contact ${contactId} matches ${found.length} ${plan[to].connector} records by ${rule[to]} (${found.map((r) => r.id).join(', ')}); link one` };
    }
    return { reason: `contact ${contactId} has no linked or matching ${plan[to].connector} record yet` };
  }

  /** Writes the transcript to the target as the plan says; returns the new record's id. */
  async function write(plan: SyncPlan, t: SyncTranscriptsPlan, ctx: ActionContext, targetId: string, body: string, subject: string, at: string): Promise<string> {
    const target = plan[t.to];
    if (target.connector === 'salesforce') {
      const accountId = target.object === 'Contact' ? await accountOf(ctx, targetId) : undefined;
      if (t.as === 'Case') {
        const input = { subject, description: body, contactId: targetId, ...(accountId ? { accountId } : {}), origin: 'Chat', fields: { Status: 'Closed' } };
        return (await callAction<{ id: string }>(ctx, 'salesforce.createCase', input)).id;
      }
      return (await callAction<{ id: string }>(ctx, 'salesforce.createTask', { whoId: targetId, ...(accountId ? { whatId: accountId } : {}), subject, transcript: body, activityDate: at })).id;
    }
    if (target.connector === 'hubspot') return (await callAction<{ id: string }>(ctx, 'hubspot.createNote', { contactId: targetId, body, timestamp: at })).id;
    if (target.connector === 'pipedrive') return String((await callAction<{ id: number }>(ctx, 'pipedrive.addNote', { text: body, person_id: Number(targetId) })).id);
    throw activityFailure('fatal', `${target.connector} cannot hold conversation transcripts`);
  }

  /** The Contact's Account (a Task's WhatId, a Case's AccountId), when it has one. */
  async function accountOf(ctx: ActionContext, contactId: string): Promise<string | undefined> {
    const { records } = await callAction<{ records: Record<string, unknown>[] }>(ctx, 'salesforce.query', { soql: 'SELECT Id, AccountId FROM Contact WHERE Id = :id', params: { id: contactId }, maxRecords: 1 });
    const account = records[0]?.AccountId;
    return typeof account === 'string' && account ? account : undefined;
  }

  /** An earlier attempt's Task, Case or note on the target record, by its marker. */
  async function earlierAttempt(plan: SyncPlan, t: SyncTranscriptsPlan, ctx: ActionContext, targetId: string, marker: string, subject: string, at: string): Promise<string | undefined> {
    const connector = plan[t.to].connector;
    if (connector === 'salesforce') {
      const object = t.as === 'Case' ? 'Case' : 'Task';
      const { records } = await callAction<{ records: Record<string, unknown>[] }>(ctx, 'salesforce.query', { soql: `SELECT Id FROM ${object} WHERE Subject = :subject`, params: { subject }, maxRecords: 1 });
      return records[0] ? String(records[0].Id) : undefined;
    }
    if (connector === 'hubspot') {
      const { notes } = await callAction<{ notes: { id: string; body: string }[] }>(ctx, 'hubspot.findNotes', { contactId: targetId, timestamp: at });
      return notes.find((n) => n.body.includes(marker))?.id;
    }
    if (connector !== 'pipedrive') return undefined;
    // Newest first: a lost answer's note is on the first page unless the person got many notes since.
    for (let start: number | null = 0, pages = 0; start !== null && pages < maxNotePages; pages++) {
      const page: { notes: { id: number; content: string }[]; nextStart: number | null } = await callAction(ctx, 'pipedrive.listNotes', { person_id: Number(targetId), start });
      const found = page.notes.find((n) => n.content.includes(marker));
      if (found) return String(found.id);
      start = page.nextStart;
    }
    return undefined;
  }

  async function copy(plan: SyncPlan, conversationId: string): Promise<ConversationCopyOutcome> {
    const t = transcriptsOf(plan);
    const from = other(t.to);
    const failing: { connection: string | null } = { connection: null };
    const ledger = deps.transcripts;
    try {
      const contexts = { [from]: await contextOf(plan, from, failing), [t.to]: await contextOf(plan, t.to, failing) } as Record<SyncSideName, ActionContext>;
      let c: Transcript;
      try {
        c = await callAction<Transcript>(contexts[from], 'intercom.getConversationTranscript', { conversationId });
      } catch (err) {
        if (isConnectorError(err) && err.status === 404) return { outcome: 'skipped', reason: `conversation ${conversationId} does not exist` };
        throw err;
      }
      if (c.state !== 'closed') return { outcome: 'skipped', reason: `conversation ${conversationId} is ${c.state ?? 'not closed'}` };
      const parts = c.parts;
      const lastPartId = parts.at(-1)?.id;
      if (!lastPartId) return { outcome: 'skipped', reason: `conversation ${conversationId} has no parts` };
      const entries = await storeCall('reading the conversation ledger', () => ledger.entries(plan.syncId, conversationId));
      // The parts after the last one written (all of them the first time).
      const writtenUpTo = Math.max(-1, ...entries.filter((e) => e.state === 'written').map((e) => parts.findIndex((p) => p.id === e.lastPartId)));
      const fresh = parts.slice(writtenUpTo + 1);
      if (fresh.length === 0 || entries.some((e) => e.state === 'written' && e.lastPartId === lastPartId)) return { outcome: 'unchanged' };
      const continued = writtenUpTo >= 0;
      const contactId = c.contactIds[0];
      const base = { conversationId, lastPartId, contactId: contactId ?? null, parts: fresh.length };
      const found = contactId === undefined ? { reason: `conversation ${conversationId} has no contact` } : await counterpart(plan, t.to, contactId, contexts);
      if (!('id' in found)) {
        await storeCall('recording an unmatched conversation', () => ledger.record(plan.syncId, { ...base, state: 'unmatched', targetId: null, recordId: null, detail: { reason: found.reason } }));
        return { outcome: 'unmatched', contactId: base.contactId, reason: found.reason };
      }
      const title = c.title ?? null;
      const subject = subjectOf(conversationId, title, lastPartId, continued);
      const at = fresh.at(-1)!.at;
      const begun = entries.find((e): e is TranscriptEntry => e.state === 'begun' && e.lastPartId === lastPartId && e.targetId === found.id);
      let recordId = begun ? await earlierAttempt(plan, t, contexts[t.to], found.id, markerOf(conversationId, lastPartId), subject, at) : undefined;
      if (!recordId) {
        await storeCall('recording the transcript attempt', () => ledger.record(plan.syncId, { ...base, state: 'begun', targetId: found.id, recordId: null, detail: { as: t.as } }));
        try {
          recordId = await write(plan, t, contexts[t.to], found.id, transcriptBody(conversationId, c, writtenUpTo + 1, bodyLimit[plan[t.to].connector] ?? 30_000), subject, at);
        } catch (err) {
          // The CRM refused this record (deleted, invalid): reported with the unmatched, tried again each cycle.
          if (!isConnectorError(err) || (err.kind !== 'invalid_input' && err.kind !== 'fatal')) throw err;
          const reason = `${plan[t.to].connector} refused the transcript for ${found.id}: ${err.message}`;
          await storeCall('recording a refused transcript', () => ledger.record(plan.syncId, { ...base, state: 'unmatched', targetId: found.id, recordId: null, detail: { reason, status: err.status ?? null } }));
          return { outcome: 'unmatched', contactId: base.contactId, reason };
        }
      }
      await storeCall('recording the transcript written', () => ledger.record(plan.syncId, { ...base, state: 'written', targetId: found.id, recordId, detail: { as: t.as, subject } }));
      return { outcome: 'written', recordId, targetId: found.id, parts: fresh.length };
    } catch (err) {
      throw await failure(err, failing);
    }
  }

  return {
    syncConversationCopy: ({ plan, conversationId }) => copy(plan, conversationId),

    async syncConversationsClosed({ plan, since }) {
      const from = other(transcriptsOf(plan).to);
      const failing: { connection: string | null } = { connection: null };
      try {
        const ctx = await contextOf(plan, from, failing);
        // Intercom's `>` is documented as "greater or equal"; one second of overlap either way, the ledger absorbs repeats.
        const query = { operator: 'AND', value: [{ field: 'state', operator: '=', value: 'closed' }, { field: 'updated_at', operator: '>', value: since - 1 }] };
        const found = await callAction<{ conversations: Record<string, unknown>[] }>(ctx, 'intercom.searchConversations', { query, perPage: 150, maxPages: 20 });
        let newest = since;
        const ids: string[] = [];
        for (const c of found.conversations) {
          ids.push(String(c.id));
          if (typeof c.updated_at === 'number') newest = Math.max(newest, c.updated_at);
        }
        return { conversationIds: [...new Set(ids)], since: newest };
      } catch (err) {
        throw await failure(err, failing);
      }
    },

    async syncConversationsUnmatched({ syncId, limit }) {
      try {
        return (await storeCall('reading unmatched conversations', () => deps.transcripts.list(syncId, 'unmatched', limit ?? 100))).map((e) => e.conversationId);
      } catch (err) {
        throw await failure(err, { connection: null });
      }
    },
  };
}
