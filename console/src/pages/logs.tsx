import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { api } from '../api/endpoints';
import type { InboundLogEntry, OutgoingLogEntry, VendorCall } from '../api/types';
import { Options } from '../components/options';
import { Table } from '../components/table';
import { ActionButton, ErrorNotice, Notice, PageHeader, StatusBadge, useAction, useLoad, When } from '../components/ui';
import { Link, navigate, type PageProps } from '../router';
import { useSession } from '../session';

/** The three logs: tab label, export name, the scope that reads it, and its table. */
const views = [
  {
    id: 'inbound',
    label: 'Inbound deliveries',
    log: 'inbound',
    scope: 'connections:read',
    empty: 'No deliveries match.',
    columns: ['Received', 'Connection', 'Topic', 'Outcome', 'Answer', 'Runs started', 'Payload'],
  },
  {
    id: 'outgoing',
    label: 'Outgoing webhooks',
    log: 'outgoing',
    scope: 'webhooks:read',
    empty: 'No deliveries match.',
    columns: ['Created', 'Message', 'Subscription', 'Status', 'Last response', 'Next attempt', 'Actions'],
  },
  { id: 'vendor', label: 'Vendor calls', log: 'vendor-calls', scope: 'connections:read', empty: 'No vendor calls match.', columns: ['Run started', 'Run', 'Connection', 'Step', 'Status', 'Attempts'] },
] as const;
type View = (typeof views)[number];

const outcomes = ['accepted', 'duplicate', 'unmatched', 'rejected'];
const deliveryStatuses = ['pending', 'delivered', 'failed'];
/** The query parameters a view's filter form keeps in the URL. */
const filterNames = { inbound: ['connection', 'outcome', 'since', 'until'], outgoing: ['connection', 'status', 'since', 'until'], vendor: ['connection', 'since'] } as const;
type Filter = Partial<Record<'connection' | 'outcome' | 'status' | 'since' | 'until', string>>;

const units: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000 };
/** `15m`, `1h`, `7d` → that long ago as ISO 8601; anything else goes to the server as typed (it names a bad one). */
function resolveTime(value: string | undefined): string | undefined {
  const relative = value?.match(/^(\d+)\s*([mhd])$/);
  return relative ? new Date(Date.now() - Number(relative[1]) * units[relative[2]!]!).toISOString() : value;
}

const logsHref = (view: string, filter: Filter) => {
  const next = new URLSearchParams(Object.entries({ view, ...filter }).filter((e): e is [string, string] => Boolean(e[1])));
  return `/logs?${next}`;
};

/**
 * Integration logs (#17): inbound webhook deliveries with their outcome and the runs they started,
 * outgoing webhook deliveries with their attempts (Redeliver), vendor calls made by runs. Filtered
 * by connection, outcome or status and time (kept in the URL), exported as CSV or NDJSON.
 */
