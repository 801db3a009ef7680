import { useState } from 'preact/hooks';
import { ApiError } from '../api/client';
import { api } from '../api/endpoints';
import type { ConnectorDetail } from '../api/types';
import { CredentialInputs, credentialFields, credentialValues } from '../components/credential-fields';
import { flash } from '../components/flash';
import { ErrorNotice, Notice, PageHeader, useAction, useLoad } from '../components/ui';
import { Link, navigate, type PageProps } from '../router';
import { useSession } from '../session';

/** One connector: what it does (actions, triggers, webhook topics, signatures) and, for a writer, its setup form. */
export function InstallPage({ params }: PageProps) {
  const connector = useLoad(() => api.connectors.get(params.connector!), [params.connector]);
  const { can } = useSession();
  const c = connector.data;
  return (
    <>
      <PageHeader title={c ? c.name : 'App'}>
        <Link href="/apps/store">← App Store</Link>
      </PageHeader>
      <ErrorNotice error={connector.error} />
      {c ? (
        <>
          <p>{c.description}</p>
          <div class="columns">
            <div>
              {can('connections:write') ? <SetupForm connector={c} /> : <Notice kind="info">This token cannot install apps (it lacks connections:write).</Notice>}
            </div>
            <ConnectorFacts connector={c} />
          </div>
        </>
      ) : null}
    </>
  );
}

export function isOAuth(c: ConnectorDetail): boolean {
  return c.auth.kind === 'oauth2';
}

/** Starts OAuth consent: the server answers the vendor's authorize URL and the browser goes there. */
export function ConnectButton(props: { connector: ConnectorDetail; connectionId: string; label?: string }) {
  const action = useAction();
  const connect = () =>
    action.run(async () => {
      const { authorizeUrl } = await api.connections.oauthStart(props.connector.id, props.connectionId);
      location.assign(authorizeUrl);
    });
  return (
    <>
      <button type="button" class="primary" disabled={action.busy || !props.connectionId} onClick={() => void connect()}>
        {props.label ?? `Connect ${props.connector.name}`}
      </button>
      <ErrorNotice error={action.error} />
    </>
  );
}

