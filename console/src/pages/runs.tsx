import { useEffect, useState } from 'preact/hooks';
import { api } from '../api/endpoints';
import type { RunDetail, RunStep } from '../api/types';
import { Options } from '../components/options';
import { Table } from '../components/table';
import { ActionButton, ErrorNotice, Notice, PageHeader, StatusBadge, useAction, useLoad, When } from '../components/ui';
import { Link, navigate, type PageProps } from '../router';
import { useSession } from '../session';

const statuses = ['running', 'waiting', 'succeeded', 'failed', 'cancelled', 'terminated', 'timed_out'];
const filterNames = ['recipe', 'status', 'event', 'since'] as const;
/** How often an open run's page asks again. */
const pollMs = 1500;

const runHref = (runId: string) => `/runs/${encodeURIComponent(runId)}`;

/** Runs from Temporal visibility, filtered by recipe, status, event topic and start time (kept in the URL). */
export function RunsPage(props: PageProps) {
  const filter = Object.fromEntries(filterNames.map((n) => [n, props.query.get(n) ?? undefined])) as Record<(typeof filterNames)[number], string | undefined>;
  const [cursor, setCursor] = useState<string | undefined>();
  const key = props.query.toString();
  const runs = useLoad(() => api.runs.list({ ...filter, cursor }), [key, cursor]);
  const apply = (e: Event) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget as HTMLFormElement);
    const next = new URLSearchParams();
    for (const n of filterNames) {
      const v = String(form.get(n) ?? '').trim();
      if (v) next.set(n, v);
    }
    setCursor(undefined);
    navigate(`/runs${next.size ? `?${next}` : ''}`);
  };
  return (
    <>
      <PageHeader title="Runs" />
      <form class="filters" onSubmit={apply} aria-label="Filter runs" key={key}>
        <div>
          <label for="run-recipe">Recipe</label>
          <input id="run-recipe" name="recipe" type="text" defaultValue={filter.recipe ?? ''} placeholder="recipe id" />
        </div>
        <div>
          <label for="run-status">Status</label>
          <select id="run-status" name="status">
            <Options none="any" values={statuses} selected={filter.status ?? ''} />
          </select>
        </div>
        <div>
          <label for="run-event">Event</label>
          <input id="run-event" name="event" type="text" defaultValue={filter.event ?? ''} placeholder="conversation.user.created" />
        </div>
        <div>
          <label for="run-since">Started since</label>
          <input id="run-since" name="since" type="text" defaultValue={filter.since ?? ''} placeholder="2026-11-27T08:00:00Z" aria-describedby="run-since-hint" />
          <p class="hint" id="run-since-hint">
            ISO 8601 time or date
          </p>
        </div>
        <div class="actions">
          <button type="submit" class="primary">
            Filter
          </button>
          <button type="button" onClick={() => runs.reload()}>
            Refresh
          </button>
        </div>
      </form>
      <ErrorNotice error={runs.error} />
      {runs.data ? (
        <Table caption="Runs" empty="No runs match." columns={['Run', 'Recipe', 'Status', 'Event', 'Started', 'Closed']} rows={runs.data.runs} rowKey={(r) => r.runId} rowTestId={(r) => `run-${r.runId}`}>
          {(r) => (
            <>
              <td>
                <Link href={runHref(r.runId)}>
                  <code>{r.runId}</code>
                </Link>
              </td>
              <td>{r.recipeId ?? <span class="muted">unknown</span>}</td>
              <td>
                <StatusBadge status={r.status} />
              </td>
              <td>{r.event ?? <span class="muted">none</span>}</td>
              <td>
                <When at={r.startedAt} />
              </td>
              <td>{r.closedAt ? <When at={r.closedAt} /> : <span class="muted">open</span>}</td>
            </>
          )}
        </Table>
      ) : null}
      {runs.data?.nextCursor ? (
        <div class="actions">
          <button type="button" onClick={() => setCursor(runs.data?.nextCursor ?? undefined)}>
            Next page
          </button>
        </div>
      ) : null}
    </>
  );
}

const isOpen = (run: RunDetail | undefined) => run?.status === 'running' || run?.status === 'waiting';

/** Asks for the run again every `pollMs` while it is open; stops when it closes or the page goes. */
function useLiveRun(runId: string) {
  const run = useLoad(() => api.runs.get(runId), [runId]);
  const open = isOpen(run.data);
  useEffect(() => {
    if (!open || run.loading) return;
    const timer = setTimeout(() => run.reload(), pollMs);
    return () => clearTimeout(timer);
  }, [open, run.loading, run.data]);
  return run;
}

const json = (value: unknown) => JSON.stringify(value, null, 2);
const ms = (n: number | null | undefined) => (n === null || n === undefined ? '' : n < 1000 ? `${n} ms` : `${(n / 1000).toFixed(1)} s`);

