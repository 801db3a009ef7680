import { ConnectorError } from './errors';
import type { ActionContext, ActionDefinition, ActionEffect, AuthDefinition, ConnectorDefinition, PollingTriggerDefinition, ReconcileContext, WebhookSourceDefinition } from './types';

type Parse<C> = (credentials: unknown) => { ok: true; value: C } | { ok: false; reason: string };

function parserFor<C>(def: ConnectorDefinition<C>): Parse<C> {
  return (credentials) => {
    const parsed = def.auth.credentials.safeParse(credentials);
    if (parsed.success) return { ok: true, value: parsed.data };
    const issue = parsed.error.issues[0];
    const path = issue?.path.length ? `credentials.${issue.path.join('.')}` : 'credentials';
    return { ok: false, reason: `${path}: ${issue?.message ?? 'invalid'} (not ${def.name} credentials)` };
  };
}

/** Parsed credentials, or a fatal failure: the connection cannot authenticate as this connector. */
function strict<C>(parse: Parse<C>): (credentials: unknown) => C {
  return (credentials) => {
    const parsed = parse(credentials);
    if (!parsed.ok) throw new ConnectorError('fatal', `the connection's credentials do not fit: ${parsed.reason}`, { code: 'invalid_credentials' });
    return parsed.value;
  };
}

function eraseAuth<C>(auth: AuthDefinition<C>, own: (credentials: unknown) => C): AuthDefinition {
  const { clientCredentials } = auth;
  const accountLabel = auth.accountLabel?.bind(auth);
  const tokenParams = clientCredentials?.tokenParams?.bind(clientCredentials);
  return {
    ...auth,
    apply: (credentials, request) => auth.apply(own(credentials), request),
    accountLabel: accountLabel && ((credentials) => accountLabel(own(credentials))),
    clientCredentials: clientCredentials && { ...clientCredentials, tokenParams: tokenParams && ((credentials) => tokenParams(own(credentials))) },
  };
}

function eraseWebhookSource<C>(source: WebhookSourceDefinition<C>, parse: Parse<C>, own: (credentials: unknown) => C): WebhookSourceDefinition {
  const { challenge } = source;
  const get = challenge?.get?.bind(challenge);
  const post = challenge?.post?.bind(challenge);
  return {
    ...source,
    verify(request, credentials, now) {
      const parsed = parse(credentials);
      return parsed.ok ? source.verify(request, parsed.value, now) : { ok: false, reason: `the connection cannot verify deliveries: ${parsed.reason}` };
    },
    extract: (request, body, credentials) => source.extract(request, body, credentials === undefined ? undefined : own(credentials)),
    challenge: challenge && {
      get: get && ((request, credentials) => get(request, own(credentials))),
      post: post && ((request, body, credentials) => post(request, body, own(credentials))),
    },
  };
}

/**
 * The registry's view of a connector: every function that takes credentials takes `unknown` and
 * parses it with the connector's own auth schema before calling the typed code. This is what lets
 * connectors of different credential types sit in one registry without casts.
 */
export function eraseCredentials<C>(def: ConnectorDefinition<C>): ConnectorDefinition {
  const parse = parserFor(def);
  const own = strict(parse);
  const withCredentials = (ctx: ActionContext): ActionContext<C> => ({ ...ctx, credentials: own(ctx.credentials) });
  const { baseUrl, webhookSource } = def;
  const validate = def.validate?.bind(def);
  return {
    ...def,
    auth: eraseAuth(def.auth, own),
    baseUrl: typeof baseUrl === 'function' ? (credentials) => baseUrl(own(credentials)) : baseUrl,
    validate: validate && ((ctx) => validate(withCredentials(ctx))),
    actions: Object.fromEntries(
      Object.entries(def.actions).map(([key, action]): [string, ActionDefinition] => [
        key,
        { ...action, effect: eraseEffect(action.effect, own), run: (ctx, input) => action.run(withCredentials(ctx), input) },
      ]),
    ),
    pollingTriggers: Object.fromEntries(
      Object.entries(def.pollingTriggers).map(([key, trigger]): [string, PollingTriggerDefinition] => [
        key,
        { ...trigger, poll: (ctx, input, cursor) => trigger.poll(withCredentials(ctx), input, cursor) },
      ]),
    ),
    webhookSource: webhookSource && eraseWebhookSource(webhookSource, parse, own),
  };
}

function eraseEffect<I, O, C>(effect: ActionEffect<I, O, C>, own: (credentials: unknown) => C): ActionEffect<I, O> {
  if (effect.kind !== 'reconcile') return effect;
  const reconcile = effect.reconcile.bind(effect);
  return { ...effect, reconcile: (ctx: ReconcileContext, input) => reconcile({ ...ctx, credentials: own(ctx.credentials) }, input) };
}
