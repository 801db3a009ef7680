/** What a signature scheme checks: the delivery's raw bytes, headers and path token. */
export interface WebhookRequest {
  rawBody: Buffer;
  headers: Record<string, string | string[] | undefined>;
  /** Path segment after /hooks/<connection id>, e.g. the generic source's token. */
  pathToken?: string;
}

/** A failure names the header (or path part) that was wrong, so the 401 body can point at it. */
export type VerifyResult = { ok: true } | { ok: false; reason: string; header?: string };
