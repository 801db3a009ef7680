import { createHash } from 'node:crypto';
import { z } from 'zod';
import { defineAction } from './auth';
import { ga4Limits, longParamValueLimits, namePattern, reservedEventNames, reservedParamPrefixes, reservedPrefixes, reservedPrefixOf, reservedUserPropertyNames } from './names';

interface NameRule {
  what: string;
  max: number;
  reserved: ReadonlySet<string>;
  prefixes: readonly string[];
}

const eventNames: NameRule = { what: 'event', max: ga4Limits.nameLength, reserved: reservedEventNames, prefixes: reservedPrefixes };
const paramNames: NameRule = { what: 'parameter', max: ga4Limits.nameLength, reserved: new Set(), prefixes: reservedParamPrefixes };
const userPropertyNames: NameRule = { what: 'user property', max: ga4Limits.userPropertyNameLength, reserved: reservedUserPropertyNames, prefixes: reservedPrefixes };

/** Why GA4 would drop this name (letter first, letters/digits/underscores, within the length, not reserved), or undefined. */
function nameProblem(name: string, rule: NameRule): string | undefined {
  const quoted = JSON.stringify(name);
  if (name.length > rule.max) return `${rule.what} name ${quoted} is longer than ${rule.max} characters`;
  const prefix = reservedPrefixOf(name, rule.prefixes);
  if (prefix) return `${rule.what} name ${quoted} starts with the reserved prefix "${prefix}"`;
  if (!namePattern.test(name)) return `${rule.what} name ${quoted} must start with a letter and hold only letters, digits and _`;
  if (rule.reserved.has(name)) return `${rule.what} name ${quoted} is reserved by GA4`;
  return undefined;
}

/** An object whose keys follow `rule` (each bad key reported at its own path) and whose size stays within `maxKeys`. */
function namedRecord<V extends z.ZodType>(rule: NameRule, value: V, maxKeys: number) {
  return z.record(z.string(), value).superRefine((record, ctx) => {
    const keys = Object.keys(record);
    if (keys.length > maxKeys) ctx.addIssue({ code: 'custom', message: `at most ${maxKeys} ${rule.what === 'parameter' ? 'parameters per event' : `${rule.what}s`}, got ${keys.length}` });
    for (const key of keys) {
      const problem = nameProblem(key, rule);
      if (problem) ctx.addIssue({ code: 'custom', path: [key], message: problem });
    }
  });
}

const paramValue = z.union([z.string(), z.number(), z.boolean(), z.array(z.record(z.string(), z.unknown())).describe('ecommerce items')]);
const params = namedRecord(paramNames, paramValue, ga4Limits.paramsPerEvent).superRefine((p, ctx) => {
  for (const [key, value] of Object.entries(p)) {
    const max = longParamValueLimits[key] ?? ga4Limits.paramValueLength;
    if (typeof value === 'string' && value.length > max) ctx.addIssue({ code: 'custom', path: [key], message: `parameter values are at most ${max} characters, got ${value.length}` });
  }
});

const event = z.object({
  name: z
    .string()
    .min(1)
    .superRefine((name, ctx) => {
      const problem = nameProblem(name, eventNames);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    })
    .describe('e.g. "sign_up" (a recommended event) or your own'),
  params: params.optional(),
});

const userProperties = namedRecord(userPropertyNames, z.union([z.string().max(ga4Limits.userPropertyValueLength), z.number()]), ga4Limits.userProperties);

/**
 * Web streams need a client id; a server-side event about a known user (an Intercom sign-up) has
 * only the user id, so the client id is derived from it: stable, and not the id itself.
 */
function clientIdFor(i: { clientId?: string; userId?: string }): string {
  return i.clientId ?? `sy.${createHash('sha256').update(`ga4-client/${i.userId!}`).digest('hex').slice(0, 20)}`;
}

/**
 * POST /mp/collect. GA4 answers 2xx to anything and has no idempotency key, so a retry after a
 * lost response can count an event twice; `validate` first posts the same body to
 * /debug/mp/collect, whose validationMessages the vendor profile turns into invalid_input.
 */
export const sendEvent = defineAction({
  title: 'Send events',
  description: 'Sends up to 25 events (with parameters and user properties) to a GA4 web stream through the Measurement Protocol.',
  input: z
    .object({
      /** The browser's GA client id (the `_ga` cookie's last two parts). */
      clientId: z.string().min(1).optional(),
      userId: z.string().min(1).max(ga4Limits.userIdLength).optional(),
      events: z.array(event).min(1).max(ga4Limits.eventsPerRequest, `at most ${ga4Limits.eventsPerRequest} events per request`),
      userProperties: userProperties.optional(),
      /** When the events happened (up to 72 hours back); default: when GA4 receives them. */
      timestampMicros: z.number().int().positive().optional(),
      /** Check the payload with GA4's validation server first and fail with its messages instead of sending what GA4 would drop. */
      validate: z.boolean().default(false),
    })
    .refine((i) => i.clientId !== undefined || i.userId !== undefined, { message: 'give clientId or userId', path: ['clientId'] }),
  output: z.object({ sent: z.number().int(), validated: z.boolean(), clientId: z.string() }),
  effect: { kind: 'atLeastOnce', why: 'GA4 Measurement Protocol has no dedupe id' },
  sample: { sent: 1, validated: false, clientId: '1234567890.1764230400' },
  async run(ctx, i) {
    const clientId = clientIdFor(i);
    const payload = {
      client_id: clientId,
      ...(i.userId !== undefined ? { user_id: i.userId } : {}),
      ...(i.timestampMicros !== undefined ? { timestamp_micros: i.timestampMicros } : {}),
      ...(i.userProperties ? { user_properties: Object.fromEntries(Object.entries(i.userProperties).map(([k, value]) => [k, { value }])) } : {}),
      events: i.events.map((e) => ({ name: e.name, ...(e.params ? { params: e.params } : {}) })),
    };
    if (i.validate) await ctx.http.request({ method: 'POST', path: '/debug/mp/collect', json: { ...payload, validation_behavior: 'ENFORCE_RECOMMENDATIONS' } });
    await ctx.http.request({ method: 'POST', path: '/mp/collect', json: payload });
    return { sent: i.events.length, validated: i.validate, clientId };
  },
});
