import { useState } from 'preact/hooks';
import { ApiError } from '../api/client';
import { api } from '../api/endpoints';
import type { Connection, ConnectorDetail } from '../api/types';
import { CredentialInputs, credentialFields, credentialValues } from '../components/credential-fields';
import { takeFlash } from '../components/flash';
import { Table } from '../components/table';
import { ActionButton, ErrorNotice, Notice, PageHeader, StatusBadge, useAction, useLoad, When } from '../components/ui';
import { Link, navigate, type PageProps } from '../router';
import { useSession } from '../session';
import { ConnectButton, isOAuth } from './install';

/** One installed connection: status, webhook URL, use; Test, Pause, Resume, Reconnect, Delete. */
export function ConnectionPage({ params, query }: PageProps) {
  const id = params.id!;
  const { can } = useSession();
  const [flashed] = useState(takeFlash);
  const [message, setMessage] = useState<{ kind: 'ok' | 'error' | 'warn'; text: string } | undefined>(flashed);
  const [mode, setMode] = useState<'view' | 'reconnect' | 'delete'>('view');
  const loaded = useLoad(async () => {
    const connection = await api.connections.get(id);
    const [connector, activity] = await Promise.all([api.connectors.get(connection.connector), api.connections.activity(id, 20).catch(() => undefined)]);
    return { connection, connector, activity: activity?.entries };
  }, [id]);
  const action = useAction();
  const act = (what: () => Promise<void>) => void action.run(async () => {
    setMessage(undefined);
    await what();
    loaded.reload();
  });
  const c = loaded.data?.connection;
  const connector = loaded.data?.connector;
  const oauthError = query.get('oauth_error');
  const neverInstalled = Boolean(oauthError) && loaded.error instanceof ApiError && loaded.error.status === 404;
  return (
    <>
      <PageHeader title={c ? c.name : id}>
        <Link href="/apps">← Installed apps</Link>
      </PageHeader>
      {query.get('connected') === '1' ? <Notice kind="ok">Connected: {connector?.name ?? 'the app'} granted access.</Notice> : null}
      {oauthError ? (
        <Notice kind="error">
          Connecting failed ({oauthError}){query.get('message') ? `: ${query.get('message')}` : ''}.{' '}
          {neverInstalled ? (
            <>
              Nothing was installed: <Link href="/apps/store">connect again from the App Store</Link>.
            </>
          ) : (
            'Try Reconnect.'
          )}
        </Notice>
      ) : null}
      {message ? <Notice kind={message.kind} testId="connection-message">{message.text}</Notice> : null}
      {/* A refused first Connect leaves no connection: the refusal above says so, not a bare 404. */}
      <ErrorNotice error={neverInstalled ? action.error : (loaded.error ?? action.error)} />
      {c && connector ? (
        <>
          <section class="card" aria-label="Status">
            <dl class="facts">
              <dt>Status</dt>
              <dd data-testid="connection-status">
                <StatusBadge status={c.status} /> {c.statusReason ? <span class="muted">{c.statusReason}</span> : null}
              </dd>
              <dt>App</dt>
              <dd>
                <Link href={`/apps/store/${connector.id}`}>{connector.name}</Link> ({connector.auth.kind})
              </dd>
              <dt>Connection id</dt>
              <dd>
                <code>{c.id}</code>
              </dd>
              <dt>Account label</dt>
              <dd>{c.name}</dd>
              <dt>Last used</dt>
              <dd>{loaded.data?.activity ? <When at={loaded.data.activity[0]?.startedAt} /> : <span class="muted">unknown</span>}</dd>
              <dt>Runs waiting on it</dt>
              <dd>{c.waitingRuns ?? <span class="muted">unknown</span>}</dd>
              <dt>Logs</dt>
              <dd>
                <Link href={`/logs?view=inbound&connection=${encodeURIComponent(c.id)}`}>Deliveries, webhooks and calls of this connection</Link>
              </dd>
              <dt>Status since</dt>
              <dd>
                <When at={c.statusChangedAt} />
              </dd>
              {c.baseUrl ? (
                <>
                  <dt>Base URL</dt>
                  <dd>{c.baseUrl}</dd>
                </>
              ) : null}
              {c.webhookUrl ? (
                <>
                  <dt>Webhook URL</dt>
                  <dd>
                    <code class="secret" data-testid="webhook-url">
                      {c.webhookUrl}
                    </code>
                  </dd>
                </>
              ) : null}
            </dl>
            {can('connections:write') ? (
              <div class="actions" role="group" aria-label="Connection actions">
                {connector.auth.canTest ? (
                  <button
                    type="button"
                    disabled={action.busy}
                    onClick={() =>
                      act(async () => {
                        const test = await api.connections.test(id);
                        setMessage(test.ok ? { kind: 'ok', text: `Test passed${test.detail ? `: ${test.detail}` : ''}.` } : { kind: 'error', text: `Test failed: ${test.reason}` });
                      })
                    }
                  >
                    Test
                  </button>
                ) : null}
                {c.status === 'paused' ? (
                  <button type="button" disabled={action.busy} onClick={() => act(async () => void (await api.connections.resume(id)))}>
                    Resume
                  </button>
                ) : (
                  <button type="button" disabled={action.busy} onClick={() => act(async () => void (await api.connections.pause(id)))}>
                    Pause
                  </button>
                )}
                <button type="button" aria-expanded={mode === 'reconnect'} onClick={() => setMode(mode === 'reconnect' ? 'view' : 'reconnect')}>
                  Reconnect
                </button>
                <button type="button" class="danger" aria-expanded={mode === 'delete'} onClick={() => setMode(mode === 'delete' ? 'view' : 'delete')}>
                  Delete
                </button>
              </div>
            ) : null}
          </section>
          {mode === 'reconnect' ? (
            <Reconnect
              connection={c}
              connector={connector}
              done={(text, ok) => {
                setMode('view');
                setMessage({ kind: ok ? 'ok' : 'error', text });
                loaded.reload();
              }}
            />
          ) : null}
          {mode === 'delete' ? <DeleteConnection connection={c} cancel={() => setMode('view')} /> : null}
          {loaded.data?.activity?.length ? <Activity entries={loaded.data.activity} /> : null}
        </>
      ) : null}
    </>
  );
}

