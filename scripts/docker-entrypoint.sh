#!/bin/sh
# The image's entry point: `switchyard <command>` under node.
# The worker's V8 heap grows by 15 % after each collection (NODE_OPTIONS refuses the flag, so it goes here):
# that small growth is what bounds the worker's peak under a backlog. `--optimize-for-size` bounded it too, but
# cost the worker ~30 % more CPU per run (bench/RESULTS.md, "Issue #13 runs, worker flags, quiet A/B"), and the API 44 % more
# per webhook ("Issue #13 runs, ack path").
set -e
cli="$(dirname "$0")/../bin/switchyard"
if [ "$1" = "worker" ]; then
  exec node --heap-growing-percent=15 "$cli" "$@"
fi
exec node "$cli" "$@"
