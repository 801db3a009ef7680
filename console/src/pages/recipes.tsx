import { useEffect, useRef, useState } from 'preact/hooks';
import { api } from '../api/endpoints';
import type { RecipeDetail, RecipeSummary, RunPage, SyncSource } from '../api/types';
import { Table } from '../components/table';
import { ActionButton, ErrorNotice, Notice, PageHeader, StatusBadge, useAction, useLoad, When } from '../components/ui';
import { DryRunPanel } from '../recipes/dry-run-panel';
import { rejectedDiagnostics, useLiveCheck, type SavedCheck } from '../recipes/live-diagnostics';
import { RecipeEditor } from '../recipes/recipe-editor';
import { sourceText, VersionsPanel } from '../recipes/versions-panel';
import { Link, navigate, type PageProps } from '../router';
import { useSession } from '../session';

const recipeHref = (id: string) => `/recipes/${encodeURIComponent(id)}`;
const runHref = (runId: string) => `/runs/${encodeURIComponent(runId)}`;

type LastRun = RunPage['runs'][number] | undefined;

/** The newest run of a recipe (open runs first, then the most recently closed), or undefined. */
const lastRun = async (recipeId: string): Promise<LastRun> => (await api.runs.list({ recipe: recipeId, limit: '1' })).runs[0];

function triggerText(trigger: RecipeSummary['trigger']): string {
  const t = trigger as { type?: string; event?: string; connection?: string; cron?: string; trigger?: string; every?: string };
  switch (t.type) {
    case 'webhook':
      return `webhook ${t.event ?? ''} on ${t.connection ?? ''}`;
    case 'event':
      return `event ${t.event ?? ''}`;
    case 'schedule':
      return `schedule ${t.cron ?? ''}`;
    case 'poll':
      return `poll ${t.trigger ?? ''} every ${t.every ?? ''}`;
    default:
      return String(t.type);
  }
}

function LastRunCell(props: { run: LastRun; loaded: boolean }) {
  if (!props.loaded) return <span class="muted">…</span>;
  if (!props.run) return <span class="muted">never</span>;
  return (
    <>
      <StatusBadge status={props.run.status} />{' '}
      <Link href={runHref(props.run.runId)} aria-label={`Last run, ${props.run.status}, started ${props.run.startedAt}`}>
        <When at={props.run.startedAt} />
      </Link>
    </>
  );
}

function LastCycle(props: { cycle: { left: string | null; right: string | null } | undefined; loaded: boolean }) {
  if (!props.loaded) return <span class="muted">…</span>;
  if (!props.cycle) return <span class="muted">unknown</span>;
  return (
    <>
      left <When at={props.cycle.left} />, right <When at={props.cycle.right} />
    </>
  );
}

const enabledBadge = (enabled: boolean) => <span class={`badge ${enabled ? 'badge-succeeded' : 'badge-cancelled'}`}>{enabled ? 'enabled' : 'disabled'}</span>;

/** Recipes and syncs: enabled state, trigger, version and the last run; writers create new ones here. */
/** A recipe's or sync's name, linked to its page, over its id. */
function NameCell(props: { href: string; name: string; id: string }) {
  return (
    <td>
      <Link href={props.href}>{props.name}</Link>
      <div class="muted">
        <code>{props.id}</code>
      </div>
    </td>
  );
}

