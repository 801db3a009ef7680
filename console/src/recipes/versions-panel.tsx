import { useState } from 'preact/hooks';
import { api } from '../api/endpoints';
import type { RecipeVersions } from '../api/types';
import { Options } from '../components/options';
import { Table } from '../components/table';
import { ActionButton, ErrorNotice, useAction, useLoad, When } from '../components/ui';
import { foldUnchanged, lineDiff, type DiffRow } from './line-diff';

/** The JSON the editor shows for a stored source. */
export const sourceText = (source: unknown) => JSON.stringify(source, null, 2);

const mark: Record<DiffRow['kind'], string> = { same: ' ', removed: '−', added: '+' };

/** Version history (GET …/versions) with a line diff between any two versions; writers can load one into the editor. */
export function VersionsPanel(props: { recipeId: string; round: number; onLoad?: (text: string, version: number) => void }) {
  const history = useLoad(() => api.recipes.versions(props.recipeId), [props.recipeId, props.round]);
  const versions = history.data?.versions ?? [];
  return (
    <section class="card" aria-labelledby="versions-heading">
      <h2 id="versions-heading">Versions</h2>
      <ErrorNotice error={history.error} />
      {history.data ? (
        <>
          <Table caption="Versions, oldest first" columns={['Version', 'Name', 'Hash', 'Applied', ...(props.onLoad ? ['Restore'] : [])]} rows={versions} rowKey={(v) => String(v.version)} rowTestId={(v) => `version-${v.version}`}>
            {(v) => (
              <>
                <td>
                  v{v.version}
                  {v.version === history.data!.current ? <span class="badge">current</span> : null}
                </td>
                <td>{v.name}</td>
                <td>
                  <code>{v.hash}</code>
                </td>
                <td>
                  <When at={v.createdAt} />
                </td>
                {props.onLoad ? <td>{v.version === history.data!.current ? null : <LoadVersion recipeId={props.recipeId} version={v.version} onLoad={props.onLoad} />}</td> : null}
              </>
            )}
          </Table>
          {versions.length > 1 ? <CompareVersions key={history.data.current} recipeId={props.recipeId} history={history.data} /> : <p class="muted">One version so far: save a change to compare.</p>}
        </>
      ) : null}
    </section>
  );
}

function LoadVersion(props: { recipeId: string; version: number; onLoad: (text: string, version: number) => void }) {
  const action = useAction();
  return (
    <>
      <ActionButton action={action} label={`Load version ${props.version} into the editor`} does={async () => props.onLoad(sourceText((await api.recipes.version(props.recipeId, props.version)).source), props.version)}>
        Load into editor
      </ActionButton>
      <ErrorNotice error={action.error} />
    </>
  );
}

function CompareVersions(props: { recipeId: string; history: RecipeVersions }) {
  const numbers = props.history.versions.map((v) => v.version);
  const [from, setFrom] = useState(numbers.at(-2)!);
  const [to, setTo] = useState(props.history.current);
  const diff = useLoad(async () => {
    const [a, b] = await Promise.all([api.recipes.version(props.recipeId, from), api.recipes.version(props.recipeId, to)]);
    return lineDiff(sourceText(a.source), sourceText(b.source));
  }, [props.recipeId, from, to]);
  const added = diff.data?.filter((r) => r.kind === 'added').length ?? 0;
  const removed = diff.data?.filter((r) => r.kind === 'removed').length ?? 0;
  const select = (id: string, label: string, value: number, set: (n: number) => void) => (
    <div>
      <label for={id}>{label}</label>
      <select id={id} value={String(value)} onChange={(e) => set(Number(e.currentTarget.value))}>
        <Options values={numbers.map((n) => ({ value: String(n), label: `v${n}` }))} />
      </select>
    </div>
  );
  return (
    <div class="compare">
      <h3>Compare</h3>
      <div class="filters">
        {select('diff-from', 'From version', from, setFrom)}
        {select('diff-to', 'To version', to, setTo)}
      </div>
      <ErrorNotice error={diff.error} />
      {diff.data ? (
        <>
          <p data-testid="diff-summary">
            v{from} → v{to}: {added} line{added === 1 ? '' : 's'} added, {removed} removed.
          </p>
          <pre class="diff" data-testid="version-diff" aria-label={`Changes from version ${from} to version ${to}`}>
            {foldUnchanged(diff.data).map((hunk, h) =>
              hunk.kind === 'skipped' ? (
                <span key={h} class="diff-skipped">
                  … {hunk.count} unchanged line{hunk.count === 1 ? '' : 's'}
                </span>
              ) : (
                hunk.rows.map((r, i) => (
                  <span key={`${h}-${i}`} class={`diff-${r.kind}`}>
                    {r.kind === 'same' ? null : <span class="visually-hidden">{r.kind === 'added' ? 'added: ' : 'removed: '}</span>}
                    <span aria-hidden="true">{mark[r.kind]} </span>
                    {r.text}
                  </span>
                ))
              ),
            )}
          </pre>
        </>
      ) : null}
    </div>
  );
}
