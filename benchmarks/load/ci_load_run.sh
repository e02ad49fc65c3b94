#!/bin/bash
# A short, bounded gRPC load run for CI (ctest: grpc_load_short; docs/benchmarks.md): passerelle-server on
# 127.0.0.1 over a fresh data directory, a small generated cohort imported with the CLI, then passerelle-load
# for each match rpc and Explain at concurrency 1 and 4, the health rpc measured beside each level. It fails
# on any error (a call that does not answer OK, a tool that exits non-zero), never on a time: the QPS
# printed is for reading only.
#
#   ci_load_run.sh SERVER_BINARY CLI_BINARY GENERATE_BINARY LOAD_BINARY
# Environment: LOAD_CANDIDATES (default 2000), LOAD_OPENINGS (200), LOAD_REQUESTS per run (200),
# LOAD_SECONDS per run (2).
set -euo pipefail

if [ $# -ne 4 ]; then
  echo "usage: $0 SERVER_BINARY CLI_BINARY GENERATE_BINARY LOAD_BINARY" >&2
  exit 2
fi
SERVER_BIN=$1 CLI_BIN=$2 GENERATE_BIN=$3 LOAD_BIN=$4
CANDIDATES=${LOAD_CANDIDATES:-2000}
OPENINGS=${LOAD_OPENINGS:-200}
REQUESTS=${LOAD_REQUESTS:-200}
SECONDS_PER_RUN=${LOAD_SECONDS:-2}

WORK=$(mktemp -d "${TMPDIR:-/tmp}/passerelle-load-ci.XXXXXX")
SERVER_PID=""
cleanup() {
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT
fail() {
  echo "grpc_load_short: $1" >&2
  [ -f "$WORK/server.log" ] && tail -n 20 "$WORK/server.log" >&2
  exit 1
}

echo "load average at start: $(cut -d ' ' -f 1-3 /proc/loadavg)"
"$GENERATE_BIN" --seed 42 --candidates "$CANDIDATES" --openings "$OPENINGS" --threads 2 \
  --out-dir "$WORK/cohort" >"$WORK/generate.log" 2>&1 || fail "passerelle-generate failed: $(tail -n 5 "$WORK/generate.log")"

"$SERVER_BIN" --listen=127.0.0.1:0 --data_dir="$WORK/data" --port_file="$WORK/port" 2>>"$WORK/server.log" &
SERVER_PID=$!
for _ in $(seq 1 600); do
  [ -s "$WORK/port" ] && break
  kill -0 "$SERVER_PID" 2>/dev/null || fail "passerelle-server stopped before serving"
  sleep 0.05
done
[ -s "$WORK/port" ] || fail "passerelle-server did not serve within 30 s"
SERVER="127.0.0.1:$(cat "$WORK/port")"
CLI=("$CLI_BIN" --server "$SERVER")
"${CLI[@]}" health --wait 30 >/dev/null || fail "the server does not answer its health rpc"

# The cohort's organisation ("sample"): a counsellor key for the load, an employer key for its openings.
for role in counsellor employer; do
  (umask 077 && "${CLI[@]}" keys create --organisation sample --role "$role" --secret-only \
    --key-file "$WORK/data/bootstrap-admin.key" >"$WORK/$role.key") || fail "cannot create the $role key"
done
PASSERELLE_KEY=$(cat "$WORK/counsellor.key")
export PASSERELLE_KEY
"${CLI[@]}" import candidates "$WORK/cohort/candidates.jsonl" --quiet || fail "candidate import failed"
"${CLI[@]}" import openings "$WORK/cohort/openings.jsonl" --quiet --key-file "$WORK/employer.key" ||
  fail "opening import failed"

LOAD=("$LOAD_BIN" --server="$SERVER" --candidates="$CANDIDATES" --openings="$OPENINGS"
      --requests="$REQUESTS" --duration_seconds="$SECONDS_PER_RUN" --warmup_seconds=0.2 --fail_on_errors)
"${LOAD[@]}" --rpc=match_openings,match_candidates,explain --concurrency=1,4 || fail "passerelle-load reported errors"
# Reasons in English and in both languages take the same path with other words: one short run each.
"${LOAD[@]}" --rpc=match_openings,explain --concurrency=1 --language=en --health_baseline=false ||
  fail "passerelle-load (language en) reported errors"
"${LOAD[@]}" --rpc=match_candidates --concurrency=1 --language=both --health_baseline=false ||
  fail "passerelle-load (language both) reported errors"
kill -0 "$SERVER_PID" 2>/dev/null || fail "passerelle-server stopped during the load"
echo "load average at end: $(cut -d ' ' -f 1-3 /proc/loadavg)"
