/** What a verifier sees of an inbound delivery (kept below types.ts so the verifiers need nothing above them). */
export interface WebhookRequest {
  rawBody: Buffer;
  headers: Record<string, string | string[] | undefined>;
  /** Path segment after /hooks/<connection id>, e.g. the generic source's token. */
  pathToken?: string;
  /** Query parameters of the hook URL (a GET handshake carries its challenge there). */
  query?: Readonly<Record<string, string>>;
  /** The HTTP method, for schemes that sign it (HubSpot v3). */
  method?: string;
  /** The URL the sender called as it saw it (PUBLIC_URL, else the Host it used, + path and query), for schemes that sign it (HubSpot v3). */
  url?: string;
}

/** A failure names the header (or path part) that was wrong, so the 401 body can point at it. */
export type VerifyResult = { ok: true } | { ok: false; reason: string; header?: string };
