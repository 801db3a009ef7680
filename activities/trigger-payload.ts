import { loadTriggerPayloadActivity, projectPaths, type LoadTriggerPayloadInput, type TriggerPath } from '../workflows/trigger-payload-contract';
import { activityFailure } from './failure-mapping';

export interface TriggerPayloadSource {
  /** The stored JSON text, or undefined once pruned. */
  get(ref: string): Promise<string | undefined>;
}

/**
 * `switchyard.loadTriggerPayload`: reads a payload the ingress stored by reference and returns
 * only the paths the run's plan references, so the result fits in history. Too large even then,
 * or no longer stored → non-retryable, with a message that says what to change.
 */
export function createTriggerPayloadActivities(payloads: TriggerPayloadSource): Record<typeof loadTriggerPayloadActivity, (input: LoadTriggerPayloadInput) => Promise<unknown>> {
  return {
    async [loadTriggerPayloadActivity]({ ref, paths, maxBytes }: LoadTriggerPayloadInput) {
      const json = await payloads.get(ref);
      if (json === undefined) {
        throw activityFailure('trigger_payload_unavailable', `stored trigger payload ${ref} no longer exists (pruned after the dedupe retention)`);
      }
      const projection = projectPaths(JSON.parse(json) as unknown, paths);
      const bytes = Buffer.byteLength(JSON.stringify(projection) ?? '');
      if (bytes > maxBytes) {
        const read = paths === null ? 'the whole trigger' : paths.map(describe).join(', ');
        throw activityFailure(
          'trigger_payload_unavailable',
          `the trigger fields this recipe reads (${read}) are ${Math.ceil(bytes / 1024)} KB, more than the ${Math.floor(maxBytes / 1024)} KB a run may carry in its history; reference smaller fields of the trigger`,
        );
      }
      return projection;
    },
  };
}

const describe = (path: TriggerPath) => ['trigger', ...path].join('.');
