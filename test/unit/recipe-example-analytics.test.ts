import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { actionCatalog } from '../../connectors/registry';
import { dryRun } from '../../src/recipe/dry-run';
import { eventFromFixture } from '../../src/recipe/fixture-event';
import { planMatchesEvent } from '../../src/recipe/match';
import { loadRecipes } from '../../src/runtime/recipe-files';
import type { Plan } from '../../workflows/plan';
import { testConnections } from '../support/test-catalog';

const recipesDir = path.resolve(__dirname, '../../recipes');

describe('new-user-to-analytics example', () => {
  const [loaded] = loadRecipes([path.join(recipesDir, 'new-user-to-analytics.json')], actionCatalog, testConnections);
  const plan = (loaded?.result as { plan: Plan }).plan;
  const fixture = () => JSON.parse(readFileSync(path.join(recipesDir, 'fixtures/new-user-to-analytics.event.json'), 'utf8'));

  it('renders one identity for all three tools from the Intercom contact, keyed by its external_id', async () => {
    const result = await dryRun(plan, eventFromFixture(plan, fixture()), { catalog: actionCatalog });
    expect(result.summary.status).toBe('succeeded');
    const { amplitude, mixpanel, signUp } = result.summary.steps;
    expect(amplitude?.input).toEqual({ userId: 'u-3107', userProperties: { email: 'grace.hopper@example.com', name: 'Grace Hopper', plan: 'team', intercom_contact_id: '6762f0b61bb69f9f2193bc01' } });
    expect(mixpanel?.input).toEqual({ distinctId: 'u-3107', set: { $email: 'grace.hopper@example.com', $name: 'Grace Hopper', plan: 'team', intercom_contact_id: '6762f0b61bb69f9f2193bc01' } });
    expect(signUp?.input).toEqual({ userId: 'u-3107', events: [{ name: 'sign_up', params: { method: 'intercom', plan: 'team' } }] });
  });

  it('a contact without an external_id (a user known only to Intercom) starts no run', () => {
    const payload = fixture();
    payload.data.item.external_id = null;
    expect(planMatchesEvent(plan, eventFromFixture(plan, payload))).toBe(false);
  });
});
