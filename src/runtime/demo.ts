import { randomBytes } from 'node:crypto';
import { actionCatalog } from '../../connectors/registry';
import { compileRecipe } from '../recipe/compile';
import type { Store } from '../store/store';

export interface Demo {
  connectionId: string;
  recipeId: string;
  secret: string;
}

const connectionId = 'intercom-demo';
const recipeId = 'demo-new-conversation';

/**
 * `switchyard dev` only: an Intercom-style signed inbound connection and a recipe that posts
 * every new conversation to the local demo sink, so the first run needs no vendor account.
 */
export async function seedDemo(store: Store, apiUrl: string): Promise<Demo> {
  if (!(await store.connections.get(connectionId))) {
    await store.connections.create({
      id: connectionId,
      connector: 'intercom',
      name: 'Intercom (demo)',
      credentials: { clientSecret: randomBytes(16).toString('hex') },
    });
  }
  const { clientSecret } = (await store.connections.credentials(connectionId)) as { clientSecret: string };
  const recipe = {
    id: recipeId,
    name: 'Demo: new conversation → local sink',
    description: 'Seeded by `switchyard dev`; posts each new Intercom conversation to /dev/sink on this API.',
    trigger: { type: 'webhook', connection: connectionId, event: 'conversation.user.created' },
    steps: [
      {
        id: 'notify',
        action: 'webhook.post',
        input: {
          url: `${apiUrl}/dev/sink`,
          body: {
            text: 'New conversation from {{ trigger.data.item.source.author.email | default: "someone" }}: {{ trigger.data.item.source.subject }}',
            conversation: '{{ trigger.data.item.id }}',
          },
        },
      },
    ],
  };
  const connections = new Map((await store.connections.list()).map((c) => [c.id, c.connector]));
  const compiled = compileRecipe(recipe, { actions: actionCatalog, connections });
  if (!compiled.ok) {
    throw new Error(`the demo recipe does not compile: ${compiled.diagnostics.map((d) => `${d.path}: ${d.message}`).join('; ')}`);
  }
  await store.recipes.apply(recipe, compiled.plan);
  return { connectionId, recipeId, secret: clientSecret };
}

/** A copy-pasteable shell snippet that signs the body like Intercom (X-Hub-Signature: sha1=HMAC) and sends it. */
export function demoCurl(apiUrl: string, demo: Demo): string {
  return [
    `SECRET='${demo.secret}'`,
    `BODY='{"type":"notification_event","id":"notif_'$(date +%s%N)'","topic":"conversation.user.created","created_at":'$(date +%s)',"data":{"item":{"type":"conversation","id":"demo-1","source":{"subject":"Where is my order?","author":{"type":"user","email":"ada@example.com"}}}}}'`,
    `curl -sS -X POST ${apiUrl}/hooks/${demo.connectionId} \\`,
    `  -H 'Content-Type: application/json' \\`,
    `  -H "X-Hub-Signature: sha1=$(printf '%s' "$BODY" | openssl dgst -sha1 -hmac "$SECRET" | sed 's/^.* //')" \\`,
    `  --data-binary "$BODY"`,
  ].join('\n');
}
