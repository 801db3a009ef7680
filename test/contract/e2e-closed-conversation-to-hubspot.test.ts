import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HubSpotFake } from '../../sandbox/hubspot-fake';
import { IntercomFake } from '../../sandbox/intercom-fake';
import type { TestEngine } from '../support/engine';
import { recipesDir } from '../support/example-recipes';
import { resultOfOnlyRun, startRecipeScenario } from '../support/recipe-scenario';
import { postIntercomWebhook } from '../support/intercom-webhooks';

/**
 * closed-conversation-to-hubspot end to end on the dev server: a signed conversation.admin.closed
 * → ingress → runRecipe → Intercom transcript → HubSpot contact found by email (or created) → a
 * note with the transcript on that contact, against the Intercom and HubSpot fakes.
 */
describe('closed-conversation-to-hubspot through ingress, with the Intercom and HubSpot fakes', () => {
  const intercomSecret = randomBytes(16).toString('hex');
  const intercom = new IntercomFake();
  const hubspot = new HubSpotFake();
  let engine: TestEngine;

  beforeAll(async () => {
    engine = await startRecipeScenario('e2e-hubspot', { intercom: { fake: intercom, clientSecret: intercomSecret }, hubspot }, ['closed-conversation-to-hubspot']);
  });
  afterAll(() => engine?.stop());

  /** The fixture with this conversation and customer, under a fresh notification id. */
  const closed = (conversationId: string, author: { name: string; email: string }) => {
    const event = JSON.parse(readFileSync(path.join(recipesDir, 'fixtures/closed-conversation-to-hubspot.event.json'), 'utf8')) as { id: string; data: { item: { id: string; source: { author: Record<string, string> } } } };
    event.id = `notif_${randomUUID()}`;
    event.data.item.id = conversationId;
    Object.assign(event.data.item.source.author, author);
    return JSON.stringify(event);
  };
  const conversation = (id: string, author: { name: string; email: string }) =>
    intercom.addConversation(
      { type: 'conversation', id, created_at: 1767225598, updated_at: 1767239999, state: 'closed', title: 'Cannot log in', source: { id: `src-${id}`, subject: '', body: '<p>I can&#39;t log in since this morning.</p>', author: { type: 'user', id: `u-${id}`, ...author } } },
      [
        { id: `${id}-1`, part_type: 'comment', body: '<p>Sorry! Try the reset link again.</p>', created_at: 1767229198, author: { type: 'admin', id: '814860', name: 'Margaret Hamilton' } },
        { id: `${id}-2`, part_type: 'close', body: null, created_at: 1767239999, author: { type: 'admin', id: '814860', name: 'Margaret Hamilton' } },
      ],
    );
  const run = async (body: string) => resultOfOnlyRun(engine, await postIntercomWebhook(engine.api.url, 'intercom-main', body, intercomSecret));
  const notesOn = (contactId: string) =>
    hubspot.associations.filter((a) => a.fromType === 'notes' && a.toType === 'contacts' && a.toId === contactId).map((a) => hubspot.records.notes.get(a.fromId)!);

  it('a known customer: the transcript becomes a note on the contact found by email, and no contact is created', async () => {
    const [ada] = hubspot.seed('contacts', 1, () => ({ properties: { email: 'ada@example.com', firstname: 'Ada' } }));
    conversation('147', { name: 'Ada Lovelace', email: 'ada@example.com' });
    expect((await run(closed('147', { name: 'Ada Lovelace', email: 'ada@example.com' }))).status).toBe('succeeded');

    expect(hubspot.received('POST', '/crm/v3/objects/contacts')).toHaveLength(0);
    expect(hubspot.records.contacts.size).toBe(1);
    const [note] = notesOn(ada!.id);
    const body = note!.properties.hs_note_body!;
    expect(body.startsWith('Intercom conversation 147 (Cannot log in), closed<br>https://app.intercom.com/a/inbox/_/inbox/conversation/147<br><br>')).toBe(true);
    expect(body).toContain("Ada Lovelace (user): I can't log in since this morning.");
    expect(note!.properties.hs_timestamp).toBe(String(Date.parse('2026-01-01T03:59:59Z')));
  });

  it('an unknown customer: the contact is created with email and first name, then the note is put on it', async () => {
    conversation('148', { name: 'Grace Hopper', email: 'grace@example.com' });
    expect((await run(closed('148', { name: 'Grace Hopper', email: 'grace@example.com' }))).status).toBe('succeeded');

    const grace = hubspot.find('contacts', 'email', 'grace@example.com');
    expect(grace?.properties).toMatchObject({ email: 'grace@example.com', firstname: 'Grace' });
    const notes = notesOn(grace!.id);
    expect(notes).toHaveLength(1);
    expect(notes[0]!.properties.hs_note_body).toContain('Margaret Hamilton (admin): Sorry! Try the reset link again.');
  });
});
