import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { WorkflowNotFoundError, type Client, type WorkflowExecutionDescription } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, Worker, type WorkerOptions, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { afterAll, beforeAll, inject } from 'vitest';
import { engineSearchAttributes } from '../../src/temporal/search-attributes';
import { quietTemporal } from './temporal-logs';

/** The time-skipping test server, from the same binary resolution as everything else. */
export function createTimeSkippingEnv(): Promise<TestWorkflowEnvironment> {
  quietTemporal();
  return TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: inject('temporalTestServerPath') } },
  });
}

/**
 * A time-skipping environment for the whole test file, with the engine's search attributes registered:
 * call at the top level; the answer gives the environment inside tests.
 */
export function useTimeSkippingEnv(): () => TestWorkflowEnvironment {
  let env: TestWorkflowEnvironment | undefined;
  beforeAll(async () => {
    env = await createTimeSkippingEnv();
    await registerSearchAttributes(env);
  }, 120_000);
  afterAll(async () => {
    await env?.teardown();
  });
  return () => env!;
}

/** A client/connection environment on the shared real dev server started by the global setup. */
export function connectToDevServer(): Promise<TestWorkflowEnvironment> {
  quietTemporal();
  return TestWorkflowEnvironment.createFromExistingServer({ address: inject('temporalAddress') });
}

const engineWorkflows = path.resolve(__dirname, '../../workflows/index.ts');
const bundles = new Map<string, Promise<WorkflowBundleWithSourceMap>>();
const noop = () => undefined;
const quietBundler = { trace: noop, debug: noop, info: noop, warn: noop, error: noop, log: noop };

/** Bundles a workflows entry (the engine's `workflows/index.ts` by default) once per test file: CPU is scarce. */
export function workflowBundle(workflowsPath = engineWorkflows): Promise<WorkflowBundleWithSourceMap> {
  let bundle = bundles.get(workflowsPath);
  if (!bundle) {
    bundle = bundleWorkflowCode({ workflowsPath, logger: quietBundler });
    bundles.set(workflowsPath, bundle);
  }
  return bundle;
}

export type TestWorkerOptions = Omit<WorkerOptions, 'connection' | 'namespace' | 'taskQueue' | 'workflowBundle' | 'workflowsPath'> & {
  /** A fresh `test-<uuid>` queue unless given. */
  taskQueue?: string;
  /** The workflows to bundle; the engine's by default. */
  workflowsPath?: string;
};

/** A worker on `env` (dev server or time-skipping server) with the test's activities and bundled workflows. */
export async function createTestWorker(env: TestWorkflowEnvironment, opts: TestWorkerOptions = {}): Promise<Worker> {
  quietTemporal();
  const { taskQueue = `test-${randomUUID()}`, workflowsPath, ...rest } = opts;
  return Worker.create({ connection: env.nativeConnection, namespace: env.namespace, taskQueue, workflowBundle: await workflowBundle(workflowsPath), ...rest });
}

/** The time-skipping server starts without the engine's search attributes; runRecipe upserts them. */
async function registerSearchAttributes(env: TestWorkflowEnvironment): Promise<void> {
  const types: Record<string, temporal.api.enums.v1.IndexedValueType> = {
    KEYWORD: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
    KEYWORD_LIST: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD_LIST,
  };
  const searchAttributes = Object.fromEntries(engineSearchAttributes.map((k) => [k.name, types[k.type]!]));
  await env.connection.operatorService.addSearchAttributes({ namespace: env.namespace ?? 'default', searchAttributes });
}

/** Waits on a condition with a deadline instead of sleeping and hoping. */
export async function waitFor<T>(probe: () => Promise<T | undefined | null | false>, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value) return value;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError ? `: ${String(lastError)}` : ''}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * A run the ingress acknowledged: the 2xx means the event is durable in the inbox, and the
 * dispatcher starts the run moments later. Waits until Temporal has it.
 */
export function runStarted(client: Client, workflowId: string, timeoutMs = 30_000): Promise<WorkflowExecutionDescription> {
  return waitFor(
    () =>
      client.workflow
        .getHandle(workflowId)
        .describe()
        .catch((err: unknown) => {
          if (err instanceof WorkflowNotFoundError) return undefined;
          throw err;
        }),
    `run ${workflowId} to start`,
    timeoutMs,
  );
}

/** The result of an acknowledged run, once the dispatcher started it (see runStarted). */
export async function runResult<T = unknown>(client: Client, workflowId: string, timeoutMs = 30_000): Promise<T> {
  await runStarted(client, workflowId, timeoutMs);
  return client.workflow.getHandle(workflowId).result() as Promise<T>;
}
