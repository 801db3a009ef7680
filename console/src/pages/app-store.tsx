import { useEffect, useState } from 'preact/hooks';
import { categories } from '../api/categories';
import { api } from '../api/endpoints';
import type { ConnectorSummary } from '../api/types';
import { Options } from '../components/options';
import { ErrorNotice, PageHeader, useLoad } from '../components/ui';
import { Link, navigate, type PageProps } from '../router';
import { useSession } from '../session';

/** Every connector by category; search by name, description, action or trigger (the API's own search). */
export function AppStorePage({ query }: PageProps) {
  const { can } = useSession();
  const [q, setQ] = useState(query.get('q') ?? '');
  const [category, setCategory] = useState(query.get('category') ?? '');
  const [debounced, setDebounced] = useState(q);
  useEffect(() => {
    const timer = setTimeout(() => setDebounced(q.trim()), 200);
    return () => clearTimeout(timer);
  }, [q]);
  useEffect(() => {
    const search = new URLSearchParams(Object.entries({ q: debounced, category }).filter(([, v]) => v));
    const to = `/apps/store${search.size ? `?${search}` : ''}`;
    if (to !== location.pathname + location.search) history.replaceState(null, '', to);
  }, [debounced, category]);
  const list = useLoad(() => api.connectors.list({ q: debounced || undefined, category: category || undefined }), [debounced, category]);
  const connectors = list.data?.connectors ?? [];
  const groups = [...categories, ...new Set(connectors.map((c) => c.category))]
    .filter((c, i, all) => all.indexOf(c) === i)
    .map((c) => ({ category: c, items: connectors.filter((x) => x.category === c) }))
    .filter((g) => g.items.length > 0);
  return (
    <>
      <PageHeader title="App Store" />
      <form class="filters" role="search" onSubmit={(e) => e.preventDefault()}>
        <div>
          <label for="store-q">Search apps</label>
          <input id="store-q" type="search" value={q} placeholder="Name, description or action (e.g. create issue)" onInput={(e) => setQ(e.currentTarget.value)} />
        </div>
        <div>
          <label for="store-category">Category</label>
          <select id="store-category" value={category} onChange={(e) => setCategory(e.currentTarget.value)}>
            <Options none="All categories" values={categories} />
          </select>
        </div>
      </form>
      <ErrorNotice error={list.error} />
      <p class="muted" role="status" aria-live="polite" data-testid="store-count">
        {list.loading ? 'Searching…' : `${connectors.length} ${connectors.length === 1 ? 'app' : 'apps'}${debounced ? ` matching “${debounced}”` : ''}`}
      </p>
      {groups.map((g) => (
        <section key={g.category} aria-labelledby={`cat-${g.category}`}>
          <h2 id={`cat-${g.category}`}>{g.category}</h2>
          <ul class="grid plain-list" role="list">
            {g.items.map((c) => (
              <li key={c.id} class="card connector-card" data-testid={`connector-${c.id}`}>
                <ConnectorCard connector={c} canInstall={can('connections:write')} />
              </li>
            ))}
          </ul>
        </section>
      ))}
    </>
  );
}

function ConnectorCard({ connector: c, canInstall }: { connector: ConnectorSummary; canInstall: boolean }) {
  return (
    <>
      <h3>
        <Link href={`/apps/store/${c.id}`}>{c.name}</Link>
      </h3>
      <p>{c.description}</p>
      <div class="tags">
        <span class="tag">auth: {c.authKind}</span>
        <span class="tag">
          {c.actions.length} {c.actions.length === 1 ? 'action' : 'actions'}
        </span>
        {c.pollingTriggers.length ? <span class="tag">{c.pollingTriggers.length} polling triggers</span> : null}
        {c.webhookTopics ? <span class="tag">{c.webhookTopics} webhook topics</span> : null}
        {c.webhookSchemes.map((s) => (
          <span class="tag" key={s.scheme}>
            signed: {s.scheme}
          </span>
        ))}
      </div>
      {canInstall ? (
        <div class="actions">
          <button type="button" onClick={() => navigate(`/apps/store/${c.id}`)} aria-label={`Install ${c.name}`}>
            Install
          </button>
        </div>
      ) : null}
    </>
  );
}
