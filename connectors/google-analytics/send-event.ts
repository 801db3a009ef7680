import { createHash } from 'node:crypto';
import { z } from 'zod';
import { defineAction } from './auth';
import { ga4Limits, longParamValueLimits, namePattern, reservedEventNames, reservedParamPrefixes, reservedPrefixes, reservedPrefixOf, reservedUserPropertyNames } from './names';

/** A GA4 name: letter first, letters/digits/underscores, within `max`, not reserved (names or prefixes). */
function ga4Name(what: string, max: number, reserved: ReadonlySet<string>, prefixes: readonly string[]) {
  return z
    .string()
    .min(1)
    .max(max, `${what} names are at most ${max} characters`)
    .superRefine((name, ctx) => {
      const prefix = reservedPrefixOf(name, prefixes);
      if (prefix) ctx.addIssue({ code: 'custom', message: `${what} name ${JSON.stringify(name)} starts with the reserved prefix "${prefix}"` });
      else if (!namePattern.test(name)) ctx.addIssue({ code: 'custom', message: `${what} name ${JSON.stringify(name)} must start with a letter and hold only letters, digits and _` });
      else if (reserved.has(name)) ctx.addIssue({ code: 'custom', message: `${what} name ${JSON.stringify(name)} is reserved by GA4` });
    });
}

const paramValue = z.union([z.string(), z.number(), z.boolean(), z.array(z.record(z.string(), z.unknown())).describe('ecommerce items')]);
const params = z
  .record(ga4Name('parameter', ga4Limits.nameLength, new Set(), reservedParamPrefixes), paramValue)
  .superRefine((p, ctx) => {
    const keys = Object.keys(p);
    if (keys.length > ga4Limits.paramsPerEvent) ctx.addIssue({ code: 'custom', message: `at most ${ga4Limits.paramsPerEvent} parameters per event, got ${keys.length}` });
    for (const key of keys) {
      const value = p[key];
      const max = longParamValueLimits[key] ?? ga4Limits.paramValueLength;
      if (typeof value === 'string' && value.length > max) ctx.addIssue({ code: 'custom', path: [key], message: `parameter values are at most ${max} characters, got ${value.length}` });
    }
  });

const event = z.object({
  name: ga4Name('event', ga4Limits.nameLength, reservedEventNames, reservedPrefixes).describe('e.g. "sign_up" (a recommended event) or your own'),
  params: params.optional(),
});

const userProperties = z
  .record(ga4Name('user property', ga4Limits.userPropertyNameLength, reservedUserPropertyNames, reservedPrefixes), z.union([z.string().max(ga4Limits.userPropertyValueLength), z.number()]))
  .refine((p) => Object.keys(p).length <= ga4Limits.userProperties, { message: `at most ${ga4Limits.userProperties} user properties` });

const input = z
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
  .refine((i) => i.clientId !== undefined || i.userId !== undefined, { message: 'give clientId or userId', path: ['clientId'] });

const output = z.object({ sent: z.number().int(), validated: z.boolean(), clientId: z.string() });

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
  key: 'sendEvent',
  title: 'Send events',
  description: 'Sends up to 25 events (with parameters and user properties) to a GA4 web stream through the Measurement Protocol.',
  input,
  output,
  idempotent: false,
  timeout: '30s',
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
