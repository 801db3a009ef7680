import { useState } from 'preact/hooks';
import { api } from '../api/endpoints';
import type { DryRun, RecipeSummary } from '../api/types';
import { Options } from '../components/options';
import { ErrorNotice, Notice, StatusBadge, useAction, useLoad } from '../components/ui';
import { useSession } from '../session';
import { parseJson, lineColumn } from './json-text';

type TraceEntry = DryRun['trace'][number];

/**
 * A starting fixture for the recipe's trigger, as the sender posts it: a webhook's notification
 * carries its topic and id (the object under data.item); an API event is the posted `data`.
 */
function sampleEvent(trigger: RecipeSummary['trigger']): string {
  const topic = typeof trigger.event === 'string' ? trigger.event.replace(/\*/g, 'example') : undefined;
  return JSON.stringify(trigger.type === 'webhook' ? { topic, id: 'fixture-1', data: { item: {} } } : {}, null, 2);
}

/** The last entry of each step (and forEach iteration): its final status, input and output. */
function finalEntries(trace: TraceEntry[]): TraceEntry[] {
  const last = new Map<string, TraceEntry>();
  for (const entry of trace) {
    if (entry.status === 'running' && entry.input === undefined) continue;
    last.set(`${entry.stepId}|${entry.iteration ?? ''}`, entry);
  }
  return [...last.values()];
}

const json = (v: unknown) => JSON.stringify(v, null, 2);

/** POST /api/v1/recipes/:id/test with a fixture: no side effects, the plan's outcome step by step. */
export function DryRunPanel(props: { recipe: RecipeSummary; stale: boolean }) {
  const { can } = useSession();
  const [event, setEvent] = useState(() => sampleEvent(props.recipe.trigger));
  const [topic, setTopic] = useState('');
  const [result, setResult] = useState<DryRun | undefined>();
  const action = useAction();
  const parsed = parseJson(event);
  const eventError = parsed.ok ? undefined : `line ${lineColumn(event, parsed.offset).line}, column ${lineColumn(event, parsed.offset).column}: ${parsed.message}`;
  const submit = (e: Event) => {
    e.preventDefault();
    if (!parsed.ok) return;
    void action.run(async () => {
      setResult(await api.recipes.test(props.recipe.id, { event: parsed.value, ...(topic.trim() ? { topic: topic.trim() } : {}) }));
    });
  };
  return (
    <section class="card" aria-labelledby="dry-run-heading">
      <h2 id="dry-run-heading">Dry run</h2>
      <p class="hint">Runs the saved version (v{props.recipe.version}) against the event with no side effects: actions answer with their sample outputs, waits are approved at once.</p>
      {props.stale ? <Notice kind="warn">The editor has unsaved changes; the dry run uses the saved version.</Notice> : null}
      {props.recipe.trigger.type === 'webhook' && can('connections:read') && can('runs:read') ? (
        <RecentDeliveries connection={String(props.recipe.trigger.connection)} topic={String(props.recipe.trigger.event)} onPick={setEvent} />
      ) : null}
      <form onSubmit={submit}>
        <label for="dry-run-event">Event (JSON, as the sender posts it)</label>
        <textarea
          id="dry-run-event"
          class="code"
          rows={8}
          spellcheck={false}
          value={event}
          onInput={(e) => setEvent(e.currentTarget.value)}
          aria-invalid={Boolean(eventError)}
          aria-describedby={eventError ? 'dry-run-event-error' : undefined}
        />
        {eventError ? (
          <p class="field-error" id="dry-run-event-error">
            {eventError}
          </p>
        ) : null}
        <label for="dry-run-topic">Topic (optional)</label>
        <input id="dry-run-topic" type="text" value={topic} onInput={(e) => setTopic(e.currentTarget.value)} placeholder="default: the event's topic, else the trigger's" aria-describedby="dry-run-topic-hint" />
        <p class="hint" id="dry-run-topic-hint">
          Overrides the topic the trigger is matched against.
        </p>
        <div class="actions">
          <button type="submit" class="primary" disabled={action.busy || !parsed.ok}>
            Run dry run
          </button>
        </div>
      </form>
      <ErrorNotice error={action.error} />
      {result ? <DryRunResult result={result} /> : null}
    </section>
  );
}