export function RecipesPage() {
  const { can } = useSession();
  const recipes = useLoad(() => api.recipes.list(), []);
  const runs = useLoad(async () => {
    if (!can('runs:read') || !recipes.data) return new Map<string, LastRun>();
    const list = recipes.data.recipes;
    const last = await Promise.all(list.map((r) => lastRun(r.id).catch(() => undefined)));
    return new Map(list.map((r, i) => [r.id, last[i]]));
  }, [recipes.data]);
  const syncs = useLoad(() => api.syncs.list(), []);
  // A sync's "last run" is its last cycle per side, which its workflow reports (GET /api/v1/syncs/:id).
  const cycles = useLoad(async () => {
    const list = syncs.data?.syncs ?? [];
    const details = await Promise.all(list.map((x) => api.syncs.get(x.id).catch(() => undefined)));
    return new Map(list.map((x, i) => [x.id, details[i]?.lastCycle]));
  }, [syncs.data]);
  return (
    <>
      <PageHeader title="Recipes">
        {can('recipes:write') ? (
          <Link href="/recipes/new" class="button primary">
            New recipe
          </Link>
        ) : null}
      </PageHeader>
      <ErrorNotice error={recipes.error} />
      {recipes.data ? (
        <Table caption="Recipes" empty="No recipes yet." columns={['Recipe', 'State', 'Trigger', 'Version', 'Last run', 'Updated']} rows={recipes.data.recipes} rowKey={(r) => r.id} rowTestId={(r) => `recipe-${r.id}`}>
          {(r) => (
            <>
              <NameCell href={recipeHref(r.id)} name={r.name} id={r.id} />
              <td>{enabledBadge(r.enabled)}</td>
              <td>{triggerText(r.trigger)}</td>
              <td>v{r.version}</td>
              <td>{can('runs:read') ? <LastRunCell run={runs.data?.get(r.id)} loaded={Boolean(runs.data?.has(r.id))} /> : <span class="muted">needs runs:read</span>}</td>
              <td>
                <When at={r.updatedAt} />
              </td>
            </>
          )}
        </Table>
      ) : null}
      <h2>Syncs</h2>
      <ErrorNotice error={syncs.error} />
      {syncs.data ? (
        <Table caption="CRM syncs" empty="No CRM syncs." columns={['Sync', 'State', 'Sides', 'Direction', 'Frequency', 'Version', 'Last cycle']} rows={syncs.data.syncs} rowKey={(x) => x.id} rowTestId={(x) => `sync-${x.id}`}>
          {(x) => (
            <>
              <NameCell href={recipeHref(x.id)} name={x.name} id={x.id} />
              <td>
                {enabledBadge(x.enabled)} {x.paused ? <span class="badge badge-paused">paused</span> : null}
              </td>
              <td>
                {x.left.connection} {x.left.object} ↔ {x.right.connection} {x.right.object}
              </td>
              <td>{x.direction}</td>
              <td>{x.frequency}</td>
              <td>v{x.version}</td>
              <td>
                <LastCycle cycle={cycles.data?.get(x.id)} loaded={Boolean(cycles.data?.has(x.id))} />
              </td>
            </>
          )}
        </Table>
      ) : null}
    </>
  );
}

const newRecipeTemplate = {
  id: 'my-recipe',
  name: 'My recipe',
  trigger: { type: 'event', event: 'ticket.created' },
  steps: [{ id: 'wait', delay: '1s' }],
};

/**
 * Saving applies the JSON's `enabled` (absent = enabled). When the editor left the saved `enabled`
 * as it was, the recipe keeps the state Enable/Disable gave it since; an edited `enabled` wins.
 */
function keepEnabledState(recipe: { source: unknown; enabled: boolean }, draft: unknown): unknown {
  const saved = (recipe.source as { enabled?: unknown }).enabled;
  const next = draft as Record<string, unknown>;
  if (next.enabled !== saved || (saved ?? true) === recipe.enabled) return draft;
  return { ...next, enabled: recipe.enabled };
}

/** Saves the editor's JSON with PUT /api/v1/recipes/:id (a change is a new version). */
function SaveButton(props: { id: string | undefined; text: string; errors: number; busy: boolean; onSave: () => void; label: string }) {
  const reason = !props.id ? 'Give the recipe an "id" to save it.' : props.errors ? 'Fix the errors to save.' : '';
  return (
    <>
      <button type="button" class="primary" disabled={props.busy || Boolean(reason)} onClick={props.onSave} aria-describedby={reason ? 'save-reason' : undefined}>
        {props.label}
      </button>
      {reason ? (
        <span class="hint" id="save-reason">
          {reason}
        </span>
      ) : null}
    </>
  );
}

