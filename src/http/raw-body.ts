import type { NextFunction, Request, Response } from 'express';
import { HttpError } from './errors';

/**
 * Reads the raw body into `req.body` (a Buffer) up to `limit` bytes. Over the limit — declared by
 * Content-Length or reached while streaming — it answers 413 at once and closes the connection,
 * instead of reading (even discarding) the rest as body-parser does.
 */
export function rawBodyWithin(limit: number) {
  return (req: Request, res: Response, next: NextFunction) => {
    const tooLarge = () => {
      res.setHeader('Connection', 'close');
      next(new HttpError(413, 'payload_too_large', `request body is larger than the limit of ${limit} bytes`, { limit }));
    };
    const declared = req.headers['content-length'];
    if (declared !== undefined && Number(declared) > limit) return tooLarge();
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (err?: Error) => {
      if (done) return;
      done = true;
      req.removeListener('data', onData);
      if (err) return next(err);
      req.body = Buffer.concat(chunks, size);
      next();
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) return void chunks.push(chunk);
      done = true;
      req.removeListener('data', onData);
      req.pause();
      tooLarge();
    };
    req.on('data', onData);
    req.once('end', () => finish());
    req.once('error', (err) => finish(err));
  };
}
