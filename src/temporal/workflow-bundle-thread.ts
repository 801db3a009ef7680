import { Worker as Thread } from 'node:worker_threads';

export interface BundleRequest {
  workflowsPath: string;
  failureConverterPath?: string;
  payloadConverterPath?: string;
  /** Modules evaluated once in the workflow context and shared by every run (the SDK's `preloadModules`). */
  preloadModules?: string[];
}

const bundlerModule = require.resolve('@temporalio/worker/lib/workflow/bundler');
const loggerModule = require.resolve('@temporalio/worker/lib/logger');

// Runs in the thread: plain JS, modules by absolute path.
const script = `
const { parentPort, workerData } = require('node:worker_threads');
const { bundleWorkflowCode } = require(workerData.bundlerModule);
const { DefaultLogger } = require(workerData.loggerModule);
// The inline source map without the sources' text: stack traces need only the mappings, and the
// worker holds the bundle (map included) in its main thread and again in its workflow thread.
const webpackConfigHook = (config) => ({ ...config, devtool: 'inline-nosources-source-map' });
bundleWorkflowCode({ ...workerData.request, webpackConfigHook, logger: new DefaultLogger('WARN') }).then(
  (bundle) => parentPort.postMessage(bundle.code),
  (err) => parentPort.postMessage({ error: String(err && err.stack || err) }),
);
`;

/**
 * Bundles the workflow code (webpack) in a short-lived thread: the bundle Worker.create would build
 * from `workflowsPath`, less the sources' text in its source map. Webpack's heap (~100 MB) goes away
 * with the thread instead of staying in the worker process for its whole life (measured with `npm run bench`).
 */
export function bundleWorkflowsInThread(request: BundleRequest): Promise<{ code: string }> {
  return new Promise((resolve, reject) => {
    const thread = new Thread(script, { eval: true, workerData: { bundlerModule, loggerModule, request } });
    thread.once('message', (message: string | { error: string }) => {
      if (typeof message === 'string') resolve({ code: message });
      else reject(new Error(`bundling the workflow code failed: ${message.error}`));
    });
    thread.once('error', reject);
    thread.once('exit', (code) => reject(new Error(`the workflow bundling thread exited (${code}) without a bundle`)));
  });
}
