import type { Command } from 'commander';
import { loadConfigOrExit } from '../load-config';
import { apiClientFrom, type ApiClient, type ApiClientOptions } from './api-client';
import { printObject, type Print } from './output';

/** The options every remote command takes. */
type ApiOpts = ApiClientOptions & { json?: boolean };

/** Where remote commands get their client and print (injectable for tests). */
export interface ApiCommandContext {
  /** The API client for these options (defaults to the environment's). */
  client(opts: ApiClientOptions): ApiClient;
  print: Print;
}

export const defaultApiContext: ApiCommandContext = {
  client: (opts) => apiClientFrom(loadConfigOrExit(), opts),
  print: (line) => console.log(line),
};

/** What a remote command's request gets: its options, the client they select, and the printer. */
export interface ApiCall<O> {
  opts: ApiOpts & O;
  client: ApiClient;
  print: Print;
}

/** What a request answers when it printed its own output (exports): nothing more is printed. */
export const alreadyPrinted = Symbol('already printed');

/** The lines a command prints for an answer when `--json` is not given. */
export type AnswerText<A, O> = (answer: A, opts: ApiOpts & O, ...args: string[]) => string | string[];

/**
 * Makes `command` a remote command: adds `--url`, `--token` and `--json`, runs `request` with the
 * command's positional arguments, and prints its answer: one JSON document with `--json`, else
 * the lines `text` makes of it (pretty-printed JSON when there is no `text`).
 */
export function apiCommand<O extends object = object, A = unknown>(
  command: Command,
  ctx: ApiCommandContext,
  request: (call: ApiCall<O>, ...args: string[]) => Promise<A>,
  text?: AnswerText<Exclude<A, typeof alreadyPrinted>, O>,
): Command {
  return withApiOptions(command).action(async (...params: unknown[]) => {
    // commander passes the declared arguments, then the options, then the command itself
    const args = params.slice(0, -2) as string[];
    const opts = params.at(-2) as ApiOpts & O;
    const answer = await request({ opts, client: ctx.client(opts), print: ctx.print }, ...args);
    if (answer === alreadyPrinted) return;
    if (opts.json || !text) return printObject(ctx.print, answer, opts.json);
    const lines = text(answer as Exclude<A, typeof alreadyPrinted>, opts, ...args);
    for (const line of typeof lines === 'string' ? [lines] : lines) ctx.print(line);
  });
}

/** A list: GET `path`, the rows under `key`, printed as `table` (`--json`: the rows as they came). */
export function listCommand<R>(command: Command, ctx: ApiCommandContext, path: string, key: string, table: (rows: R[]) => string[]): Command {
  return apiCommand(command, ctx, async ({ client }) => (await client.request<Record<string, R[] | undefined>>('GET', path))[key] ?? [], table);
}

/** One resource: GET the path made of the arguments, printed as JSON. */
export function showCommand(command: Command, ctx: ApiCommandContext, path: (...args: string[]) => string): Command {
  return apiCommand(command, ctx, ({ client }, ...args) => client.request('GET', path(...args)));
}

/** DELETE the path made of the id; prints `said(id)` (`--json`: `{ "<past>": id }`, e.g. `deleted`). */
export function deleteCommand(command: Command, ctx: ApiCommandContext, path: (id: string) => string, past: string, said: (id: string) => string): Command {
  return apiCommand(
    command,
    ctx,
    async ({ client }, id) => {
      await client.request('DELETE', path(id));
      return { [past]: id };
    },
    (_answer, _opts, id) => said(id),
  );
}

/** Adds `--url`, `--token` and `--json` to a command. */
function withApiOptions(command: Command): Command {
  return command.option('--url <url>', 'API base URL (SWITCHYARD_API_URL)').option('--token <token>', 'API token (SWITCHYARD_API_TOKEN)').option('--json', 'JSON output');
}
