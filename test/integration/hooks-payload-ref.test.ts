import { execFile } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { WorkflowFailedError } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startTestEngine, type TestEngine } from '../support/engine';
import { applyRecipe } from '../support/hooks';
import { startSink, type Sink } from '../support/sink';
import { waitFor, runResult } from '../support/temporal';

const run = promisify(execFile);

/** Sizes (bytes of JSON) of every payload in a raw history as the CLI shows it, by event. */
async function historyPayloadSizes(workflowId: string): Promise<{ eventType: string; bytes: number }[]> {
  const { stdout } = await run(inject('temporalCliPath'), ['workflow', 'show', '--workflow-id', workflowId, '--output', 'json', '--address', inject('temporalAddress')], { maxBuffer: 64 * 1024 * 1024 });
  const history = JSON.parse(stdout) as { events: Record<string, unknown>[] };
  expect(history.events.length).toBeGreaterThan(0);
  return history.events.map((e) => ({ eventType: String(e.eventType), bytes: Buffer.byteLength(JSON.stringify(e)) }));
}

/**
 * A 600 KB webhook: the ingress seals it into the store, the run carries only a reference, and
 * `switchyard.loadTriggerPayload` brings in just the fields the recipe templates — no history
 * event comes near 256 KB. A recipe that reads the big field itself fails with a clear error.
 */