/** A body as the editor shows it: pretty JSON, or the text as received when it is not JSON. */
function pretty(body: string): string {
  try {
    return JSON.stringify(JSON.parse(body), null, 2);
  } catch {
    return body;
  }
}

/**
 * The recent deliveries on the trigger's connection (the inbound log, newest first; the exact topic
 * when the trigger names one): the body of the one chosen becomes the dry run's event.
 */
function RecentDeliveries(props: { connection: string; topic: string; onPick: (event: string) => void }) {
  const list = useLoad(() => api.logs.inbound({ connection: props.connection, ...(props.topic.includes('*') ? {} : { topic: props.topic }) }), [props.connection, props.topic]);
  const usable = (list.data?.entries ?? []).filter((e) => e.hasPayload);
  const [chosen, setChosen] = useState('');
  const action = useAction();
  const use = () =>
    void action.run(async () => {
      const delivery = await api.logs.inboundEntry(chosen);
      if (delivery.payload === null) throw new Error('this delivery kept no body');
      props.onPick(pretty(delivery.payload));
    });
  return (
    <div class="recent-deliveries">
      <label for="dry-run-delivery">Recent delivery on {props.connection}</label>
      <div class="inline-controls">
        <select id="dry-run-delivery" value={chosen} onChange={(e) => setChosen(e.currentTarget.value)} aria-describedby="dry-run-delivery-hint">
          <Options
            none={list.loading ? 'loading…' : usable.length ? 'choose a delivery' : 'none received yet'}
            values={usable.map((e) => ({ value: e.id, label: `${new Date(e.receivedAt).toLocaleString()} · ${e.topic ?? 'no topic'} · ${e.outcome}` }))}
          />
        </select>
        <button type="button" disabled={!chosen || action.busy} onClick={use}>
          Use as the event
        </button>
      </div>
      <p class="hint" id="dry-run-delivery-hint">
        A webhook this connection received (kept for the inbound log's retention), exactly as sent.
      </p>
      <ErrorNotice error={list.error ?? action.error} />
    </div>
  );
}

function DryRunResult({ result }: { result: DryRun }) {
  const steps = finalEntries(result.trace);
  return (
    <div data-testid="dry-run-result" aria-live="polite">
      <h3>Outcome</h3>
      <dl class="facts">
        <dt>Status</dt>
        <dd data-testid="dry-run-status">
          <StatusBadge status={result.status} />
          {result.summary.skipped ? <span class="muted"> (skipped: the top-level when is false)</span> : null}
        </dd>
        <dt>Trigger</dt>
        <dd>{result.trigger.detail}</dd>
        <dt>Top-level when</dt>
        <dd>{String(result.when)}</dd>
      </dl>
      {result.summary.error ? (
        <Notice kind="error">
          Step <code>{result.summary.error.stepId}</code> failed: {result.summary.error.message}
        </Notice>
      ) : null}
      {steps.length ? (
        <ol class="plain-list">
          {steps.map((s) => (
            <li key={`${s.stepId}|${s.iteration ?? ''}`} class="card step" data-testid={`dry-step-${s.stepId}`}>
              <h4>
                <code>{s.stepId}</code>
                {s.iteration !== undefined ? <span class="muted"> (item {s.iteration})</span> : null} <span class="muted">{s.kind}</span> <StatusBadge status={s.status} />
              </h4>
              {s.condition !== undefined ? <p>Condition: {String(s.condition)}</p> : null}
              {s.detail ? <p class="muted">{s.detail}</p> : null}
              {s.error ? (
                <Notice kind="error">
                  <strong>{s.error.kind}</strong>: {s.error.message}
                </Notice>
              ) : null}
              {s.input !== undefined ? (
                <details>
                  <summary>Rendered input</summary>
                  <pre>{json(s.input)}</pre>
                </details>
              ) : null}
              {s.output !== undefined ? (
                <details>
                  <summary>Output</summary>
                  <pre>{json(s.output)}</pre>
                </details>
              ) : null}
            </li>
          ))}
        </ol>
      ) : (
        <p class="muted">No step ran.</p>
      )}
    </div>
  );
}
