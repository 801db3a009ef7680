import type { z } from 'zod';
import type { HttpRequest, HttpResponse } from './http-types';
import type { ActionContext, ActionDefinition, ActionEffect } from './types';

/**
 * What an action file defines: the registered definition but for its name. The key is the name the
 * connector registers it under (`.actions({ createIssue })`, the action file's export), and the
 * title is the key in words unless the file states one that says more (`titleFromKey`).
 */
export type UnnamedAction<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType, C = unknown> = Omit<ActionDefinition<I, O, C>, 'key' | 'title'> & {
  /** Shown in the catalogue; leave it out where it is the key in words (`createIssue`: "Create issue"; `query` states "Query (SOQL)"). */
  title?: string;
};

/**
 * The one shape of an action file (model: connectors/jira/create-issue.ts): what is specific to
 * the action, nothing that follows from it.
 * - no `key`, and a `title` only where it says more than the key (see `UnnamedAction`).
 * - `idempotent` is not stated: it follows from `effect` (see `effectIsIdempotent`).
 * - The usual action is one vendor call: `request` builds it from the input, and `respond` maps
 *   the answer to the output (default: the body parsed by `output`). An action that makes several
 *   calls, or decides between them, gives `run` instead.
 */
export type ActionSpec<I extends z.ZodType, O extends z.ZodType, C, B = unknown> = Omit<UnnamedAction<I, O, C>, 'idempotent' | 'run'> &
  (
    | { run: ActionDefinition<I, O, C>['run']; request?: never; respond?: never }
    | {
        run?: never;
        /** The one call the action makes. */
        request: (input: z.output<I>, ctx: ActionContext<C>) => HttpRequest;
        /** The output from the answer; leave it out when the body is the output (`output.parse(body)`). */
        respond?: (res: HttpResponse<B>, input: z.output<I>, ctx: ActionContext<C>) => z.input<O>;
      }
  );

/**
 * Reads, and effects the vendor dedupes itself, may simply be repeated (the generous retry preset,
 * and a short one may run as a local activity); a reconciled or at-least-once effect may not.
 */
function effectIsIdempotent(effect: Pick<ActionEffect, 'kind'>): boolean {
  return effect.kind === 'none' || effect.kind === 'idempotencyKey';
}

/** A camelCase key in words, as a catalogue title: `createOrUpdateCompany` → "Create or update company". */
function titleFromKey(key: string): string {
  const words = key.replace(/[A-Z]/g, (c) => ` ${c.toLowerCase()}`);
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** The definition the registry holds, named by the key the connector registers it under (`ConnectorBuilder.actions`). */
export function nameAction<I extends z.ZodType, O extends z.ZodType, C>(key: string, action: UnnamedAction<I, O, C>): ActionDefinition<I, O, C> {
  return { ...action, key, title: action.title ?? titleFromKey(key) };
}

/** An action file's definition, from its spec. Use it through the connector's `actionFor(auth)`. */
export function defineAction<I extends z.ZodType, O extends z.ZodType, C, B = unknown>(spec: ActionSpec<I, O, C, B>): UnnamedAction<I, O, C> {
  const idempotent = effectIsIdempotent(spec.effect);
  if (spec.run) {
    const { request: _request, respond: _respond, ...definition } = spec;
    return { ...definition, run: spec.run, idempotent };
  }
  const { request, respond, run: _run, ...definition } = spec;
  return {
    ...definition,
    idempotent,
    async run(ctx, input) {
      const res = await ctx.http.request<B>(request(input, ctx));
      return respond ? respond(res, input, ctx) : (definition.output.parse(res.body) as z.input<O>);
    },
  };
}
