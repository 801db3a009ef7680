import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IntercomFake } from '../../sandbox/intercom-fake';
import { LinearFake } from '../../sandbox/linear-fake';
import type { TestEngine } from '../support/engine';
import { recipesDir } from '../support/example-recipes';
import { resultOfOnlyRun, startRecipeScenario } from '../support/recipe-scenario';
import { postIntercomWebhook } from '../support/intercom-webhooks';

const fixture = (name: string) => JSON.parse(readFileSync(path.join(recipesDir, 'fixtures', `${name}.event.json`), 'utf8')) as Record<string, unknown>;

/**
 * The Linear and GitHub example recipes end to end on the real dev server, the connectors against
 * their fakes: signed deliveries → ingress → runRecipe → Linear / Intercom calls.
 */
describe('bug-to-linear and github-closed-to-intercom through ingress, with vendor fakes', () => {
  const intercomSecret = randomBytes(16).toString('hex');
  const githubSecret = randomBytes(20).toString('hex');
  const intercom = new IntercomFake();
  const linear = new LinearFake();
  let engine: TestEngine;

  beforeAll(async () => {
    engine = await startRecipeScenario('e2e-support', { intercom: { fake: intercom, clientSecret: intercomSecret }, linear, github: { webhookSecret: githubSecret } }, ['bug-to-linear', 'github-closed-to-intercom']);
  });
  afterAll(() => engine?.stop());

  const runResult = (res: Response) => resultOfOnlyRun(engine, res);

  it('a conversation tagged bug opens exactly one Linear issue and notes its key on the conversation', async () => {
    const body = JSON.stringify({ ...fixture('bug-to-linear'), id: `notif_${randomUUID()}` });
    expect((await runResult(await postIntercomWebhook(engine.api.url, 'intercom-main', body, intercomSecret))).status).toBe('succeeded');

    expect(linear.issues).toHaveLength(1);
    expect(linear.issues[0]).toMatchObject({ identifier: 'SUP-1', title: 'Export to CSV crashes the dashboard', priority: 2, teamId: '9cfb482a-81e3-4154-b5b9-2c805e70a02d' });
    const [create] = linear.received('POST', '/graphql');
    // The client id is derived from the run's idempotency key: a retry would propose the same one.
    expect((create!.body as { variables: { input: { id: string } } }).variables.input.id).toBe(linear.issues[0]!.id);
    expect(intercom.conversationParts.get('149')).toEqual([
      expect.objectContaining({ part_type: 'note', body: '<p>Linear issue SUP-1: https://linear.app/acme/issue/SUP-1</p>', author: { type: 'admin', id: '991267' } }),
    ]);
  });

  it('a closed GitHub issue notes each intercom-<id> conversation it is labelled with, and no other', async () => {
    intercom.conversationParts.clear();
    const body = JSON.stringify(fixture('github-closed-to-intercom'));
    const res = await fetch(`${engine.api.url}/hooks/github-main`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-github-event': 'issues',
        'x-github-delivery': randomUUID(),
        'x-hub-signature-256': `sha256=${createHmac('sha256', githubSecret).update(body).digest('hex')}`,
      },
      body,
    });
    expect((await runResult(res)).status).toBe('succeeded');
    expect([...intercom.conversationParts.keys()].sort()).toEqual(['149', '152']);
    expect(intercom.conversationParts.get('152')).toEqual([
      expect.objectContaining({ part_type: 'note', body: '<p>GitHub issue #1347 (Export to CSV crashes the dashboard) was closed by octocat: https://github.com/acme/app/issues/1347</p>' }),
    ]);
  });
});
