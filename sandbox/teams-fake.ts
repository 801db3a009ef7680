import { FakeServer, type FakeRequest, type FakeResponse } from './fake-server';

/**
 * Teams incoming webhooks (vendor-apis.md §2), both flavours: the legacy O365 connector (200 `1`,
 * 400 text "Summary or Text is required.", throttling as a 200 whose body reports a 429) and
 * Workflows (sig= query parameter, 202 Accepted, adaptive-card envelope).
 */
export class TeamsFake extends FakeServer {
  readonly legacyPath = '/webhookb2/team-1@tenant/IncomingWebhook/abc123/guid-1';
  readonly workflowPath = '/workflows/wf1/triggers/manual/paths/invoke';
  readonly sig = 'sigABC123';
  readonly posted: unknown[] = [];

  constructor() {
    super({
      failures: {
        serverError: () => ({ status: 500, text: 'Internal Server Error' }),
        rateLimited: () => ({ status: 200, text: 'Microsoft Teams endpoint returned HTTP error 429 with ContextId tcid=0,server=msgapi-production-eus-azsc2-4-170,cv=deadbeef.0..' }),
        unauthorized: () => ({ status: 401, json: { error: { code: 'DirectApiAuthorizationRequired', message: 'The request must be authenticated only by Shared Access scheme.' } } }),
      },
    });
    this.route('POST', this.legacyPath, (req) => this.legacy(req));
    this.route('POST', this.workflowPath, (req) => this.workflow(req));
  }

  private legacy(req: FakeRequest): FakeResponse {
    const b = req.body as Record<string, unknown> | undefined;
    if (!b || typeof b !== 'object') return { status: 400, text: 'Bad payload received by generic incoming webhook.' };
    if (typeof b.text !== 'string' && typeof b.summary !== 'string') return { status: 400, text: 'Summary or Text is required.' };
    this.posted.push(b);
    return { status: 200, text: '1' };
  }

  private workflow(req: FakeRequest): FakeResponse {
    if (req.query.get('sig') !== this.sig) {
      return { status: 401, json: { error: { code: 'DirectApiAuthorizationRequired', message: 'The request must be authenticated only by Shared Access scheme.' } } };
    }
    const b = req.body as { type?: unknown; attachments?: unknown } | undefined;
    if (!b || typeof b !== 'object' || !Array.isArray(b.attachments)) {
      return { status: 400, json: { error: { code: 'InvalidRequestContent', message: "The input body for trigger 'manual' of type 'Request' must be of type JSON, and contain 'attachments'." } } };
    }
    this.posted.push(b);
    return { status: 202, text: '' };
  }
}
