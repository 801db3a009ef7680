import { ApplicationFailure } from '@temporalio/common';
import { createWebhookDeliveryActivities } from '../../activities/webhook-delivery';
import { guardedWebhookEgress } from '../../src/webhooks-out/guarded-egress';
import { openTestStore, storeBackends, testSecretKey } from '../support/stores';
import { createSecretBox } from '../../src/security/secret-box';
import { describe, expect, it } from 'vitest';
import { toActivityFailure } from '../../activities/failure-mapping';
import { storeCall } from '../../activities/connection-resolver';
import { ConnectorError } from '../../connectors/sdk/errors';
import { FailureType, nonRetryableFailureTypes } from '../../workflows/activity-contract';
import { MemoryConnections } from '../support/memory-connections';

describe('toActivityFailure', () => {
  const map = async (err: unknown, connectionId: string | null = 'c1') => {
    const connections = new MemoryConnections().add({ id: 'c1', connector: 'jira', credentials: {} });
    const failure = (await toActivityFailure(err, { connectionId, connections })) as ApplicationFailure;
    return { failure, connections };
  };

  it('maps the five kinds to the contract types with the right retryability', async () => {
    const cases = [
      ['retryable', FailureType.retryable, false],
      ['rate_limited', FailureType.rateLimited, false],
      ['auth_lost', FailureType.authLost, true],
      ['invalid_input', FailureType.invalidInput, true],
      ['fatal', FailureType.fatal, true],
    ] as const;
    for (const [kind, type, nonRetryable] of cases) {
      const { failure } = await map(new ConnectorError(kind, `boom ${kind}`, { status: 400, field: 'summary' }));
      expect(failure).toBeInstanceOf(ApplicationFailure);
      expect([failure.type, failure.nonRetryable], kind).toEqual([type, nonRetryable]);
      expect(nonRetryableFailureTypes.includes(failure.type as never)).toBe(nonRetryable);
      expect(failure.details?.[0]).toMatchObject({ kind, status: 400, field: 'summary', connectionId: 'c1' });
    }
  });

  it('rate_limited carries the vendor delay as nextRetryDelay', async () => {
    const { failure } = await map(new ConnectorError('rate_limited', 'slow down', { status: 429, retryAfterMs: 2000 }));
    expect(failure.nextRetryDelay).toBe(2000);
    const { failure: noHint } = await map(new ConnectorError('rate_limited', 'slow down', { status: 429 }));
    expect(noHint.nextRetryDelay).toBeUndefined();
  });

  it('auth_lost marks the connection disconnected with the status and message', async () => {
    const { failure, connections } = await map(new ConnectorError('auth_lost', '401 from Jira: token revoked', { status: 401 }));
    expect(connections.disconnects).toEqual([{ id: 'c1', status: 401, message: '401 from Jira: token revoked' }]);
    expect(connections.byId.get('c1')!.status).toBe('disconnected');
    expect(failure.message).toBe('connection c1 is disconnected (401 from Jira: token revoked)');
    const { connections: none } = await map(new ConnectorError('auth_lost', 'x'), null);
    expect(none.disconnects).toEqual([]);
  });

  it('auth_lost whose disconnect the store cannot record is StoreUnavailable (no attempt spent; the next attempt meets the 401 again)', async () => {
    const connections = new MemoryConnections().add({ id: 'c1', connector: 'jira', credentials: {} });
    connections.markDisconnected = () => storeCall('marking connection c1 disconnected', () => Promise.reject(new Error('Connection terminated unexpectedly')));
    const failure = (await toActivityFailure(new ConnectorError('auth_lost', '401 from Jira', { status: 401 }), { connectionId: 'c1', connections, attempt: 2 })) as ApplicationFailure;
    expect(failure).toMatchObject({ type: FailureType.storeUnavailable, nonRetryable: true, message: expect.stringContaining('marking connection c1 disconnected') });
    expect(failure.details?.[0]).toMatchObject({ kind: 'store_unavailable', connectionId: 'c1', attempt: 2 });
  });

  it('unclassified errors become Retryable (bounded by the step\'s attempts); ApplicationFailures pass through', async () => {
    const { failure } = await map(new TypeError('cannot read x of undefined'));
    expect(failure).toMatchObject({ type: FailureType.retryable, nonRetryable: false, message: 'unclassified error: cannot read x of undefined' });
    expect(failure.details?.[0]).toMatchObject({ kind: 'retryable', code: 'unclassified', connectionId: 'c1' });
    const own = ApplicationFailure.nonRetryable('mine', 'Custom');
    expect((await map(own)).failure).toBe(own);
  });

  it('an outgoing-webhook activity whose store fails goes through the table too: Retryable, not an untyped Error', async () => {
    const store = await openTestStore(storeBackends[0].url());
    const activities = createWebhookDeliveryActivities({ db: store.db, secrets: createSecretBox([testSecretKey]), egress: guardedWebhookEgress({ egressAllow: [] }) });
    await store.close();
    const failure = await activities['webhooksOut.listFailed']({ subscriptionId: 'sub_1', since: '2026-01-01T00:00:00Z', until: '2026-01-02T00:00:00Z', limit: 10 }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect(failure).toMatchObject({ type: FailureType.retryable, nonRetryable: false, message: expect.stringMatching(/^unclassified error: /) });
  });
});