function StepItem(props: { step: RunStep }) {
  const s = props.step;
  return (
    <li class="card step" data-testid={`step-${s.id}`}>
      <h3>
        <code>{s.id}</code> <StatusBadge status={s.status} />
      </h3>
      <dl class="facts">
        {s.attempts !== undefined ? (
          <>
            <dt>Attempts</dt>
            <dd>{s.attempts}</dd>
          </>
        ) : null}
        {s.timing ? (
          <>
            <dt>Timing</dt>
            <dd>
              scheduled <When at={s.timing.scheduledAt} />
              {s.timing.durationMs !== undefined ? `, took ${ms(s.timing.durationMs)}` : ''}
            </dd>
          </>
        ) : null}
        {s.condition !== undefined ? (
          <>
            <dt>Condition</dt>
            <dd>{String(s.condition)}</dd>
          </>
        ) : null}
        {s.waitingFor ? (
          <>
            <dt>Waiting for</dt>
            <dd data-testid={`waiting-${s.id}`}>{s.waitingFor}</dd>
          </>
        ) : null}
        {s.progress ? (
          <>
            <dt>Progress</dt>
            <dd>
              {s.progress.done} of {s.progress.total} done, {s.progress.failed} failed
            </dd>
          </>
        ) : null}
      </dl>
      {s.error ? (
        <Notice kind="error" testId={`error-${s.id}`}>
          <strong>{s.error.kind}</strong>: {s.error.message}
          {s.error.hint ? <div>What to do: {s.error.hint}</div> : null}
        </Notice>
      ) : null}
      {(['input', 'output'] as const).map((k) =>
        s[k] === undefined ? null : (
          <details key={k}>
            <summary>{k === 'input' ? 'Input' : 'Output'}</summary>
            <pre>{json(s[k])}</pre>
          </details>
        ),
      )}
    </li>
  );
}

/** One run: its step timeline, live while it is open, with Retry / Approve / Reject / Cancel for writers. */
export function RunPage(props: PageProps) {
  const runId = props.params.id!;
  const run = useLiveRun(runId);
  const action = useAction();
  const [done, setDone] = useState('');
  const writer = useSession().can('runs:write');
  const r = run.data;
  const approval = r?.steps?.find((s) => s.status === 'waiting' && s.waitingFor?.includes('approval'));
  const act = (label: string, call: () => Promise<unknown>) =>
    action.run(async () => {
      await call();
      setDone(label);
      run.reload();
    });
  return (
    <>
      <PageHeader title="Run">
        <Link href="/runs">All runs</Link>
      </PageHeader>
      <p>
        <code>{runId}</code>
      </p>
      <ErrorNotice error={run.error} />
      <ErrorNotice error={action.error} />
      {done ? <Notice kind="ok">{done}</Notice> : null}
      {r ? (
        <>
          <div class="card">
            <dl class="facts">
              <dt>Status</dt>
              <dd data-testid="run-status">
                <StatusBadge status={r.status} /> {isOpen(r) ? <span class="muted">(updating live)</span> : null}
              </dd>
              <dt>Recipe</dt>
              <dd>
                {r.recipeId ? <Link href={`/recipes/${encodeURIComponent(r.recipeId)}`}>{r.recipeId}</Link> : 'unknown'} <span class="muted">version {r.recipeVersion ?? '?'}</span>
              </dd>
              <dt>Event</dt>
              <dd>{r.event ?? 'none'}</dd>
              <dt>Started</dt>
              <dd>
                <When at={r.startedAt} />
              </dd>
              <dt>Closed</dt>
              <dd>{r.closedAt ? <When at={r.closedAt} /> : 'open'}</dd>
              {r.durationMs !== null ? (
                <>
                  <dt>Duration</dt>
                  <dd>{ms(r.durationMs)}</dd>
                </>
              ) : null}
            </dl>
            {r.error ? (
              <Notice kind="error" testId="run-error">
                Step <code>{r.error.stepId}</code> failed: <strong>{r.error.kind}</strong>: {r.error.message}
                {r.error.hint ? <div>What to do: {r.error.hint}</div> : null}
              </Notice>
            ) : null}
            {r.stateUnavailable ? <Notice kind="warn">{r.stateUnavailable}</Notice> : null}
            {writer ? (
              <div class="actions">
                {approval ? (
                  <>
                    <button type="button" class="primary" disabled={action.busy} onClick={() => void act('Approved', () => api.runs.approve(runId, { approved: true, stepId: approval.id }))}>
                      Approve
                    </button>
                    <button type="button" class="danger" disabled={action.busy} onClick={() => void act('Rejected', () => api.runs.approve(runId, { approved: false, stepId: approval.id }))}>
                      Reject
                    </button>
                  </>
                ) : null}
                {isOpen(r) ? (
                  <button type="button" class="danger" disabled={action.busy} onClick={() => void act('Cancel requested', () => api.runs.cancel(runId))}>
                    Cancel run
                  </button>
                ) : null}
                {r.status === 'failed' ? (
                  <ActionButton
                    action={action}
                    kind="primary"
                    does={async () => {
                      const retry = await api.runs.retry(runId, 'failed');
                      navigate(runHref(retry.runId));
                    }}
                  >
                    Retry from failed step
                  </ActionButton>
                ) : null}
              </div>
            ) : null}
          </div>
          <h2>Steps</h2>
          {r.steps && r.steps.length ? (
            <ol class="plain-list">
              {r.steps.map((s) => (
                <StepItem key={s.id} step={s} />
              ))}
            </ol>
          ) : (
            <p class="muted">No step state.</p>
          )}
        </>
      ) : null}
    </>
  );
}
