import { z } from 'zod';
import { durationPattern } from '../../workflows/duration';
import { transformNames } from '../sync/transforms';
import { recipeIdPattern, typeOf } from './schema';

/**
 * A sync definition (`"kind": "sync"`) as zod schemas, strict like recipes so a typo is an
 * error with a suggestion. The compiler (sync-compile.ts) validates with it and then checks what a
 * schema cannot say (arity of transforms, paths, connections); the JSON Schema is generated from it.
 */

const fieldPath = z
  .string()
  .regex(/^[A-Za-z_$][A-Za-z0-9_$]*(\.[A-Za-z0-9_$][A-Za-z0-9_$ -]*)*$/, { error: (iss) => `bad field path ${JSON.stringify(iss.input)}: use a field name or a dotted path such as "custom_attributes.plan_type"` })
  .meta({ description: 'A field of the side\'s object, or a dotted path into it ("custom_attributes.plan_type").' });

const fieldPaths = z
  .union([fieldPath, z.array(fieldPath).min(1).max(4)], { error: (iss) => `expected a field path or a list of field paths, got ${typeOf(iss.input)}` })
  .meta({ description: 'One field, or several for a transform that splits or joins (splitName: ["FirstName", "LastName"]).' });

const direction = z.enum(['both', 'leftToRight', 'rightToLeft']).meta({ description: 'Which way changes flow (default: the sync\'s direction).' });

const duration = z
  .string({ error: (iss) => `expected a duration string like "15m", got ${typeOf(iss.input)}` })
  .regex(durationPattern, { error: (iss) => `bad duration ${JSON.stringify(iss.input)}: use a whole number and a unit (s, m, h, d), e.g. "15m"` });

const side = z
  .strictObject({
    connection: z.string().min(1).meta({ description: 'Id of the connection (installed app).' }),
    object: z.string().min(1).meta({ description: 'The object type: "contact" (Intercom), "Contact" (Salesforce), "contacts" (HubSpot), "person" (Pipedrive).' }),
    filter: z
      .record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()]))
      .optional()
      .meta({ description: 'Only records whose fields equal these values take part, e.g. { "role": "user" }.' }),
  })
  .meta({ description: 'One side of the sync.' });

/** Where, as what and when a closed conversation's transcript is written (the `conversations` object form). */
export const conversationsSchema = z
  .strictObject({
    to: z.enum(['left', 'right']).optional().meta({ description: 'The side written to (default: the side that is not Intercom).' }),
    as: z
      .enum(['note', 'Task', 'Case'])
      .optional()
      .meta({ description: 'What the transcript becomes: Salesforce "Task" (default) or "Case"; HubSpot and Pipedrive "note" (default).' }),
    on: z.enum(['closed']).optional().meta({ description: 'When a conversation is copied: when it is closed (the only moment so far; default).' }),
    poll: duration.optional().meta({ description: 'How often closed conversations are also looked for by polling (default: the sync\'s poll interval; at least "1m").' }),
  })
  .meta({ description: 'Conversations to the CRM (one way): where, as what and when.' });

export const syncFieldSchema = z
  .strictObject({
    left: fieldPaths,
    right: fieldPaths,
    transform: z.enum(transformNames).optional().meta({ description: 'How values convert between the sides (default copy).' }),
    values: z.record(z.string(), z.string()).optional().meta({ description: 'For transform "map": left value → right value.' }),
    lookup: z.string().min(1).optional().meta({ description: 'Name of a table in the sync\'s "lookups" (implies transform "lookup").' }),
    via: z.string().min(1).optional().meta({ description: 'For transform "linked": the id of the sync whose links pair the referenced records (e.g. the companies sync for a contact\'s company ↔ AccountId).' }),
    direction: direction.optional(),
  })
  .meta({ description: 'One field mapping.' });

export const syncSchema = z
  .strictObject({
    $schema: z.string().optional(),
    id: z
      .string()
      .regex(recipeIdPattern, { error: (iss) => `bad sync id ${JSON.stringify(iss.input)}: use lowercase letters, digits and -` })
      .meta({ description: 'Sync id (slug), unique per installation among recipes and syncs.' }),
    kind: z.literal('sync'),
    name: z.string().min(1).optional().meta({ description: 'Human-readable name (default: the id).' }),
    description: z.string().optional(),
    enabled: z.boolean().optional().meta({ description: 'A disabled sync does not run (default true).' }),
    left: side,
    right: side,
    match: z
      .array(z.strictObject({ left: fieldPath, right: fieldPath }))
      .min(1, { error: 'a sync needs at least one match rule, e.g. { "left": "email", "right": "Email" }' })
      .meta({ description: 'How a record without a link finds its counterpart: the first rule whose values are equal (text compared case-insensitively).' }),
    fields: z.array(syncFieldSchema).min(1, { error: 'a sync needs at least one field mapping' }),
    lookups: z
      .record(z.string(), z.array(z.strictObject({ left: z.union([z.string(), z.number()]), right: z.string() })))
      .optional()
      .meta({ description: 'Named id tables for "lookup" mappings: pairs of ids that denote the same thing (e.g. owners).' }),
    direction: direction.optional(),
    frequency: z
      .union([z.literal('realtime'), duration], { error: (iss) => `expected "realtime" or an interval like "15m", got ${typeOf(iss.input)}` })
      .optional()
      .meta({ description: '"realtime" (vendor webhooks where available, plus the safety poll) or a poll interval such as "15m" (default realtime).' }),
    safetyPoll: duration.optional().meta({ description: 'With realtime: poll the change feeds this often anyway (default "15m").' }),
    conflicts: z.enum(['newestWins', 'leftWins', 'rightWins']).optional().meta({ description: 'A field changed on both sides since the last cycle: the newer change, or always one side (default newestWins).' }),
    create: z
      .strictObject({ left: z.boolean().optional(), right: z.boolean().optional() })
      .optional()
      .meta({ description: 'Whether a record with no counterpart creates one on that side (default false for both).' }),
    conversations: z
      .union([z.literal('notes'), conversationsSchema], { error: (iss) => `expected "notes" or { "to": "right", "as": "Task", "on": "closed" }, got ${typeOf(iss.input)}` })
      .optional()
      .meta({ description: 'Copy each closed Intercom conversation of a contact (its transcript) to the counterpart on the other side: "notes" (the CRM\'s default kind), or where, as what and when.' }),
    onDuplicate: z
      .enum(['report', 'merge'])
      .optional()
      .meta({
        description:
          'Several records matching one: "report" (default) writes nothing and reports both ids; "merge" merges them into the oldest (HubSpot contacts and companies, Pipedrive persons and organizations), links it and writes it once.',
      }),
  })
  .meta({ description: 'A bidirectional sync between two CRM objects.' });
