import type { IncomingMessage } from 'node:http';
import { HttpError } from './errors';

/**
 * Reads the raw body up to `limit` bytes. Over the limit — declared by Content-Length or reached
 * while streaming — it rejects at once with a 413 that closes the connection, instead of reading
 * (even discarding) the rest as body-parser does.
 */
export function readBodyWithin(req: IncomingMessage, limit: number): Promise<Buffer> {
  const tooLarge = () => new HttpError(413, 'payload_too_large', `request body is larger than the limit of ${limit} bytes`, { limit }, { Connection: 'close' });
  const declared = req.headers['content-length'];
  if (declared !== undefined && Number(declared) > limit) return Promise.reject(tooLarge());
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    // The error listener stays: a request stream erroring later must not find none (that would throw).
    const stop = () => {
      req.removeListener('data', onData);
      req.removeListener('end', onEnd);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) return void chunks.push(chunk);
      stop();
      req.pause();
      reject(tooLarge());
    };
    const onEnd = () => {
      stop();
      resolve(Buffer.concat(chunks, size));
    };
    const onError = (err: Error) => {
      stop();
      reject(err);
    };
    req.on('data', onData);
    req.once('end', onEnd);
    req.once('error', onError);
  });
}
