#!/bin/sh
# The image's entry point: `switchyard <command>` under node.
# The worker runs with V8's memory-over-speed mode (NODE_OPTIONS refuses the flag, so it goes here): its small
# heap growth after each collection is what bounds the worker's peak under a backlog. The API runs without it:
# on the ack path it cost 44 % more CPU per webhook (bench/RESULTS.md, "Issue #13 runs, ack path").
set -e
cli="$(dirname "$0")/../bin/switchyard"
if [ "$1" = "worker" ]; then
  exec node --optimize-for-size "$cli" "$@"
fi
exec node "$cli" "$@"