/** A new recipe: the editor with a starting template; saving creates it and opens its page. */
export function NewRecipePage() {
  const { can } = useSession();
  const [text, setText] = useState(() => sourceText(newRecipeTemplate));
  const check = useLiveCheck(text);
  const action = useAction();
  const value = check.parsed.ok ? (check.parsed.value as { id?: unknown }) : undefined;
  const id = typeof value?.id === 'string' && value.id ? value.id : undefined;
  const errors = check.diagnostics.filter((d) => d.severity === 'error').length;
  if (!can('recipes:write')) {
    return (
      <>
        <PageHeader title="New recipe" />
        <Notice kind="warn">This token may not create recipes (it lacks recipes:write).</Notice>
      </>
    );
  }
  return (
    <>
      <PageHeader title="New recipe">
        <Link href="/recipes">All recipes</Link>
      </PageHeader>
      <ErrorNotice error={action.error} />
      <section class="card">
        <RecipeEditor id="recipe-json" label="Recipe JSON" text={text} onText={setText} check={check} readOnly={false} />
        <div class="actions">
          <SaveButton
            id={id}
            text={text}
            errors={errors}
            busy={action.busy}
            label="Create recipe"
            onSave={() =>
              void action.run(async () => {
                await api.recipes.put(id!, value);
                navigate(`${recipeHref(id!)}?created=1`);
              })
            }
          />
        </div>
      </section>
    </>
  );
}

/** One recipe or sync: facts, enable/disable, the editor with live diagnostics, versions with a diff; a recipe's dry run. */
export function RecipePage(props: PageProps) {
  const id = props.params.id!;
  const recipe = useLoad(() => api.recipes.get(id), [id]);
  return (
    <>
      <PageHeader title={recipe.data?.name ?? id}>
        <Link href="/recipes">All recipes</Link>
      </PageHeader>
      {props.query.get('created') === '1' ? <Notice kind="ok">Recipe created.</Notice> : null}
      <ErrorNotice error={recipe.error} />
      {recipe.data ? <RecipeView key={id} recipe={recipe.data} reload={() => recipe.reload()} /> : null}
    </>
  );
}

const isSync = (r: RecipeDetail | SyncSource): r is SyncSource => 'kind' in r && r.kind === 'sync';

/** A recipe's enable/disable, or a sync's (POST /api/v1/syncs/:id/enable|disable: its workflow starts or is cancelled). */
const toggles = {
  recipe: { enable: api.recipes.enable, disable: api.recipes.disable, disabled: 'no new runs' },
  sync: { enable: api.syncs.enable, disable: api.syncs.disable, disabled: 'its workflow is cancelled, links and cursors are kept' },
};