export function LogsPage(props: PageProps) {
  const { can } = useSession();
  const view = views.find((v) => v.id === props.query.get('view')) ?? views[0];
  const names = filterNames[view.id];
  const filter: Filter = Object.fromEntries(names.map((n) => [n, props.query.get(n) ?? undefined]));
  const resolved: Filter = { ...filter, since: resolveTime(filter.since), until: resolveTime(filter.until) };
  const connections = useLoad(() => api.connections.list(), []);
  const key = `${view.id}?${props.query.toString()}`;
  const apply = (e: Event) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget as HTMLFormElement);
    navigate(logsHref(view.id, Object.fromEntries(names.map((n) => [n, String(form.get(n) ?? '').trim()]))));
  };
  const allowed = can(view.scope);
  const Log = { inbound: InboundLog, outgoing: OutgoingLog, vendor: VendorCalls }[view.id];
  return (
    <>
      <PageHeader title="Logs" />
      <nav aria-label="Logs" class="tabs">
        <ul>
          {views.map((v) => (
            <li key={v.id}>
              <Link href={logsHref(v.id, filter.connection ? { connection: filter.connection } : {})} aria-current={v.id === view.id ? 'page' : undefined}>
                {v.label}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      <form class="filters" onSubmit={apply} aria-label={`Filter ${view.label.toLowerCase()}`} aria-busy={connections.loading} key={key}>
        <div>
          <label for="log-connection">Connection</label>
          {/* The URL's choice is an option until the list arrives (same key, so the option stays chosen). */}
          <select id="log-connection" name="connection">
            <Options
              none="all connections"
              values={[
                ...(filter.connection && !connections.data?.connections.some((c) => c.id === filter.connection) ? [filter.connection] : []),
                ...(connections.data?.connections.map((c) => ({ value: c.id, label: `${c.name} (${c.id})` })) ?? []),
              ]}
              selected={filter.connection ?? ''}
            />
          </select>
        </div>
        {view.id === 'inbound' ? <Choice id="log-outcome" name="outcome" label="Outcome" values={outcomes} value={filter.outcome} /> : null}
        {view.id === 'outgoing' ? <Choice id="log-status" name="status" label="Status" values={deliveryStatuses} value={filter.status} /> : null}
        <div>
          <label for="log-since">{view.id === 'vendor' ? 'Runs started since' : 'Since'}</label>
          <input id="log-since" name="since" type="text" defaultValue={filter.since ?? ''} placeholder="1h" aria-describedby="log-time-hint" />
        </div>
        {view.id !== 'vendor' ? (
          <div>
            <label for="log-until">Until</label>
            <input id="log-until" name="until" type="text" defaultValue={filter.until ?? ''} placeholder="2026-11-27T08:00:00Z" aria-describedby="log-time-hint" />
          </div>
        ) : null}
        <p class="hint" id="log-time-hint">
          Times: ISO 8601 (2026-11-27T08:00:00Z) or how long ago (15m, 1h, 7d)
        </p>
        <div class="actions">
          <button type="submit" class="primary">
            Filter
          </button>
        </div>
      </form>
      {allowed ? (
        <>
          <div class="actions export" role="group" aria-labelledby="export-title">
            <span id="export-title">Export logs for debugging (the filters above apply):</span>
            {(['csv', 'ndjson'] as const).map((format) => (
              <a key={format} class="button" href={api.logs.exportUrl(view.log, format, resolved)} download>
                Export {format.toUpperCase()}
              </a>
            ))}
          </div>
          <Log key={key} filter={resolved} onRefresh={() => connections.reload()} />
        </>
      ) : (
        <Notice kind="info">This token cannot read this log: it needs the {view.scope} scope.</Notice>
      )}
    </>
  );
}

function Choice(props: { id: string; name: string; label: string; values: string[]; value: string | undefined }) {
  return (
    <div>
      <label for={props.id}>{props.label}</label>
      <select id={props.id} name={props.name}>
        <Options none="any" values={props.values} selected={props.value ?? ''} />
      </select>
    </div>
  );
}

/** A log's filter (times resolved) and what its Refresh also reloads. */
interface LogProps {
  filter: Filter;
  onRefresh: () => void;
}

/** What a log's rows may do: open one row's detail (one at a time), reload the page. */
interface RowControls {
  isOpen: (key: string) => boolean;
  toggle: (key: string) => void;
  reload: () => void;
}

/**
 * One log: its heading, a table of the current page (newest first) where one row at a time may
 * open its detail, and the pager (the first page, then each "Older entries" from the previous
 * page's cursor; Refresh).
 */
function LogSection<T>(props: {
  view: View;
  load: (cursor: string | undefined) => Promise<{ entries: T[]; nextCursor: string | null }>;
  rowKey: (entry: T) => string;
  cells: (entry: T, row: RowControls) => ComponentChildren;
  detail?: (entry: T) => ComponentChildren;
  notice?: ComponentChildren;
  /** Refresh also reloads the page's connection choices (one may have been added since). */
  onRefresh: () => void;
}) {
  const [cursor, setCursor] = useState<string | undefined>();
  const [open, setOpen] = useState<string | undefined>();
  const page = useLoad(() => props.load(cursor), [cursor]);
  const row: RowControls = { isOpen: (key) => open === key, toggle: (key) => setOpen(open === key ? undefined : key), reload: () => page.reload() };
  const entries = page.data?.entries;
  const { id, label, empty, columns } = props.view;
  return (
    <section aria-labelledby={`${id}-title`} class="log">
      <h2 id={`${id}-title`}>{label}</h2>
      <ErrorNotice error={page.error} />
      {props.notice}
      {entries ? (
        <Table
          empty={empty}
          columns={[...columns]}
          rows={entries}
          rowKey={props.rowKey}
          rowTestId={(e) => `${id}-${props.rowKey(e)}`}
          detail={(e) => (open === props.rowKey(e) ? props.detail?.(e) : null)}
          detailId={(e) => `detail-${props.rowKey(e)}`}
        >
          {(e) => props.cells(e, row)}
        </Table>
      ) : null}
      <div class="actions">
        {cursor ? (
          <button type="button" onClick={() => setCursor(undefined)}>
            Newest entries
          </button>
        ) : null}
        {page.data?.nextCursor ? (
          <button type="button" onClick={() => setCursor(page.data?.nextCursor ?? undefined)}>
            Older entries
          </button>
        ) : null}
        <button
          type="button"
          onClick={() => {
            page.reload();
            props.onRefresh();
          }}
        >
          Refresh
        </button>
      </div>
    </section>
  );
}

/** Opens and closes a row's detail (`aria-controls` names the row it opens). */
function Toggle(props: { row: RowControls; rowKey: string; show: string; hide: string }) {
  const open = props.row.isOpen(props.rowKey);
  return (
    <button type="button" aria-expanded={open} aria-controls={`detail-${props.rowKey}`} onClick={() => props.row.toggle(props.rowKey)}>
      {open ? props.hide : props.show}
    </button>
  );
}

const connectionLink = (id: string | null) => (id ? <Link href={`/apps/${encodeURIComponent(id)}`}>{id}</Link> : <span class="muted">none</span>);
const runLink = (runId: string) => <Link href={`/runs/${encodeURIComponent(runId)}`}>{runId}</Link>;
const ms = (n: number) => (n < 1000 ? `${n} ms` : `${(n / 1000).toFixed(1)} s`);
const plural = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;

function InboundLog(props: LogProps) {
  return (
    <LogSection
      onRefresh={props.onRefresh}
      view={views[0]}
      load={(cursor) => api.logs.inbound({ ...props.filter, cursor })}
      rowKey={(e) => e.id}
      detail={(e) => <Payload id={e.id} />}
      cells={(e: InboundLogEntry, row) => (
        <>
          <td>
            <When at={e.receivedAt} />
          </td>
          <td>{connectionLink(e.connectionId)}</td>
          <td>{e.topic ?? <span class="muted">not read</span>}</td>
          <td data-testid="outcome">
            <StatusBadge status={e.outcome} />
            {e.reason ? <div>{e.reason}</div> : null}
            {e.detail ? <div class="muted">{e.detail}</div> : null}
          </td>
          <td>
            {e.status}
            <div class="muted">
              {plural(e.eventCount, 'event')}, {e.sizeBytes} bytes
            </div>
          </td>
          <td>
            {e.runs.length ? (
              <ul class="plain">
                {e.runs.map((r) => (
                  <li key={r.runId}>
                    {r.recipeId}: {runLink(r.runId)}
                  </li>
                ))}
              </ul>
            ) : (
              <span class="muted">none</span>
            )}
          </td>
          <td>{e.hasPayload ? <Toggle row={row} rowKey={e.id} show="View body" hide="Hide body" /> : <span class="muted">not kept</span>}</td>
        </>
      )}
    />
  );
}

/** The body exactly as received, pretty-printed when it is JSON. */
function Payload(props: { id: string }) {
  const detail = useLoad(() => api.logs.inboundEntry(props.id), [props.id]);
  const d = detail.data;
  if (detail.error) return <ErrorNotice error={detail.error} />;
  if (!d) return <p class="muted">Loading…</p>;
  if (d.payloadHidden) return <Notice kind="info">The body is kept, but this token may not read it: that needs the runs:read scope.</Notice>;
  if (d.payload === null) return <p class="muted">No body kept.</p>;
  let text = d.payload;
  try {
    text = JSON.stringify(JSON.parse(d.payload), null, 2);
  } catch {
    // not JSON: shown as received
  }
  return <pre data-testid="payload">{text}</pre>;
}

const deliveryKey = (e: OutgoingLogEntry) => `${e.subscriptionId}.${e.messageId}`;

function OutgoingLog(props: LogProps) {
  const [done, setDone] = useState('');
  return (
    <LogSection
      onRefresh={props.onRefresh}
      view={views[1]}
      load={(cursor) => api.logs.outgoing({ ...props.filter, cursor })}
      rowKey={deliveryKey}
      notice={done ? <Notice kind="ok">{done}</Notice> : null}
      detail={(e) => <Attempts subscription={e.subscriptionId} messageId={e.messageId} />}
      cells={(e, row) => (
        <OutgoingCells
          entry={e}
          row={row}
          redelivered={() => {
            setDone(`Message ${e.messageId} queued again for ${e.subscriptionId}.`);
            row.reload();
          }}
        />
      )}
    />
  );
}

function OutgoingCells(props: { entry: OutgoingLogEntry; row: RowControls; redelivered: () => void }) {
  const e = props.entry;
  const writer = useSession().can('webhooks:write');
  const action = useAction();
  const last = e.lastAttempt;
  return (
    <>
      <td>
        <When at={e.createdAt} />
      </td>
      <td>
        {e.topic}
        <div>
          <code>{e.messageId}</code>
        </div>
        {e.connectionId ? <div>about {connectionLink(e.connectionId)}</div> : null}
      </td>
      <td>
        <code>{e.subscriptionId}</code>
      </td>
      <td>
        <StatusBadge status={e.status} />
        <div class="muted">{plural(e.attempts, 'attempt')}</div>
      </td>
      <td>
        {last ? (
          <>
            {last.statusCode ?? 'no answer'} <span class="muted">in {ms(last.latencyMs)}</span>
            {last.error ? <div class="field-error">{last.error}</div> : null}
            {last.responseSnippet ? <code class="excerpt">{last.responseSnippet}</code> : null}
          </>
        ) : (
          <span class="muted">not sent yet</span>
        )}
      </td>
      <td>{e.nextAttemptAt ? <When at={e.nextAttemptAt} /> : <span class="muted">none</span>}</td>
      <td>
        <div class="actions">
          <Toggle row={props.row} rowKey={deliveryKey(e)} show="Attempts" hide="Hide attempts" />
          {writer ? (
            <ActionButton
              action={action}
              does={async () => {
                await api.webhooks.redeliver(e.subscriptionId, e.messageId);
                props.redelivered();
              }}
            >
              Redeliver
            </ActionButton>
          ) : null}
        </div>
        <ErrorNotice error={action.error} />
      </td>
    </>
  );
}

function Attempts(props: { subscription: string; messageId: string }) {
  const detail = useLoad(() => api.webhooks.delivery(props.subscription, props.messageId), [props.subscription, props.messageId]);
  if (detail.error) return <ErrorNotice error={detail.error} />;
  if (!detail.data) return <p class="muted">Loading…</p>;
  if (!detail.data.attempts_log.length) return <p class="muted">No attempt yet.</p>;
  return (
    <Table caption={`Attempts of ${props.messageId}`} columns={['#', 'When', 'Outcome', 'Status', 'Latency', 'Response excerpt']} rows={detail.data.attempts_log} rowKey={(a) => String(a.attempt)}>
      {(a) => (
        <>
          <td>{a.attempt}</td>
          <td>
            <When at={a.attemptedAt} />
          </td>
          <td>
            {a.outcome}
            {a.error ? <div class="field-error">{a.error}</div> : null}
          </td>
          <td>{a.statusCode ?? <span class="muted">none</span>}</td>
          <td>{ms(a.latencyMs)}</td>
          <td>{a.responseSnippet ? <code class="excerpt">{a.responseSnippet}</code> : <span class="muted">empty</span>}</td>
        </>
      )}
    </Table>
  );
}

function VendorCalls(props: LogProps) {
  return (
    <LogSection
      onRefresh={props.onRefresh}
      view={views[2]}
      load={(cursor) => api.logs.vendorCalls({ connection: props.filter.connection, since: props.filter.since, cursor })}
      rowKey={(e: VendorCall) => `${e.runId}.${e.stepId}`}
      cells={(e) => (
        <>
          <td>
            <When at={e.startedAt} />
          </td>
          <td>
            {runLink(e.runId)}
            <div class="muted">
              {e.recipeId}, run {e.runStatus}
            </div>
          </td>
          <td>{connectionLink(e.connectionId)}</td>
          <td>
            <code>{e.stepId}</code> <code>{e.action}</code>
          </td>
          <td>
            <StatusBadge status={e.status} />
            {e.error ? (
              <div class="field-error">
                {e.error.kind}: {e.error.message}
              </div>
            ) : null}
          </td>
          <td>{e.attempts ?? <span class="muted">unknown</span>}</td>
        </>
      )}
    />
  );
}
