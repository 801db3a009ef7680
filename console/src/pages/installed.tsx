import { api } from '../api/endpoints';
import type { Connection } from '../api/types';
import { Table } from '../components/table';
import { ErrorNotice, PageHeader, StatusBadge, useLoad, When } from '../components/ui';
import { Link } from '../router';

interface Row {
  connection: Connection;
  lastUsed: string | null | undefined;
}

/** Last call through a connection, from its activity (runs); undefined when the server cannot say. */
async function lastUsed(id: string): Promise<string | null | undefined> {
  try {
    const { entries } = await api.connections.activity(id, 1);
    return entries[0]?.startedAt ?? null;
  } catch {
    return undefined;
  }
}

/** Every installed connection: status and why, account label, last used, runs waiting on it. */
export function InstalledPage() {
  const rows = useLoad(async (): Promise<Row[]> => {
    const { connections } = await api.connections.list();
    return Promise.all(
      connections.map(async (c) => {
        const [detail, used] = await Promise.all([api.connections.get(c.id).catch(() => c), lastUsed(c.id)]);
        return { connection: detail, lastUsed: used };
      }),
    );
  }, []);
  return (
    <>
      <PageHeader title="Installed apps">
        <Link href="/apps/store">Install an app</Link>
      </PageHeader>
      <ErrorNotice error={rows.error} />
      {rows.data ? (
        <Table
          empty={
            <>
              Nothing installed yet. <Link href="/apps/store">Browse the App Store</Link>.
            </>
          }
          caption="Installed connections"
          columns={['Connection', 'App', 'Status', 'Last used', 'Runs waiting']}
          rows={rows.data}
          rowKey={(r) => r.connection.id}
          rowTestId={(r) => `connection-${r.connection.id}`}
        >
          {({ connection: c, lastUsed: used }) => (
            <>
              <td>
                <Link href={`/apps/${encodeURIComponent(c.id)}`}>{c.name}</Link>
                <div class="muted">
                  <code>{c.id}</code>
                </div>
              </td>
              <td>{c.connector}</td>
              <td>
                <StatusBadge status={c.status} />
                {c.statusReason ? <div class="muted">{c.statusReason}</div> : null}
              </td>
              <td>{used === undefined ? <span class="muted">unknown</span> : <When at={used} />}</td>
              <td>{c.waitingRuns ?? <span class="muted">unknown</span>}</td>
            </>
          )}
        </Table>
      ) : null}
    </>
  );
}
