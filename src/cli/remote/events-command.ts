import type { Command } from 'commander';
import { jsonArgument } from './api-client';
import { printObject } from './api-client-output';
import { defaultApiContext, withApiOptions, type ApiCommandContext } from './tokens-command';

type ApiOpts = { url?: string; token?: string; json?: boolean };

/** `switchyard events send` and `switchyard identity hash` over the API. */
export function registerEventsAndIdentityCommands(program: Command, ctx: ApiCommandContext = defaultApiContext): void {
  const events = program.command('events').description('post events that start recipes with an event trigger');
  withApiOptions(
    events
      .command('send <topic>')
      .description('post an event (needs events:write)')
      .option('--id <id>', 'your id for the event: sending it again starts nothing new')
      .option('--data <json>', 'the event as JSON, @file, or - for stdin', '{}'),
  ).action(async (topic: string, opts: ApiOpts & { id?: string; data: string }) => {
    const result = await ctx.client(opts).request('POST', '/api/v1/events', { topic, ...(opts.id ? { id: opts.id } : {}), data: jsonArgument(opts.data, '--data') });
    if (opts.json) return printObject(ctx.print, result, true);
    if (result.duplicate) return ctx.print(`event ${result.eventId} was already accepted; nothing new started`);
    ctx.print(`event ${result.eventId}: ${result.matched} recipe${result.matched === 1 ? '' : 's'} matched`);
    for (const run of result.runs ?? []) ctx.print(`  ${run.recipe}  ${run.runId}${run.duplicate ? ' (already running)' : ''}`);
  });

  const identity = program.command('identity').description('Intercom identity verification');
  withApiOptions(identity.command('hash <userId>').description('user_hash for a user id (HMAC-SHA256 with SWITCHYARD_IDENTITY_SECRET)')).action(async (userId: string, opts: ApiOpts) => {
    const result = await ctx.client(opts).request('POST', '/api/v1/identity/hash', { user_id: userId });
    if (opts.json) return printObject(ctx.print, result, true);
    ctx.print(result.user_hash);
  });
}