function RecipeView(props: { recipe: RecipeDetail | SyncSource; reload: () => void }) {
  const r = props.recipe;
  const sync = isSync(r);
  const toggle = toggles[sync ? 'sync' : 'recipe'];
  const { can } = useSession();
  const writer = can('recipes:write');
  const saved = sourceText(r.source);
  const [text, setText] = useState(saved);
  const [message, setMessage] = useState<{ kind: 'ok' | 'warn'; text: string } | undefined>();
  const [round, setRound] = useState(0);
  const [rejected, setRejected] = useState<SavedCheck | undefined>();
  const check = useLiveCheck(text, rejected);
  const action = useAction();
  // After a save the editor shows the source as stored (the server puts the id first, and may keep the enabled state).
  const justSaved = useRef(false);
  useEffect(() => {
    if (justSaved.current) setText(saved);
    justSaved.current = false;
  }, [saved]);
  const last = useLoad(() => (can('runs:read') ? lastRun(r.id) : Promise.resolve(undefined)), [r.id, round]);
  const errors = check.diagnostics.filter((d) => d.severity === 'error').length;
  const dirty = text !== saved;
  /** An action that reports what it did, then reloads the recipe, its last run and its versions. */
  const act = (what: () => Promise<string>) => async () => {
    setMessage(undefined);
    const done = await what();
    setMessage({ kind: 'ok', text: done });
    props.reload();
    setRound((n) => n + 1);
  };
  const save = act(async () => {
      const answer = await api.recipes.put(r.id, keepEnabledState(r, check.parsed.ok ? check.parsed.value : undefined)).catch((e: unknown) => {
        // A sync is also checked against both sides' live field schemas: those diagnostics show in the editor too.
        const diagnostics = rejectedDiagnostics(e);
        if (diagnostics) setRejected({ text, diagnostics });
        throw e;
      });
      justSaved.current = true;
      const version = answer.change === 'unchanged' ? `unchanged (v${answer.version})` : `saved as version ${answer.version}`;
      return `${answer.id} ${version}${answer.warnings.length ? `, ${answer.warnings.length} warning(s)` : ''}.`;
  });
  return (
    <>
      {message ? (
        <Notice kind={message.kind} testId="recipe-message">
          {message.text}
        </Notice>
      ) : null}
      <ErrorNotice error={action.error} />
      <section class="card" aria-label="Status">
        <dl class="facts">
          <dt>State</dt>
          <dd data-testid="recipe-state">{enabledBadge(r.enabled)}</dd>
          <dt>Id</dt>
          <dd>
            <code>{r.id}</code>
          </dd>
          {sync ? (
            <>
              <dt>Kind</dt>
              <dd>
                CRM sync {r.paused ? <span class="badge badge-paused">paused</span> : null}
              </dd>
            </>
          ) : (
            <>
              <dt>Trigger</dt>
              <dd>{triggerText(r.trigger)}</dd>
            </>
          )}
          <dt>Version</dt>
          <dd>
            v{r.version} <code>{r.hash}</code>, updated <When at={r.updatedAt} />
          </dd>
          <dt>Connections</dt>
          <dd>{r.connections.length ? r.connections.map((c, i) => [i ? ', ' : '', <Link key={c} href={`/apps/${encodeURIComponent(c)}`}>{c}</Link>]) : <span class="muted">none</span>}</dd>
          {sync ? null : (
            <>
              <dt>Last run</dt>
              <dd>{can('runs:read') ? <LastRunCell run={last.data} loaded={!last.loading || last.data !== undefined} /> : <span class="muted">needs runs:read</span>}</dd>
            </>
          )}
        </dl>
        <div class="actions">
          {can('runs:read') && !sync ? <Link href={`/runs?recipe=${encodeURIComponent(r.id)}`}>All runs of this recipe</Link> : null}
        </div>
        {writer ? (
          <div class="actions" role="group" aria-label={sync ? 'Sync actions' : 'Recipe actions'}>
            {r.enabled ? (
              <ActionButton action={action} does={act(async () => (await toggle.disable(r.id), `${r.id} is disabled: ${toggle.disabled}.`))}>
                Disable
              </ActionButton>
            ) : (
              <ActionButton action={action} kind="primary" does={act(async () => (await toggle.enable(r.id), `${r.id} is enabled.`))}>
                Enable
              </ActionButton>
            )}
            <DeleteRecipe id={r.id} sync={sync} />
          </div>
        ) : null}
      </section>
      <section class="card" aria-labelledby="editor-heading">
        <h2 id="editor-heading">Definition</h2>
        <RecipeEditor id="recipe-json" label={sync ? 'Sync JSON' : 'Recipe JSON'} noun={sync ? 'sync' : 'recipe'} text={text} onText={setText} check={check} readOnly={!writer} />
        {writer ? (
          <div class="actions">
            <SaveButton id={dirty ? r.id : undefined} text={text} errors={errors} busy={action.busy} label="Save" onSave={() => void action.run(save)} />
            {!dirty ? <span class="hint">No unsaved changes.</span> : null}
            {dirty ? (
              <button type="button" onClick={() => setText(saved)}>
                Discard changes
              </button>
            ) : null}
          </div>
        ) : null}
      </section>
      {sync ? null : <DryRunPanel recipe={r} stale={dirty} />}
      <VersionsPanel
        recipeId={r.id}
        round={round}
        onLoad={
          writer
            ? (loaded, version) => {
                setText(loaded);
                setMessage({ kind: 'warn', text: `Version ${version} is in the editor; Save makes it the next version.` });
              }
            : undefined
        }
      />
    </>
  );
}

function DeleteRecipe(props: { id: string; sync: boolean }) {
  const [asking, setAsking] = useState(false);
  const action = useAction();
  if (!asking) {
    return (
      <button type="button" class="danger" onClick={() => setAsking(true)} aria-expanded={false}>
        Delete
      </button>
    );
  }
  return (
    <div role="group" aria-label="Confirm delete" class="confirm">
      <span>{props.sync ? `Delete sync ${props.id}? Its workflow is cancelled, and its links and history are deleted.` : `Delete ${props.id} and its version history? Runs in flight finish on their version.`}</span>{' '}
      <ActionButton
        action={action}
        kind="danger"
        does={async () => {
          await api.recipes.remove(props.id);
          navigate('/recipes');
        }}
      >
        {props.sync ? 'Delete sync' : 'Delete recipe'}
      </ActionButton>{' '}
      <button type="button" onClick={() => setAsking(false)}>
        Keep it
      </button>
      <ErrorNotice error={action.error} />
    </div>
  );
}
