import { gunzipSync } from 'node:zlib';
import { z } from 'zod';
import { ConnectorError } from '../sdk/errors';
import { defineAction } from './auth';

/** A time as unix seconds, or an ISO 8601 string turned into unix seconds. */
const time = z.union([z.number().int().min(0), z.iso.datetime({ offset: true }).transform((s) => Math.floor(Date.parse(s) / 1000))]);

const job = z.object({ job_identifier: z.string().min(1), status: z.string(), download_url: z.string().optional() });

/** What an attempt records (activity heartbeat details), so the next attempt polls the same job. */
const progress = z.object({ jobIdentifier: z.string().min(1) });

const maxCheckDelayMs = 300_000;

/**
 * Intercom's content data export as ONE durable step over several calls:
 * 1. `POST /export/content/data` creates the job (Intercom allows one active job per workspace);
 *    its id is recorded at once with `heartbeat`, so every later attempt — after a retry or a worker
 *    crash — resumes that job instead of creating another (`lastHeartbeat`);
 * 2. `GET /export/content/data/{job}`: not ready → a `rate_limited` failure carrying the delay, so
 *    Temporal schedules the next check durably (`nextRetryDelay`, backing off) and no worker slot
 *    is held while Intercom works;
 * 3. completed → `GET /download/content/data/{job}` (gzipped CSV) is the output; `no_data` is an
 *    empty export; `failed`/`canceled` fail the step.
 */
export const exportConversations = defineAction({
  title: 'Export conversation message data',
  description: "Runs Intercom's content data export for a date range (messages sent, and how recipients engaged), waiting durably for the job, and returns the CSV.",
  input: z
    .object({
      /** Messages sent from (inclusive). */
      createdAfter: time,
      /** Messages sent until (inclusive). */
      createdBefore: time,
      /** The first status check after the job is found not ready; each later one waits twice as long, up to 5 minutes. */
      firstCheckAfterSeconds: z.number().int().min(1).max(300).default(15),
      /** The export is step output (kept in the run's history): larger exports fail instead of bloating it. */
      maxBytes: z.number().int().min(1).max(1_500_000).default(512_000),
    })
    .refine((i) => i.createdBefore > i.createdAfter, { message: 'createdBefore must be after createdAfter', path: ['createdBefore'] }),
  output: z.object({ jobIdentifier: z.string(), status: z.enum(['completed', 'no_data']), csv: z.string(), rows: z.number() }),
  effect: { kind: 'none' },
  timeout: '60s',
  // Each "not ready" is one attempt: enough for hours of exporting at the 5-minute cap.
  retry: { maxAttempts: 60, initialInterval: '5s', backoff: 2, maxInterval: '5m' },
  sample: { jobIdentifier: 'al9w983lwu88w1fd', status: 'completed', csv: 'message_id,conversation_id,user_id,received_at\n1,147,u1,1734519776\n', rows: 1 },
  async run(ctx, i) {
    const resumed = progress.safeParse(ctx.lastHeartbeat);
    let jobIdentifier: string;
    if (resumed.success) {
      jobIdentifier = resumed.data.jobIdentifier;
    } else {
      const created = await ctx.http.request({ method: 'POST', path: '/export/content/data', json: { created_at_after: i.createdAfter, created_at_before: i.createdBefore } });
      jobIdentifier = job.parse(created.body).job_identifier;
    }
    ctx.heartbeat({ jobIdentifier });

    const status = job.parse((await ctx.http.request({ method: 'GET', path: `/export/content/data/${encodeURIComponent(jobIdentifier)}` })).body).status;
    if (status === 'pending' || status === 'in_progress') {
      const delay = Math.min(i.firstCheckAfterSeconds * 1000 * 2 ** Math.max(0, ctx.attempt - 1), maxCheckDelayMs);
      throw new ConnectorError('rate_limited', `Intercom export ${jobIdentifier} is ${status}; checking again in ${Math.round(delay / 1000)} s`, { code: 'export_not_ready', retryAfterMs: delay });
    }
    if (status === 'no_data') return { jobIdentifier, status: 'no_data' as const, csv: '', rows: 0 };
    if (status !== 'completed') throw new ConnectorError('fatal', `Intercom export ${jobIdentifier} ended ${status}`, { code: `export_${status}` });

    const download = await ctx.http.request({ method: 'GET', path: `/download/content/data/${encodeURIComponent(jobIdentifier)}`, headers: { accept: 'application/octet-stream' } });
    const raw = unzipWithin(download.bytes ?? Buffer.from(download.text, 'utf8'), i.maxBytes);
    if (!raw) throw new ConnectorError('fatal', `Intercom export ${jobIdentifier} is over maxBytes (${i.maxBytes}); export a shorter date range`, { code: 'export_too_large', field: 'maxBytes' });
    const csv = raw.toString('utf8');
    const rows = csv.split('\n').filter((line) => line.trim() !== '').length;
    return { jobIdentifier, status: 'completed' as const, csv, rows: Math.max(0, rows - 1) };
  },
});

/** The CSV (gunzipped when Intercom sent gzip), or undefined when it is longer than `limit` bytes. */
function unzipWithin(bytes: Buffer, limit: number): Buffer | undefined {
  if (bytes[0] !== 0x1f || bytes[1] !== 0x8b) return bytes.length > limit ? undefined : bytes;
  try {
    return gunzipSync(bytes, { maxOutputLength: limit });
  } catch (err) {
    if ((err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') return undefined;
    throw new ConnectorError('fatal', `Intercom's export download is not valid gzip: ${(err as Error).message}`, { code: 'export_corrupt' });
  }
}