describe('large inbound payloads by reference', () => {
  const token = `tok_${randomBytes(16).toString('hex')}`;
  const admin = `sy_admin_${randomBytes(24).toString('hex')}`;
  const maxBodyBytes = 900_000;
  const id = randomUUID().slice(0, 8);
  let engine: TestEngine;
  let sink: Sink;

  beforeAll(async () => {
    sink = await startSink();
    engine = await startTestEngine('payload-ref', { SWITCHYARD_ADMIN_TOKEN: admin, SWITCHYARD_WEBHOOK_MAX_BYTES: String(maxBodyBytes) }, async (store) => {
      await store.connections.create({ id: 'big-in', connector: 'webhook', name: 'Big sender', credentials: { token } });
      await applyRecipe(
        store,
        {
          id: `subject-${id}`,
          name: 'Template one field of a big event',
          trigger: { type: 'webhook', connection: 'big-in', event: 'ticket.big' },
          when: { '==': [{ var: 'trigger.data.item.kind' }, 'bug'] },
          steps: [{ id: 'post', action: 'webhook.post', input: { url: `${sink.url}/subject`, body: { subject: '{{ trigger.data.item.subject }}', n: '{{ trigger.data.item.attachments | size }}' } } }],
        },
        { 'big-in': 'webhook' },
      );
      await applyRecipe(
        store,
        {
          id: `blob-${id}`,
          name: 'Reads the big field itself',
          trigger: { type: 'webhook', connection: 'big-in', event: 'ticket.big' },
          steps: [{ id: 'post', action: 'webhook.post', input: { url: `${sink.url}/blob`, body: { blob: '{{ trigger.data.item.blob }}' } } }],
        },
        { 'big-in': 'webhook' },
      );
      await applyRecipe(
        store,
        {
          id: `event-${id}`,
          name: 'Template one field of a big posted event',
          trigger: { type: 'event', event: `order.big.${id}` },
          steps: [{ id: 'post', action: 'webhook.post', input: { url: `${sink.url}/event`, body: { subject: '{{ trigger.subject }}', n: '{{ trigger.lines | size }}' } } }],
        },
        {},
      );
    });
  });
  afterAll(async () => {
    await engine?.stop();
    await sink?.close();
  });

  it('runs a recipe on a 600 KB webhook with no history event over 256 KB, sealed at rest and pruned with the dedupe', { timeout: 90_000 }, async () => {
    const subject = `Printer on fire ${randomUUID()}`;
    const payload = { id: `evt_${randomUUID()}`, topic: 'ticket.big', data: { item: { kind: 'bug', subject, attachments: [1, 2, 3], blob: 'x'.repeat(600 * 1024) } } };
    const body = JSON.stringify(payload);
    expect(body.length).toBeGreaterThan(600 * 1024);
    const res = await fetch(`${engine.api.url}/hooks/big-in/${token}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(res.status).toBe(202);
    const ack = (await res.json()) as { runs: { recipe: string; runId: string }[] };
    const runOf = (recipe: string) => ack.runs.find((r) => r.recipe === recipe)!.runId;

    const ok = (await runResult<{ status: string }>(engine.client, runOf(`subject-${id}`)));
    expect(ok.status).toBe('succeeded');
    const posted = sink.requests.filter((r) => r.url === '/subject');
    expect(posted).toHaveLength(1);
    expect(JSON.parse(posted[0]!.body)).toEqual({ subject, n: 3 });

    const failed = await runResult(engine.client, runOf(`blob-${id}`)).catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(WorkflowFailedError);
    expect((failed as WorkflowFailedError).cause?.message).toMatch(/trigger fields this recipe reads \(trigger\.data\.item\.blob\) are \d+ KB, more than the 192 KB/);
    expect(sink.requests.filter((r) => r.url === '/blob')).toHaveLength(0);

    for (const recipe of [`subject-${id}`, `blob-${id}`]) {
      const sizes = await historyPayloadSizes(runOf(recipe));
      const largest = Math.max(...sizes.map((s) => s.bytes));
      expect(largest, `${recipe}: ${JSON.stringify(sizes)}`).toBeLessThan(256 * 1024);
      // The whole input is far smaller than the payload: it carries a reference.
      expect(sizes.find((s) => s.eventType.includes('WORKFLOW_EXECUTION_STARTED'))!.bytes).toBeLessThan(64 * 1024);
    }

    // Stored sealed: neither the subject nor the padding is readable in the row.
    const rows = await engine.store.db.selectFrom('trigger_payloads' as never).selectAll().execute();
    const row = (rows as { ciphertext: string; size_bytes: number }[]).find((r) => r.size_bytes === body.length);
    expect(row).toBeDefined();
    expect(row!.ciphertext).not.toContain('Printer on fire');
    expect(Buffer.from(row!.ciphertext, 'base64').toString('latin1')).not.toContain(subject);
    // Kept as long as the delivery dedupe, then pruned.
    expect(await engine.store.payloads.prune(new Date())).toBe(0);
    expect(await engine.store.payloads.prune(new Date(Date.now() + 8 * 24 * 3600 * 1000))).toBeGreaterThanOrEqual(1);
  });

  it('treats a 600 KB event posted to /api/v1/events the same way: by reference, no history event over 256 KB', { timeout: 90_000 }, async () => {
    const subject = `Order stuck ${randomUUID()}`;
    const body = JSON.stringify({ topic: `order.big.${id}`, id: `ord_${randomUUID()}`, data: { subject, lines: [1, 2], blob: 'y'.repeat(600 * 1024) } });
    const res = await fetch(`${engine.api.url}/api/v1/events`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${admin}` }, body });
    expect(res.status).toBe(202);
    const ack = (await res.json()) as { runs: { recipe: string; runId: string }[] };
    expect(ack.runs.map((r) => r.recipe)).toEqual([`event-${id}`]);
    const runId = ack.runs[0]!.runId;
    expect(((await runResult<{ status: string }>(engine.client, runId))).status).toBe('succeeded');
    const posted = sink.requests.filter((r) => r.url === '/event');
    expect(posted).toHaveLength(1);
    expect(JSON.parse(posted[0]!.body)).toEqual({ subject, n: 2 });

    const sizes = await historyPayloadSizes(runId);
    expect(Math.max(...sizes.map((s) => s.bytes)), JSON.stringify(sizes)).toBeLessThan(256 * 1024);
    expect(sizes.find((s) => s.eventType.includes('WORKFLOW_EXECUTION_STARTED'))!.bytes).toBeLessThan(64 * 1024);
    const rows = (await engine.store.db.selectFrom('trigger_payloads' as never).selectAll().execute()) as { source: string; ciphertext: string }[];
    const row = rows.find((r) => r.source === 'api');
    expect(row).toBeDefined();
    expect(Buffer.from(row!.ciphertext, 'base64').toString('latin1')).not.toContain(subject);
  });

  it('answers an event body over SWITCHYARD_WEBHOOK_MAX_BYTES with a 413 JSON error, declared or chunked', async () => {
    const body = JSON.stringify({ topic: `order.big.${id}`, data: { blob: 'z'.repeat(maxBodyBytes) } });
    const headers = { 'content-type': 'application/json', authorization: `Bearer ${admin}` };
    const declared = await fetch(`${engine.api.url}/api/v1/events`, { method: 'POST', headers, body });
    expect(declared.status).toBe(413);
    expect(await declared.json()).toEqual({ error: { code: 'payload_too_large', message: `request body is larger than the limit of ${maxBodyBytes} bytes`, details: { limit: maxBodyBytes } } });
    // Without a Content-Length the limit is found while reading.
    const chunked = await fetch(`${engine.api.url}/api/v1/events`, {
      method: 'POST',
      headers,
      body: new ReadableStream({ start: (c) => (c.enqueue(new TextEncoder().encode(body)), c.close()) }),
      duplex: 'half',
    });
    expect(chunked.status).toBe(413);
    expect(((await chunked.json()) as { error: { code: string } }).error.code).toBe('payload_too_large');
    expect(sink.requests.filter((r) => r.url === '/event')).toHaveLength(1);
  });

  it('publishes a posted event to outgoing-webhook subscribers like a webhook event, once per event id', { timeout: 60_000 }, async () => {
    const headers = { 'content-type': 'application/json', authorization: `Bearer ${admin}` };
    const topic = `order.published.${id}`;
    const created = await fetch(`${engine.api.url}/api/v1/webhooks`, { method: 'POST', headers, body: JSON.stringify({ url: `${sink.url}/subscriber`, topics: ['order.published.*'] }) });
    expect(created.status).toBe(201);
    const event = JSON.stringify({ topic, id: `ord_${randomUUID()}`, data: { order: 7 } });
    for (let i = 0; i < 2; i++) expect((await fetch(`${engine.api.url}/api/v1/events`, { method: 'POST', headers, body: event })).status).toBe(200);
    await waitFor(async () => sink.requests.some((r) => r.url === '/subscriber'), 'the subscriber receives the posted event', 30_000);
    const delivered = sink.requests.filter((r) => r.url === '/subscriber').map((r) => JSON.parse(r.body) as { topic: string; data: { item: unknown } });
    expect(delivered).toEqual([expect.objectContaining({ type: 'notification_event', topic, data: { item: { order: 7 } } })]);
  });

  it('keeps small payloads inline', async () => {
    const payload = { id: `evt_${randomUUID()}`, topic: 'ticket.big', data: { item: { kind: 'bug', subject: 'small', attachments: [], blob: 'tiny' } } };
    const res = await fetch(`${engine.api.url}/hooks/big-in/${token}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(payload) });
    const ack = (await res.json()) as { runs: { recipe: string; runId: string }[] };
    const runId = ack.runs.find((r) => r.recipe === `blob-${id}`)!.runId;
    await runResult(engine.client, runId);
    const handle = engine.client.workflow.getHandle(runId);
    const history = await handle.fetchHistory();
    // Activities run as tasks or, when short and safe to repeat, as local activities (a marker naming its type).
    const types = (history.events ?? [])
      .map((e) => {
        const localData = e.markerRecordedEventAttributes?.details?.data?.payloads?.[0]?.data;
        if (localData) return (JSON.parse(Buffer.from(localData).toString('utf8')) as { activity_type?: string }).activity_type;
        return e.activityTaskScheduledEventAttributes?.activityType?.name;
      })
      .filter(Boolean);
    expect(types).toEqual(['webhook.post']);
  });
});