function SetupForm({ connector: c }: { connector: ConnectorDetail }) {
  const fields = credentialFields(c);
  const [id, setId] = useState(`${c.id}-main`);
  const [name, setName] = useState(c.name);
  const [baseUrl, setBaseUrl] = useState('');
  const [values, setValues] = useState<Record<string, string>>({});
  const action = useAction();
  const issues = action.error instanceof ApiError ? action.error.fieldIssues() : {};
  const webhookUrl = c.webhook ? `${location.origin}/hooks/${id || '<id>'}` : null;
  const submit = (e: Event) => {
    e.preventDefault();
    void action.run(async () => {
      const created = await api.connections.create({ id, connector: c.id, name, credentials: credentialValues(fields, values), baseUrl: baseUrl || null });
      if (c.auth.canTest) {
        const test = await api.connections.test(created.id);
        if (test.ok) flash('ok', `${name} is installed and its credentials work${test.detail ? ` (${test.detail})` : ''}.`);
        else flash('error', `${name} is installed, but the test failed: ${test.reason}. Reconnect with working credentials.`);
      } else {
        flash('ok', `${name} is installed.`);
      }
      navigate(`/apps/${encodeURIComponent(created.id)}`);
    });
  };
  return (
    <section aria-labelledby="setup-title" class="card">
      <h2 id="setup-title">Install</h2>
      <form onSubmit={submit} noValidate={false}>
        <label for="conn-id">Connection id</label>
        <input id="conn-id" type="text" required pattern="[a-z0-9][a-z0-9_\-]{0,127}" value={id} onInput={(e) => setId(e.currentTarget.value)} aria-describedby="conn-id-hint" aria-invalid={issues['body.id'] ? true : undefined} />
        <p class="hint" id="conn-id-hint">
          Recipes name the connection by this id. Lowercase letters, digits, - and _.
        </p>
        {issues['body.id'] ? <p class="field-error">{issues['body.id']}</p> : null}
        <label for="conn-name">Account label</label>
        <input id="conn-name" type="text" required value={name} onInput={(e) => setName(e.currentTarget.value)} aria-describedby="conn-name-hint" />
        <p class="hint" id="conn-name-hint">
          Which account this is, e.g. “Acme production workspace”.
        </p>
        {webhookUrl ? (
          <div class="notice notice-info" data-testid="webhook-url">
            <strong>Webhook URL to paste into {c.name}:</strong>
            <code class="secret">{webhookUrl}</code>
            Deliveries are checked with {c.webhookSchemes.map((s) => s.scheme).join(' or ')} ({c.webhookSchemes.flatMap((s) => s.headers).join(', ')}) using the secret below.
          </div>
        ) : null}
        {isOAuth(c) ? (
          <div class="oauth">
            <p>{c.name} uses OAuth: connect and approve access in {c.name}; Switchyard stores the tokens.</p>
            <ConnectButton connector={c} connectionId={id} />
            <details>
              <summary>Or enter OAuth credentials by hand</summary>
              <CredentialInputs fields={fields} values={values} issues={issues} onChange={(k, v) => setValues({ ...values, [k]: v })} />
            </details>
          </div>
        ) : (
          <CredentialInputs fields={fields} values={values} issues={issues} onChange={(k, v) => setValues({ ...values, [k]: v })} />
        )}
        <label for="conn-base">Base URL (optional)</label>
        <input id="conn-base" type="url" value={baseUrl} placeholder={c.defaultBaseUrl ?? 'https://…'} onInput={(e) => setBaseUrl(e.currentTarget.value)} aria-describedby="conn-base-hint" aria-invalid={issues['body.baseUrl'] ? true : undefined} />
        <p class="hint" id="conn-base-hint">
          Only for a self-hosted or regional instance{c.defaultBaseUrl ? `; default ${c.defaultBaseUrl}` : ''}.
        </p>
        {issues['body.baseUrl'] ? <p class="field-error">{issues['body.baseUrl']}</p> : null}
        <ErrorNotice error={action.error} />
        <div class="actions">
          <button type="submit" class="primary" disabled={action.busy}>
            {action.busy ? 'Installing…' : c.auth.canTest ? 'Install and test' : 'Install'}
          </button>
        </div>
      </form>
    </section>
  );
}

function ConnectorFacts({ connector: c }: { connector: ConnectorDetail }) {
  return (
    <section aria-label={`About ${c.name}`} class="card">
      <dl class="facts">
        <dt>Category</dt>
        <dd>{c.category}</dd>
        <dt>Authentication</dt>
        <dd>{c.auth.kind}</dd>
        <dt>Credential test</dt>
        <dd>{c.auth.canTest ? 'yes (Install tests the credentials)' : 'no'}</dd>
        {c.webhookSchemes.length ? (
          <>
            <dt>Webhook signatures</dt>
            <dd>{c.webhookSchemes.map((s) => `${s.scheme} (${s.headers.join(', ')})`).join('; ')}</dd>
          </>
        ) : null}
      </dl>
      <h3>Actions ({c.actions.length})</h3>
      <Operations items={c.actions} />
      {c.pollingTriggers.length ? (
        <>
          <h3>Polling triggers ({c.pollingTriggers.length})</h3>
          <Operations items={c.pollingTriggers} />
        </>
      ) : null}
      {c.webhook ? (
        <>
          <h3>Webhook topics ({c.webhook.topics.length})</h3>
          <p class="tags">
            {c.webhook.topics.map((t) => (
              <code key={t}>{t}</code>
            ))}
          </p>
        </>
      ) : null}
    </section>
  );
}

/** What a connector can do (its actions, its polling triggers): title, type and description. */
function Operations(props: { items: readonly { type: string; title: string; description?: string }[] }) {
  return (
    <ul class="plain">
      {props.items.map((o) => (
        <li key={o.type}>
          <strong>{o.title}</strong> <code>{o.type}</code> — {o.description}
        </li>
      ))}
    </ul>
  );
}