/** New credentials (or new OAuth consent); with a validate call, they are tested right away. */
function Reconnect(props: { connection: Connection; connector: ConnectorDetail; done(text: string, ok: boolean): void }) {
  const fields = credentialFields(props.connector);
  const [values, setValues] = useState<Record<string, string>>({});
  const action = useAction();
  const issues = action.error instanceof ApiError ? action.error.fieldIssues() : {};
  const submit = (e: Event) => {
    e.preventDefault();
    void action.run(async () => {
      await api.connections.update(props.connection.id, { credentials: credentialValues(fields, values) });
      if (!props.connector.auth.canTest) return props.done('Credentials updated.', true);
      const test = await api.connections.test(props.connection.id);
      props.done(test.ok ? `Reconnected: the new credentials work${test.detail ? ` (${test.detail})` : ''}.` : `Saved, but the test failed: ${test.reason}`, test.ok);
    });
  };
  return (
    <section class="card" aria-labelledby="reconnect-title">
      <h2 id="reconnect-title">Reconnect</h2>
      {isOAuth(props.connector) ? (
        <>
          <p>Approve access again in {props.connector.name}:</p>
          <ConnectButton connector={props.connector} connectionId={props.connection.id} label={`Reconnect ${props.connector.name}`} />
          <p class="muted">Or enter the credentials by hand:</p>
        </>
      ) : (
        <p>Enter the credentials again; the stored ones are never shown.</p>
      )}
      <form onSubmit={submit}>
        <CredentialInputs fields={fields} values={values} issues={issues} onChange={(k, v) => setValues({ ...values, [k]: v })} />
        <ErrorNotice error={action.error} />
        <div class="actions">
          <button type="submit" class="primary" disabled={action.busy}>
            {action.busy ? 'Saving…' : props.connector.auth.canTest ? 'Save and test' : 'Save'}
          </button>
        </div>
      </form>
    </section>
  );
}

/** Deleting shows first what depends on the connection: recipes that use it and runs waiting on it. */
function DeleteConnection(props: { connection: Connection; cancel(): void }) {
  const { can } = useSession();
  const users = useLoad(async () => (can('recipes:read') ? (await api.recipes.list()).recipes.filter((r) => r.connections?.includes(props.connection.id)) : undefined), [props.connection.id]);
  const action = useAction();
  return (
    <section class="card" aria-labelledby="delete-title">
      <h2 id="delete-title">Delete {props.connection.name}?</h2>
      {users.data === undefined && !users.loading ? <p class="muted">This token cannot read recipes, so what uses this connection is not shown.</p> : null}
      {users.data?.length ? (
        <>
          <p>These recipes use it; their steps will fail until a connection with the id <code>{props.connection.id}</code> exists again:</p>
          <ul class="plain" data-testid="dependents">
            {users.data.map((r) => (
              <li key={r.id}>
                {r.name} <code>{r.id}</code> {r.enabled ? '' : '(disabled)'}
              </li>
            ))}
          </ul>
        </>
      ) : users.data ? (
        <p>No recipe uses it.</p>
      ) : null}
      {props.connection.waitingRuns ? <p>{props.connection.waitingRuns} runs are waiting on it and will fail.</p> : null}
      <p>The stored credentials are deleted. This cannot be undone.</p>
      <ErrorNotice error={action.error} />
      <div class="actions">
        <ActionButton
          action={action}
          kind="danger"
          does={async () => {
            await api.connections.remove(props.connection.id);
            navigate('/apps');
          }}
        >
          Delete connection
        </ActionButton>
        <button type="button" onClick={() => props.cancel()}>
          Cancel
        </button>
      </div>
    </section>
  );
}

function Activity(props: { entries: NonNullable<Awaited<ReturnType<typeof api.connections.activity>>['entries']> }) {
  return (
    <section aria-labelledby="activity-title">
      <h2 id="activity-title">Recent calls</h2>
      <Table columns={['When', 'Recipe', 'Step', 'Action', 'Status']} rows={props.entries} rowKey={(e) => `${e.runId}-${e.stepId}`}>
        {(e) => (
          <>
            <td>
              <When at={e.startedAt} />
            </td>
            <td>{e.recipeId}</td>
            <td>{e.stepId}</td>
            <td>
              <code>{e.action}</code>
            </td>
            <td>
              {e.status}
              {e.error ? <div class="field-error">{e.error.message}</div> : null}
            </td>
          </>
        )}
      </Table>
    </section>
  );
}
