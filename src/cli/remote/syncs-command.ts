import type { Command } from 'commander';
import type { SyncAnswers } from '../../http/api/syncs-routes';
import { apiCommand, defaultApiContext, deleteCommand, listCommand, type ApiCommandContext } from './api-command';
import { table } from './output';

/**
 * `switchyard sync …`: CRM syncs on a server, over the API (definitions are stored with
 * `switchyard recipe apply` or `switchyard recipes put`, like recipes).
 */
export function registerSyncCommand(program: Command, ctx: ApiCommandContext = defaultApiContext): Command {
  const sync = program.command('sync').description('CRM syncs on the server, over the API: list, show, records, resync, pause/resume, enable/disable, backfill, delete');
  const path = (id: string, rest = '') => `/api/v1/syncs/${encodeURIComponent(id)}${rest}`;
  const side = (s: SyncAnswers['summary']['left']) => `${s.connection} ${s.object}`;

  const list = table(['id', 'sides', 'direction', 'frequency', 'state', 'version'], 'no syncs', (s: SyncAnswers['summary']) => ({
    ...s,
    sides: `${side(s.left)} ↔ ${side(s.right)}`,
    state: !s.enabled ? 'disabled' : s.paused ? 'paused' : 'enabled',
  }));
  listCommand(sync.command('list').description('stored syncs with their sides, direction and state'), ctx, '/api/v1/syncs', 'syncs', list);

  apiCommand(
    sync.command('show <id>').description('one sync: workflow status, last cycle per side, records linked, written per direction, conflicts, duplicates, errors, cursors'),
    ctx,
    ({ client }, id) => client.request<SyncAnswers['detail']>('GET', path(id)),
    (s) => {
      const w = s.workflow;
      const { records: r } = s;
      const cursor = (c: SyncAnswers['detail']['cursors']['left']) => (c ? `${c.cursor} (${c.updatedAt})` : '-');
      return [
        `${s.id} (${s.name}): ${side(s.left)} ↔ ${side(s.right)}, ${s.direction}, ${s.frequency}, v${s.version}${s.enabled ? '' : ', disabled'}${s.paused ? ', paused' : ''}`,
        `workflow ${w.id}: ${w.phase ? `${w.phase}${w.waitingFor ? ` (waiting for ${w.waitingFor})` : ''}` : w.running ? 'running' : 'not running'}${w.unavailable ? ` — ${w.unavailable}` : ''}`,
        `last cycle: left ${s.lastCycle.left ?? '-'}, right ${s.lastCycle.right ?? '-'}`,
        `records: ${r.linked} linked; written ${r.written.leftToRight} left → right, ${r.written.rightToLeft} right → left; created ${r.created.leftToRight} left → right, ${r.created.rightToLeft} right → left${r.merged ? `; ${r.merged} duplicate${r.merged === 1 ? '' : 's'} merged away` : ''}`,
        `problems: ${r.conflicts} conflict${r.conflicts === 1 ? '' : 's'}, ${r.duplicates} duplicate${r.duplicates === 1 ? '' : 's'}, ${r.errors} error${r.errors === 1 ? '' : 's'}`,
        `cursors: left ${cursor(s.cursors.left)}, right ${cursor(s.cursors.right)}`,
        ...conversationLines(s.conversations),
      ];
    },
  );

  apiCommand<{ status?: string; limit?: string }, SyncAnswers['records']>(
    sync
      .command('records <id>')
      .description('records with conflicts, duplicates or errors, or unlinked (counterpart deleted or merged), newest first, each with its history')
      .option('--status <status>', 'conflict, duplicate, error, unlink, waiting or merge (default: the first four)')
      .option('--limit <n>', 'at most this many records (default 100)'),
    ctx,
    ({ client, opts }, id) => {
      const query = new URLSearchParams({ ...(opts.status ? { status: opts.status } : {}), ...(opts.limit ? { limit: opts.limit } : {}) }).toString();
      return client.request('GET', path(id, `/records${query ? `?${query}` : ''}`));
    },
    ({ records }) =>
      records.length === 0
        ? ['no records with problems']
        : records.flatMap((r) => [
            `${r.key}  ${r.status}  ${r.at}`,
            ...r.history.map((e) => `    ${e.at}  ${e.kind} ${e.side}:${e.recordId}${e.otherId ? ` (from ${e.otherId})` : ''}  ${JSON.stringify(e.detail)}`),
          ]),
  );

  apiCommand(
    sync.command('resync <id> <key>').description('sync one record again now, ignoring its recorded hashes (key: left:<record id> or right:<record id>)'),
    ctx,
    ({ client }, id, key) => client.request('POST', path(id, `/records/${encodeURIComponent(key)}/resync`)),
    (_answer, _opts, id, key) => `${id}: resync of ${key} requested`,
  );

  const stateChanges = {
    pause: 'pause the sync: it waits and keeps its cursors',
    resume: 'resume a paused sync from its cursors',
    enable: 'enable the sync: its workflow starts from the cursors it kept',
    disable: 'disable the sync: its workflow is cancelled, links and cursors kept',
  } as const;
  for (const action of ['pause', 'resume', 'enable', 'disable'] as const) {
    apiCommand(
      sync.command(`${action} <id>`).description(stateChanges[action]),
      ctx,
      ({ client }, id) => client.request<SyncAnswers['state']>('POST', path(id, `/${action}`)),
      (s, _opts, id) =>
        action === 'pause' || action === 'resume'
          ? `${id}: ${s.paused ? 'paused' : 'resumed'}${s.signalled ? '' : ' (its workflow is not running; it reads this when it starts)'}`
          : `${id}: ${s.enabled ? 'enabled' : 'disabled'} (workflow ${s.workflow})`,
    );
  }

  apiCommand(
    sync.command('backfill <id>').description('start (or restart from the beginning) the backfill of both sides'),
    ctx,
    ({ client }, id) => client.request('POST', path(id, '/backfill')),
    (_answer, _opts, id) => `${id}: backfill requested`,
  );

  deleteCommand(sync.command('delete <id>').description('delete the sync with its links, history and cursors; its workflow is cancelled'), ctx, path, 'deleted', (id) => `- sync ${id} deleted`);
  return sync;
}

/** `sync show`: the closed conversations copied to the CRM, when the sync has `conversations`. */
function conversationLines(c: SyncAnswers['detail']['conversations']): string[] {
  if (!c) return [];
  const w = c.workflow;
  const state = w.phase ? `${w.phase}${w.waitingFor ? ` (waiting for ${w.waitingFor})` : ''}` : w.running ? 'running' : 'not running';
  return [
    `conversations → ${c.to} as ${c.as}: ${state}${w.unavailable ? ` — ${w.unavailable}` : ''}; ${w.written ?? 0} written, ${w.pending ?? 0} pending, last poll ${w.lastPoll ?? '-'}`,
    ...c.unmatched.map((u) => `  waiting for a counterpart: conversation ${u.conversationId} (contact ${u.contactId ?? '-'}) since ${u.since}`),
  ];
}
