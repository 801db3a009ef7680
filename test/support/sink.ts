import http from 'node:http';
import type { AddressInfo } from 'node:net';

interface SinkRequest {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface Sink {
  url: string;
  requests: SinkRequest[];
  /** While set, requests are held open until release() — to catch an activity mid-flight. */
  hold(): void;
  release(): void;
  close(): Promise<void>;
}

/** A local HTTP endpoint standing in for "some URL a recipe posts to"; records every request, answers after `latencyMs`. */
export async function startSink(status = 200, latencyMs = 0): Promise<Sink> {
  const requests: SinkRequest[] = [];
  let held: (() => void)[] | null = null;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      const answer = () => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ ok: true }));
      };
      if (held) held.push(answer);
      else if (latencyMs > 0) setTimeout(answer, latencyMs);
      else answer();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    hold: () => {
      held = [];
    },
    release: () => {
      const waiting = held ?? [];
      held = null;
      for (const answer of waiting) answer();
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
