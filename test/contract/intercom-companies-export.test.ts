import { expect, it } from 'vitest';
import { IntercomFake } from '../../sandbox/intercom-fake';
import { describeConnectorContract, type ContractContext } from '../support/connector-contract';
import { intercomCases } from '../support/intercom-cases';

const step = (input: unknown, stepId = 'company') => ({ stepId, connectionId: 'intercom-main', input });
type Ctx = ContractContext<IntercomFake>;

const contactId = '6657a1b2c3d4e5f6a7b8c9d0';
const companyIntercomId = '6762f0761bb69f9f2193bae2';
const exportRange = { createdAfter: 1734519776, createdBefore: 1734537776, firstCheckAfterSeconds: 1 };

const { rateLimited, authLost, planRestricted } = intercomCases;

describeConnectorContract({
  connector: 'intercom',
  title: 'intercom notes, companies and the durable content export against the fake',
  fake: () => new IntercomFake(),
  resetFake: (fake) => {
    fake.revoked.clear();
    fake.contacts.length = 0;
    fake.companies.length = 0;
    fake.contactCompanies.clear();
    fake.exportJobs.length = 0;
    fake.conversationParts.clear();
    fake.exportChecksBeforeReady = 0;
    fake.exportOutcome = 'completed';
    fake.contacts.push({ type: 'contact', id: contactId, workspace_id: 'a86dr8yl', role: 'user', email: 'ada@example.com', external_id: null, name: 'Ada', created_at: 1, updated_at: 1 });
    fake.companies.push({ type: 'company', id: companyIntercomId, company_id: 'acme-42', name: 'Acme Ltd', created_at: 1, updated_at: 1, user_count: 0, custom_attributes: {} });
  },
  connections: (fake) => [{ id: 'intercom-main', connector: 'intercom', credentials: { accessToken: 'intercom-token' }, baseUrl: fake.url }],
  actions: {
    'intercom.createOrUpdateCompany': {
      call: step({ companyId: 'globex-7', name: 'Globex' }),
      endpoint: ['POST', '/companies'],
      happyPath: {
        how: 'POST /companies with snake_case fields; Intercom upserts by company_id',
        call: step({ companyId: 'globex-7', name: 'Globex', plan: 'Enterprise', monthlySpend: 155.5, customAttributes: { tier: 'gold' } }),
        result: { companyId: 'globex-7', name: 'Globex', userCount: 0, id: expect.stringMatching(/^[0-9a-f]{24}$/) },
        request(req) {
          expect(req.headers.authorization).toBe('Bearer intercom-token');
          expect(req.headers['intercom-version']).toBe('2.14');
          expect(req.body).toEqual({ company_id: 'globex-7', name: 'Globex', plan: 'Enterprise', monthly_spend: 155.5, custom_attributes: { tier: 'gold' } });
        },
      },
      retryable: { how: 'a 500' },
      rateLimited,
      authLost,
      invalidInput: {
        how: 'a custom attribute the workspace does not define: 400 names custom_attributes',
        call: step({ companyId: 'globex-7', customAttributes: { colour: 'red' } }),
        message: "400 from Intercom: Custom attribute 'colour' does not exist (field custom_attributes)",
        details: [{ field: 'custom_attributes', code: 'parameter_invalid' }],
      },
      fatal: planRestricted,
    },
    'intercom.attachContactToCompany': {
      call: step({ contactId, company: companyIntercomId }, 'attach'),
      endpoint: ['POST', `/contacts/${contactId}/companies`],
      happyPath: {
        how: 'POST /contacts/{id}/companies with the company’s Intercom id',
        result: { id: companyIntercomId, companyId: 'acme-42', userCount: 1 },
        request(req, { fake }) {
          expect(req.body).toEqual({ id: companyIntercomId });
          expect([...fake.contactCompanies.get(contactId)!]).toEqual([companyIntercomId]);
        },
      },
      retryable: { how: 'a 500' },
      rateLimited,
      authLost,
      invalidInput: { how: 'our schema needs the company id, before any request', call: step({ contactId, company: '' }, 'attach'), message: /input\.company/, requests: 0 },
      fatal: { how: '404 company_not_found', call: step({ contactId, company: 'nope' }, 'attach'), message: '404 from Intercom: Company Not Found' },
    },
    'intercom.replyToConversation': {
      call: step({ conversationId: '147', adminId: '991267', body: 'Linear issue SUP-8' }, 'note'),
      endpoint: ['POST', '/conversations/147/reply'],
      happyPath: {
        how: 'an admin note: message_type note, type admin, admin_id as a string',
        result: { conversationId: '147', partId: '9001', state: 'open' },
        request(req, { fake }) {
          expect(req.body).toEqual({ message_type: 'note', type: 'admin', admin_id: '991267', body: 'Linear issue SUP-8' });
          expect(fake.conversationParts.get('147')).toEqual([expect.objectContaining({ part_type: 'note', body: '<p>Linear issue SUP-8</p>' })]);
        },
      },
      retryable: { how: 'a 500' },
      rateLimited,
      authLost,
      invalidInput: {
        how: 'an admin_id that is not an admin of the workspace: 400 names admin_id',
        call: step({ conversationId: '147', adminId: 42, body: 'x' }, 'note'),
        message: '400 from Intercom: admin_id must be the id of an admin of this workspace',
        details: [{ field: 'admin_id' }],
      },
      fatal: planRestricted,
    },
    'intercom.exportConversations': {
      call: step(exportRange, 'export'),
      endpoint: ['POST', '/export/content/data'],
      happyPath: {
        how: 'create the job, see it completed, download the gzipped CSV (Accept: application/octet-stream)',
        result: { status: 'completed', rows: 2, csv: expect.stringMatching(/^message_id,conversation_id/), jobIdentifier: expect.any(String) },
        request(req, { fake }) {
          expect(req.body).toEqual({ created_at_after: 1734519776, created_at_before: 1734537776 });
          const job = fake.exportJobs[0]!.job_identifier;
          expect(fake.received('GET', `/export/content/data/${job}`)).toHaveLength(1);
          const [download] = fake.received('GET', `/download/content/data/${job}`);
          expect(download!.headers.accept).toBe('application/octet-stream');
        },
      },
      retryable: { how: 'a 500 creating the job' },
      rateLimited,
      authLost,
      invalidInput: [
        { how: 'an empty range is refused by our schema', call: step({ createdAfter: 1734537776, createdBefore: 1734519776 }, 'export'), message: /input\.createdBefore/, requests: 0 },
        { how: 'ISO times are accepted and sent as unix seconds; a bad one is named', call: step({ createdAfter: 'last week', createdBefore: 1734519776 }, 'export'), message: /input\.createdAfter/, requests: 0 },
      ],
      fatal: { how: 'the job ends failed', arrange: ({ fake }: Ctx) => (fake.exportOutcome = 'failed'), message: /Intercom export \w+ ended failed/ },
    },
  },
  specific: (ctx) => {
    it('waits durably: each "not ready" is a retry with a growing delay that resumes the SAME job (one job created)', async () => {
      ctx.fake.exportChecksBeforeReady = 2;
      const res = await ctx.call('intercom.exportConversations', step(exportRange, 'export'), { maxAttempts: 5 });
      expect(res).toMatchObject({ ok: true, result: { status: 'completed', rows: 2 } });
      expect(ctx.fake.exportJobs).toHaveLength(1);
      expect(ctx.fake.received('POST', '/export/content/data')).toHaveLength(1);
      const checks = ctx.fake.received('GET', '/export/content/data/*');
      expect(checks).toHaveLength(3);
      // firstCheckAfterSeconds 1: the second check ≥ 1 s after the first, the third ≥ 2 s after the second.
      expect(checks[1]!.at - checks[0]!.at).toBeGreaterThanOrEqual(1000);
      expect(checks[2]!.at - checks[1]!.at).toBeGreaterThanOrEqual(2000);
    });

    it('a "not ready" attempt is RateLimited with the backoff as nextRetryDelay, and holds no worker slot while waiting', async () => {
      ctx.fake.exportChecksBeforeReady = 5;
      const res = await ctx.call('intercom.exportConversations', step(exportRange, 'export'), { maxAttempts: 1 });
      expect(res).toMatchObject({ ok: false, type: 'RateLimited', nonRetryable: false, message: expect.stringMatching(/is in_progress; checking again in 1 s/), nextRetryDelayMs: 1000 });
    });

    it('no_data is an empty export, not a failure', async () => {
      ctx.fake.exportOutcome = 'no_data';
      expect(await ctx.call('intercom.exportConversations', step(exportRange, 'export'))).toMatchObject({ ok: true, result: { status: 'no_data', csv: '', rows: 0 } });
    });

    it('an export over maxBytes fails fatally naming maxBytes instead of bloating the history', async () => {
      const res = await ctx.call('intercom.exportConversations', step({ ...exportRange, maxBytes: 10 }, 'export'));
      expect(res).toMatchObject({ ok: false, type: 'Fatal', message: expect.stringContaining('over maxBytes (10)') });
    });

    it('createOrUpdateCompany twice with one company_id updates the same company', async () => {
      await ctx.call('intercom.createOrUpdateCompany', step({ companyId: 'acme-42', name: 'Acme Limited' }));
      expect(ctx.fake.companies).toHaveLength(1);
      expect(ctx.fake.companies[0]!.name).toBe('Acme Limited');
    });
  },
});
