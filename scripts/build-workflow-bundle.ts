/**
 * `npm run build:workflows`: bundles the interpreter's workflow code once, into the on-disk cache
 * the worker reads at start (src/temporal/workflow-bundle-cache.ts), so no worker process runs
 * webpack. Run it after install and after changing workflows/ (the Dockerfile does); a worker that
 * finds no bundle for its exact sources builds one itself.
 */
import { failureConverterPath } from '../src/security/payload-codec';
import { cachedWorkflowBundle, defaultBundleCacheDir, engineBundleRequest } from '../src/temporal/workflow-bundle-cache';

async function main() {
  const bundle = await cachedWorkflowBundle(engineBundleRequest(undefined, { failureConverterPath }), {
    onWriteError: (err) => {
      throw err;
    },
  });
  console.log(`workflow bundle ${bundle.key} ${bundle.cached ? 'is up to date' : 'built'} in ${defaultBundleCacheDir} (${Math.round(bundle.code.length / 1024)} KiB)`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
