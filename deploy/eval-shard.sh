#!/bin/sh
# One shard of an evaluation inside a Kubernetes Indexed Job: the completion index selects the slice.
#   SHARDS            number of shards (= the Job's completions)
#   JOB_COMPLETION_INDEX  set by Kubernetes for Indexed Jobs (0 .. SHARDS-1)
#   RESULTS           folder for the shard files (default /results)
# Every other argument goes to `eval` unchanged (robot, policy, clips, scenario, episodes ...).
set -eu
: "${SHARDS:?set SHARDS to the Job's completions}"
: "${JOB_COMPLETION_INDEX:?not running in an Indexed Job}"
RESULTS="${RESULTS:-/results}"
mkdir -p "$RESULTS"
exec node --import tsx src/cli/eval.ts "$@" --shard "${JOB_COMPLETION_INDEX}/${SHARDS}" \
  --out "${RESULTS}/shard-${JOB_COMPLETION_INDEX}-of-${SHARDS}.json" --quiet
