import { randomBytes } from 'node:crypto';
import { actionCatalog } from '../../connectors/registry';
import { compileRecipe } from '../../src/recipe/compile';
import type { Store } from '../../src/store/store';
import type { Plan } from '../../workflows/plan';
import { benchTopic, intercomConnectionId } from './intercom';
import type { Stack } from './stack';

export const e2eRecipeId = 'bench-e2e';

/**
 * The 3-step recipe: a condition (top-level `when` on the conversation's priority) and two
 * actions posting to the sink; the second is conditional on the first's answer. Bodies are
 * templates; `sentAt` keeps its number type so the sink can compute webhook-to-action latency.
 * With `calls: 1`, only the first action (the shape of webhook → IF → one HTTP call).
 */
export function e2eRecipe(sinkUrl: string, id = e2eRecipeId, calls: 1 | 2 = 2) {
  const recipe = {
    id,
    name: `Bench: condition + ${calls} action${calls === 1 ? '' : 's'}`,
    trigger: { type: 'webhook', connection: intercomConnectionId, event: benchTopic },
    when: { '==': [{ var: 'trigger.data.item.priority' }, 'priority'] },
    steps: [
      {
        id: 'first',
        action: 'webhook.post',
        input: { url: `${sinkUrl}/first`, body: { sentAt: '{{ trigger.data.item.sent_at }}', subject: 'New: {{ trigger.data.item.source.subject }}' } },
      },
      {
        id: 'second',
        action: 'webhook.post',
        when: { '==': [{ var: 'steps.first.status' }, 200] },
        input: { url: `${sinkUrl}/second`, body: { sentAt: '{{ trigger.data.item.sent_at }}', first: '{{ steps.first.status }}' } },
      },
    ],
  };
  return calls === 1 ? { ...recipe, steps: recipe.steps.slice(0, 1) } : recipe;
}

/** The store the e2e and ingress scenarios start from: the signed Intercom connection and the e2e recipe; returns the secret. */
export async function seedE2e(stack: Pick<Stack, 'openStore' | 'sink'>, calls: 1 | 2 = 2): Promise<string> {
  const store = await stack.openStore();
  try {
    const secret = await seedIntercomConnection(store);
    await applyRecipe(store, e2eRecipe(stack.sink.url, e2eRecipeId, calls));
    return secret;
  } finally {
    await store.close();
  }
}

/** Creates the signed inbound connection; returns its secret. */
export async function seedIntercomConnection(store: Store): Promise<string> {
  const secret = randomBytes(16).toString('hex');
  await store.connections.create({ id: intercomConnectionId, connector: 'intercom', name: 'Intercom (bench)', credentials: { clientSecret: secret } });
  return secret;
}

/** Compiles and applies a recipe the way `switchyard recipe apply` would; returns its plan. */
export async function applyRecipe(store: Store, recipe: object): Promise<Plan> {
  const connections = new Map((await store.connections.list()).map((c) => [c.id, c.connector]));
  const compiled = compileRecipe(recipe, { actions: actionCatalog, connections });
  if (!compiled.ok) throw new Error(`bench recipe does not compile: ${JSON.stringify(compiled.diagnostics)}`);
  await store.recipes.apply(recipe, compiled.plan);
  return compiled.plan;
}

/** Compiles without storing (for runs started directly through the client). */
export function compilePlan(recipe: object, connections: Map<string, string> = new Map()): Plan {
  const compiled = compileRecipe(recipe, { actions: actionCatalog, connections });
  if (!compiled.ok) throw new Error(`bench recipe does not compile: ${JSON.stringify(compiled.diagnostics)}`);
  return compiled.plan;
}
