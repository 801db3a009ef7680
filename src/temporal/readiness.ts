import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';

/** Temporal answers, and at least one worker polls the engine's task queue. */
export function temporalChecks(client: Client, taskQueue: string) {
  return {
    temporal: async () => {
      await client.connection.workflowService.getSystemInfo({});
    },
    worker: async () => {
      const response = await client.connection.workflowService.describeTaskQueue({
        namespace: client.options.namespace,
        taskQueue: { name: taskQueue, kind: temporal.api.enums.v1.TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
        taskQueueType: temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
      });
      if (!response.pollers?.length) throw new Error(`no worker is polling task queue ${taskQueue}`);
    },
  };
}
