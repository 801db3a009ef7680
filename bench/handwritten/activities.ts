import { createActivities, type ActivityDeps } from '../../activities';
import type { ActionActivityInput } from '../../workflows/activity-contract';

export interface PostJsonInput {
  stepId: string;
  url: string;
  body: unknown;
}

/**
 * The hand-written workflow's activities, in the samples' dependency-injection style. `postJson`
 * runs the very same connector activity the interpreter schedules as `webhook.post` (guarded
 * HTTP client, validation, error mapping), so the comparison isolates the workflow side.
 */
export function createHandwrittenActivities(deps: ActivityDeps) {
  const engine = createActivities(deps) as Record<string, (input: ActionActivityInput) => Promise<unknown>>;
  const post = engine['webhook.post']!;
  return {
    async postJson({ stepId, url, body }: PostJsonInput): Promise<{ status: number; body: unknown }> {
      return (await post({ stepId, connectionId: null, input: { url, body } })) as { status: number; body: unknown };
    },
  };
}
