import { requireBinary, TEMPORAL_CLI, TEMPORAL_TEST_SERVER } from './cli-resolver';

/** `npx tsx src/temporal/install-binaries.ts`: resolve (and if needed install) both Temporal binaries. */
for (const spec of [TEMPORAL_CLI, TEMPORAL_TEST_SERVER]) {
  try {
    console.log(`${spec.command}: ${requireBinary(spec)}`);
  } catch (err) {
    console.error(`switchyard: ${(err as Error).message}`);
    process.exit(1);
  }
}
