import { useState } from 'preact/hooks';
import { api } from '../api/endpoints';
import { apiScopes } from '../../../src/security/scopes';
import type { ApiScope, ApiToken, IssuedToken } from '../api/types';
import { Options } from '../components/options';
import { Table } from '../components/table';
import { ActionButton, ErrorNotice, Notice, PageHeader, useAction, useLoad, When } from '../components/ui';
import { useSession } from '../session';

const expiries = [
  { value: '', label: 'Never' },
  { value: '7d', label: '7 days' },
  { value: '30d', label: '30 days' },
  { value: '90d', label: '90 days (recommended)' },
  { value: '365d', label: '1 year' },
];

function standing(t: ApiToken): string {
  if (t.revokedAt) return 'revoked';
  if (t.expiresAt && Date.parse(t.expiresAt) <= Date.now()) return 'expired';
  return 'active';
}

/** API tokens: create with scopes and expiry, rotate, revoke; a secret is shown once. Needs tokens:admin. */
export function TokensPage() {
  const session = useSession();
  const admin = session.can('tokens:admin');
  const list = useLoad(async () => (admin ? (await api.tokens.list()).tokens : []), [admin]);
  const [issued, setIssued] = useState<{ what: string; token: IssuedToken } | null>(null);
  const action = useAction();
  if (!admin) {
    return (
      <>
        <PageHeader title="API tokens" />
        <Notice kind="info">Managing tokens needs the tokens:admin scope; this token has {session.who.scopes.join(', ')}.</Notice>
      </>
    );
  }
  return (
    <>
      <PageHeader title="API tokens" />
      {issued ? <SecretOnce issued={issued} dismiss={() => setIssued(null)} /> : null}
      <CreateToken
        held={session.who.scopes}
        created={(token) => {
          setIssued({ what: 'created', token });
          list.reload();
        }}
      />
      <ErrorNotice error={list.error ?? action.error} />
      <h2>Tokens</h2>
      <Table
        columns={['Name', 'Prefix', 'Scopes', 'Expires', 'Status', <span class="visually-hidden">Actions</span>]}
        rows={list.data ?? []}
        rowKey={(t) => t.id}
        rowTestId={(t) => `token-${t.name}`}
      >
        {(t) => (
          <>
            <td>
              {t.name}
              {t.id === session.who.token.id ? <div class="muted">this session’s token</div> : null}
            </td>
            <td>
              <code>{t.prefix}</code>
            </td>
            <td>{t.scopes.join(', ')}</td>
            <td>{t.expiresAt ? <When at={t.expiresAt} /> : 'never'}</td>
            <td>{standing(t)}</td>
            <td>
              {t.revokedAt ? null : (
                <div class="actions">
                  <ActionButton
                    action={action}
                    label={`Rotate ${t.name}`}
                    does={async () => {
                      setIssued({ what: 'rotated', token: await api.tokens.rotate(t.id) });
                      list.reload();
                    }}
                  >
                    Rotate
                  </ActionButton>
                  <ActionButton
                    action={action}
                    kind="danger"
                    label={`Revoke ${t.name}`}
                    does={async () => {
                      if (!confirm(`Revoke ${t.name}? Everything using it stops working${t.id === session.who.token.id ? ', and this session ends' : ''}.`)) return;
                      await api.tokens.revoke(t.id);
                      list.reload();
                    }}
                  >
                    Revoke
                  </ActionButton>
                </div>
              )}
            </td>
          </>
        )}
      </Table>
    </>
  );
}

function SecretOnce(props: { issued: { what: string; token: IssuedToken }; dismiss(): void }) {
  const [copied, setCopied] = useState(false);
  const { token, secret } = props.issued.token;
  return (
    <div class="notice notice-ok" role="status" data-testid="token-secret">
      <strong>
        Token {token.name} {props.issued.what}. Copy the secret now: it is shown only once.
      </strong>
      <code class="secret">{secret}</code>
      <div class="actions">
        <button
          type="button"
          onClick={() =>
            void navigator.clipboard.writeText(secret).then(
              () => setCopied(true),
              () => setCopied(false),
            )
          }
        >
          {copied ? 'Copied' : 'Copy'}
        </button>
        <button type="button" onClick={() => props.dismiss()}>
          I have stored it
        </button>
      </div>
    </div>
  );
}

function CreateToken(props: { held: ApiScope[]; created(token: IssuedToken): void }) {
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState<ApiScope[]>([]);
  const [expiresIn, setExpiresIn] = useState('90d');
  const action = useAction();
  const submit = (e: Event) => {
    e.preventDefault();
    void action.run(async () => {
      props.created(await api.tokens.create({ name, scopes, ...(expiresIn ? { expiresIn } : {}) }));
      setName('');
      setScopes([]);
    });
  };
  return (
    <form class="card" onSubmit={submit} aria-labelledby="create-token-title">
      <h2 id="create-token-title">Create a token</h2>
      <label for="token-name">Name</label>
      <input id="token-name" type="text" required value={name} onInput={(e) => setName(e.currentTarget.value)} placeholder="e.g. CI deploys" />
      <fieldset>
        <legend>Scopes</legend>
        <p class="hint">A token can grant only the scopes it holds itself.</p>
        {apiScopes.map((s) => (
          <label class="inline" key={s}>
            <input
              type="checkbox"
              name="scopes"
              value={s}
              disabled={!props.held.includes(s)}
              checked={scopes.includes(s)}
              onChange={(e) => setScopes(e.currentTarget.checked ? [...scopes, s] : scopes.filter((x) => x !== s))}
            />
            {s}
          </label>
        ))}
      </fieldset>
      <label for="token-expiry">Expires after</label>
      <select id="token-expiry" value={expiresIn} onChange={(e) => setExpiresIn(e.currentTarget.value)}>
        <Options values={expiries} />
      </select>
      <ErrorNotice error={action.error} />
      <div class="actions">
        <button type="submit" class="primary" disabled={action.busy || scopes.length === 0}>
          Create token
        </button>
      </div>
    </form>
  );
}
