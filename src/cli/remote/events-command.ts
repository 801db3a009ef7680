import type { Command } from 'commander';
import type { PostEventAnswer } from '../../http/api/events-routes';
import type { UserHashAnswer } from '../../http/api/identity-routes';
import { apiCommand, defaultApiContext, type ApiCommandContext } from './api-command';
import { jsonArgument } from './json-argument';
import { given } from './given';

/** `switchyard events send` and `switchyard identity hash` over the API. */
export function registerEventsAndIdentityCommands(program: Command, ctx: ApiCommandContext = defaultApiContext): void {
  const events = program.command('events').description('post events that start recipes with an event trigger');
  apiCommand<{ id?: string; data: string }, PostEventAnswer>(
    events.command('send <topic>').description('post an event (needs events:write)')
      .option('--id <id>', 'your id for the event: sending it again starts nothing new')
      .option('--data <json>', 'the event as JSON, @file, or - for stdin', '{}'),
    ctx,
    ({ client, opts }, topic) => client.request('POST', '/api/v1/events', { topic, ...given({ id: opts.id }), data: jsonArgument(opts.data, '--data') }),
    (result) => {
      if (result.duplicate) return `event ${result.eventId} was already accepted; nothing new started`;
      const runs = result.runs ?? [];
      return [
        `event ${result.eventId}: ${result.matched} recipe${result.matched === 1 ? '' : 's'} matched`,
        ...runs.map((run) => `  ${run.recipe}  ${run.runId}${run.duplicate ? ' (already running)' : ''}`),
      ];
    },
  );

  const identity = program.command('identity').description('Intercom identity verification');
  apiCommand(
    identity.command('hash <userId>').description('user_hash for a user id (HMAC-SHA256 with SWITCHYARD_IDENTITY_SECRET; needs identity:write)'),
    ctx,
    ({ client }, userId) => client.request<UserHashAnswer>('POST', '/api/v1/identity/hash', { user_id: userId }),
    (result) => result.user_hash,
  );
}
