import http from 'node:http';
import type { AddressInfo } from 'node:net';

interface Arrival {
  /** Path of the request (one per recipe step, e.g. /first). */
  path: string;
  /** The engine's Idempotency-Key header: `<workflow id>/<step id>`. */
  key: string;
  arrivedAt: number;
  /** `sentAt` from the JSON body, when the recipe put the webhook's send time there. */
  sentAt?: number;
}

export interface BenchSink {
  url: string;
  arrivals: Arrival[];
  /** How often each idempotency key arrived (a value above 1 is a duplicated action). */
  seen: Map<string, number>;
  countPath(path: string): number;
  reset(): void;
  close(): Promise<void>;
}

/** A fast vendor: answers every POST 200 `{ok:true}` (after `latencyMs`, if given) and records arrivals. */
export async function startBenchSink(latencyMs = 0): Promise<BenchSink> {
  let arrivals: Arrival[] = [];
  let seen = new Map<string, number>();
  let perPath = new Map<string, number>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const arrivedAt = Date.now();
      const path = (req.url ?? '').split('?')[0]!;
      const key = String(req.headers['idempotency-key'] ?? '');
      let sentAt: number | undefined;
      try {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { sentAt?: unknown };
        if (typeof body?.sentAt === 'number') sentAt = body.sentAt;
      } catch {
        // not JSON: recorded without a send time
      }
      arrivals.push({ path, key, arrivedAt, sentAt });
      seen.set(key, (seen.get(key) ?? 0) + 1);
      perPath.set(path, (perPath.get(path) ?? 0) + 1);
      const answer = () => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"ok":true}');
      };
      if (latencyMs > 0) setTimeout(answer, latencyMs);
      else answer();
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const sink: BenchSink = {
    url: `http://127.0.0.1:${port}`,
    get arrivals() {
      return arrivals;
    },
    get seen() {
      return seen;
    },
    countPath: (p) => perPath.get(p) ?? 0,
    reset() {
      arrivals = [];
      seen = new Map();
      perPath = new Map();
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return sink;
}

/** Keys seen more than once: each is an action the engine performed twice. */
