import { randomBytes } from 'node:crypto';

/** A `multipart/related` body: JSON metadata, then the media (Drive's `uploadType=multipart`). */
export function multipartRelated(metadata: unknown, media: Buffer, mediaType: string): { body: Buffer; contentType: string } {
  const boundary = `switchyard-${randomBytes(12).toString('hex')}`;
  const body = Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Type: application/json; charset=UTF-8\r\n\r\n${JSON.stringify(metadata)}\r\n--${boundary}\r\nContent-Type: ${mediaType}\r\n\r\n`),
    media,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return { body, contentType: `multipart/related; boundary=${boundary}` };
}
