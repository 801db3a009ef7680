#!/bin/sh
# The image's entry point: `switchyard <command>` under node.
# The worker's V8 heap grows by 15 % after each collection (NODE_OPTIONS refuses the flag, so it goes here):
# that small growth is what bounds the worker's peak under a backlog. `--optimize-for-size` bounded it too, but
# cost the worker ~30 % more CPU per run (bench/RESULTS.md, "Issue #13 runs, worker flags, quiet A/B"), and the API 44 % more
# per webhook ("Issue #13 runs, ack path").
set -e
cli="$(dirname "$0")/../bin/switchyard"
# The API's young generation is 4 MB instead of NODE_OPTIONS' 2 (a later flag wins): the webhook ack path makes
# short-lived garbage, and half the scavenges cut its CPU per ack (bench/RESULTS.md, "Issue #13 runs, the ack
# path without express").
if [ "$1" = "worker" ]; then
  exec node --heap-growing-percent=15 "$cli" "$@"
fi
if [ "$1" = "api" ]; then
  exec node --max-semi-space-size=4 "$cli" "$@"
fi
exec node "$cli" "$@"
