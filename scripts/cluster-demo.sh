#!/usr/bin/env bash
# A Passerelle cluster on loopback (docs/cluster.md, "Running it on loopback"): three nats-server processes
# clustered with JetStream, three passerelle-server nodes in cluster mode, haproxy in front
# (deploy/haproxy/passerelle.cfg). The nodes start together on an empty log and create one bootstrap admin
# key for the cluster; the demo's keys are created with it through the proxy (through the log). Imports the
# sample cohort through the proxy, measures match QPS through
# the proxy and on one node directly, then runs passerelle-load and a writer through the proxy while it
# kills -9 one nats-server and one node, restarts both, and checks:
#   - every acknowledged write is on every node (each id read back from each node; the counts agree),
#   - every node ends with the same records checksum (GET /checksum on the metrics port),
#   - reads went on: the load's errors stay under 2% of its calls (calls in flight on the killed node, and
#     the ~1 s before haproxy's check takes it out, may fail; nothing else may),
#   - the killed node catches up after its restart (its /ready says 1 again).
# Prints QPS through the proxy vs one node, the catch-up rate and the time to converge.
#
# Usage: scripts/cluster-demo.sh [--short]   (BUILD_DIR: the build folder, default build)
#   --short   smaller load phases (about 60 s in all), for CI (ctest -L cluster)
# Exit: 0 all checks passed, 1 a check failed, 77 nats-server or haproxy missing (ctest: skipped).
set -euo pipefail
SHORT=0
for arg in "$@"; do
  case "$arg" in
    --short) SHORT=1 ;;
    -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
    *) echo "cluster-demo.sh: unknown argument $arg" >&2; exit 2 ;;
  esac
done
cd "$(dirname "$0")/.."
ROOT=$(pwd)
BUILD_DIR=${BUILD_DIR:-build}
case "$BUILD_DIR" in /*) ;; *) BUILD_DIR="$ROOT/$BUILD_DIR" ;; esac
for tool in nats-server haproxy; do
  command -v "$tool" >/dev/null || { echo "cluster-demo.sh: $tool is not installed: skipped" >&2; exit 77; }
done
SERVER_BIN="$BUILD_DIR/server/passerelle-server"
CLI_BIN="$BUILD_DIR/clients/passerelle"
LOAD_BIN="$BUILD_DIR/benchmarks/passerelle-load"
for bin in "$SERVER_BIN" "$CLI_BIN" "$LOAD_BIN"; do
  [ -x "$bin" ] || { echo "cluster-demo.sh: $bin is not built" >&2; exit 1; }
done
if [ "$SHORT" -eq 1 ]; then BENCH_SECONDS=4; CHAOS_SECONDS=24; else BENCH_SECONDS=10; CHAOS_SECONDS=60; fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/passerelle-cluster.XXXXXX")
declare -A PIDS=()
cleanup() {
  for name in "${!PIDS[@]}"; do kill -TERM "${PIDS[$name]}" 2>/dev/null || true; done
  for name in "${!PIDS[@]}"; do wait "${PIDS[$name]}" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT
say() { printf '\n==> %s\n' "$*"; }
fail() { echo "cluster-demo.sh: FAILED: $*" >&2; for f in "$WORK"/*.log; do echo "--- $f" >&2; tail -n 15 "$f" >&2; done; exit 1; }
# Free loopback ports, below the kernel's ephemeral range (scripts/free-ports.py says why).
PORTS=$(python3 scripts/free-ports.py 14) || fail "not enough free loopback ports"
read -r -a P <<<"$PORTS"
NATS_PORT=("${P[0]}" "${P[1]}" "${P[2]}"); ROUTE_PORT=("${P[3]}" "${P[4]}" "${P[5]}")
GRPC_PORT=("${P[6]}" "${P[7]}" "${P[8]}"); METRICS_PORT=("${P[9]}" "${P[10]}" "${P[11]}")
PROXY_PORT=${P[12]}; STATS_PORT=${P[13]}
ROUTES="nats://127.0.0.1:${ROUTE_PORT[0]},nats://127.0.0.1:${ROUTE_PORT[1]},nats://127.0.0.1:${ROUTE_PORT[2]}"
LOG_URLS="nats://127.0.0.1:${NATS_PORT[0]},nats://127.0.0.1:${NATS_PORT[1]},nats://127.0.0.1:${NATS_PORT[2]}"

start_nats() {  # index
  local i=$1
  nats-server -a 127.0.0.1 -p "${NATS_PORT[$i]}" -n "s$i" -js -sd "$WORK/nats$i" --cluster_name passerelle-demo \
    --cluster "nats://127.0.0.1:${ROUTE_PORT[$i]}" --routes "$ROUTES" >>"$WORK/nats$i.log" 2>&1 &
  PIDS[nats$i]=$!
}
start_node() {  # index
  local i=$1
  "$SERVER_BIN" --listen="127.0.0.1:${GRPC_PORT[$i]}" --metrics_listen="127.0.0.1:${METRICS_PORT[$i]}" \
    --data_dir="$WORK/node$i" --cluster_log="$LOG_URLS" --cluster_node_id="n$i" >>"$WORK/node$i.log" 2>&1 &
  PIDS[node$i]=$!
}
metric() {  # index page series -> value ("" when the page is not served)
  curl -s --max-time 2 "http://127.0.0.1:${METRICS_PORT[$1]}/$2" | awk -v s="$3" '$1 == s { print $2 }'
}
checksum() { curl -s --max-time 10 "http://127.0.0.1:${METRICS_PORT[$1]}/checksum" | sed -n 's/.*value="\([0-9a-f]*\)".*/\1/p'; }
ready() { [ "$(metric "$1" ready passerelle_ready)" = "1" ]; }
wait_ready() {  # index seconds
  for _ in $(seq 1 $(($2 * 10))); do ready "$1" && return 0; sleep 0.1; done
  return 1
}
now() { date +%s.%N; }

say "Three nats-server (JetStream, clustered) and three passerelle-server nodes, started together on an empty log"
for i in 0 1 2; do start_nats "$i"; done
for i in 0 1 2; do  # a node's first connection needs its first server up
  for _ in $(seq 1 100); do (exec 3<>"/dev/tcp/127.0.0.1/${NATS_PORT[$i]}") 2>/dev/null && break; sleep 0.1; done
done
for i in 0 1 2; do start_node "$i"; done
for i in 0 1 2; do wait_ready "$i" 60 || fail "node $i is not ready after 60 s"; done
echo "nats: ${NATS_PORT[*]}  nodes (gRPC): ${GRPC_PORT[*]}  metrics: ${METRICS_PORT[*]}"
# One admin key for the cluster (log entry 1): only the node whose key the log kept wrote its secret.
ADMIN_KEYS=$(ls "$WORK"/node*/bootstrap-admin.key 2>/dev/null || true)
[ "$(echo "$ADMIN_KEYS" | grep -c .)" -eq 1 ] || fail "expected one bootstrap key file, found: ${ADMIN_KEYS:-none}"
echo "bootstrap admin key written by $(basename "$(dirname "$ADMIN_KEYS")") only"

say "haproxy on 127.0.0.1:$PROXY_PORT (deploy/haproxy/passerelle.cfg)"
export PASSERELLE_PROXY_BIND="127.0.0.1:$PROXY_PORT" PASSERELLE_PROXY_STATS="127.0.0.1:$STATS_PORT"
for i in 0 1 2; do
  export "PASSERELLE_NODE$((i + 1))=127.0.0.1:${GRPC_PORT[$i]}" "PASSERELLE_NODE$((i + 1))_METRICS_PORT=${METRICS_PORT[$i]}"
done
haproxy -f deploy/haproxy/passerelle.cfg -db >"$WORK/haproxy.log" 2>&1 &
PIDS[haproxy]=$!
export PASSERELLE_SERVER="127.0.0.1:$PROXY_PORT"
"$CLI_BIN" health --wait 30 >/dev/null || fail "no answer through haproxy"

say "Keys of the organisation sample, created through the proxy with the bootstrap key (log entries 2 and 3)"
for role in counsellor employer; do
  (umask 077 && "$CLI_BIN" keys create --organisation sample --role "$role" --description cluster-demo \
    --key-file "$ADMIN_KEYS" --secret-only >"$WORK/$role.key") || fail "keys create $role"
done
# A key authenticates on a node once that node applied its entry.
for i in 0 1 2; do
  for _ in $(seq 1 100); do [ "$(metric "$i" ready passerelle_cluster_applied_sequence)" -ge 3 ] 2>/dev/null && break; sleep 0.1; done
  [ "$(metric "$i" ready passerelle_cluster_applied_sequence)" -ge 3 ] || fail "node $i did not apply the keys"
done
export PASSERELLE_KEY_FILE="$WORK/counsellor.key"

say "Importing the sample cohort through the proxy"
"$CLI_BIN" import candidates data/sample/candidates.jsonl >/dev/null || fail "import of candidates"
"$CLI_BIN" import openings data/sample/openings.jsonl --key-file "$WORK/employer.key" >/dev/null || fail "import of openings"
BASE_CANDIDATES=$(wc -l <data/sample/candidates.jsonl)

load() {  # server seconds json
  PASSERELLE_KEY=$(cat "$WORK/counsellor.key") "$LOAD_BIN" --server="$1" --rpc=match_openings --concurrency=4 \
    --candidates=500 --openings=150 --duration_seconds="$2" --requests=100000000 --warmup_seconds=0.5 \
    --health_baseline=false --json="$3" >>"$WORK/load.log" 2>&1
}
field() { python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["runs"][0]; print(eval(sys.argv[2]))' "$1" "$2"; }
say "match_openings QPS, 4 streams, ${BENCH_SECONDS} s each: one node directly, then through the proxy"
load "127.0.0.1:${GRPC_PORT[0]}" "$BENCH_SECONDS" "$WORK/direct.json" || fail "passerelle-load on node 0"
load "127.0.0.1:$PROXY_PORT" "$BENCH_SECONDS" "$WORK/proxy.json" || fail "passerelle-load through the proxy"
DIRECT_QPS=$(field "$WORK/direct.json" 'round(r["qps"])'); PROXY_QPS=$(field "$WORK/proxy.json" 'round(r["qps"])')
echo "one node directly: $DIRECT_QPS QPS; through haproxy (3 nodes): $PROXY_QPS QPS"

say "${CHAOS_SECONDS} s of reads and writes through the proxy; kill -9 of nats-server s1 and node 2 at 1/3"
load "127.0.0.1:$PROXY_PORT" "$CHAOS_SECONDS" "$WORK/chaos.json" &
LOAD_PID=$!
# The writer: new candidates (copies of the first sample candidate under new ids), one call each.
TEMPLATE=$(head -n 1 data/sample/candidates.jsonl)
: >"$WORK/acked"; ATTEMPTED=0
writer_until() {  # end time
  while [ "$(echo "$(now) < $1" | bc)" = 1 ]; do
    ATTEMPTED=$((ATTEMPTED + 1))
    local id; id=$(printf 'cand-9%05d' "$ATTEMPTED")
    if echo "${TEMPLATE/\"cand-000000\"/\"$id\"}" | "$CLI_BIN" put candidate - >/dev/null 2>>"$WORK/writer.log"; then
      echo "$id" >>"$WORK/acked"
    fi
  done
}
START=$(now)
writer_until "$(echo "$START + $CHAOS_SECONDS / 3" | bc)"
APPLIED_AT_KILL=$(metric 2 ready passerelle_cluster_applied_sequence)
kill -KILL "${PIDS[nats1]}" "${PIDS[node2]}"; wait "${PIDS[nats1]}" "${PIDS[node2]}" 2>/dev/null || true
echo "killed at +$(echo "$(now) - $START" | bc | cut -c1-5) s (node 2 had applied sequence $APPLIED_AT_KILL)"
writer_until "$(echo "$START + 2 * $CHAOS_SECONDS / 3" | bc)"
start_nats 1
RESTART=$(now); start_node 2
echo "restarted both at +$(echo "$RESTART - $START" | bc | cut -c1-5) s"
writer_until "$(echo "$START + $CHAOS_SECONDS" | bc)"
wait "$LOAD_PID" || fail "passerelle-load during the kills"
ACKED=$(wc -l <"$WORK/acked")
echo "writes: $ATTEMPTED attempted, $ACKED acknowledged"

say "Convergence"
wait_ready 2 120 || fail "node 2 is not ready 120 s after its restart"
CAUGHT_UP=$(now)
CONVERGED=""
for _ in $(seq 1 600); do
  a=$(checksum 0); b=$(checksum 1); c=$(checksum 2)
  if [ -n "$a" ] && [ "$a" = "$b" ] && [ "$a" = "$c" ]; then CONVERGED=$(now); break; fi
  sleep 0.1
done
[ -n "$CONVERGED" ] || fail "the nodes' checksums differ after 60 s: $a $b $c"
LAST=$(metric 0 ready passerelle_cluster_applied_sequence)
for i in 0 1 2; do
  n=$(curl -s "http://127.0.0.1:${METRICS_PORT[$i]}/metrics" | awk '$1 == "passerelle_records{kind=\"candidate\"}" { print $2 }')
  [ "$n" -ge $((BASE_CANDIDATES + ACKED)) ] && [ "$n" -le $((BASE_CANDIDATES + ATTEMPTED)) ] ||
    fail "node $i holds $n candidates, not between $((BASE_CANDIDATES + ACKED)) and $((BASE_CANDIDATES + ATTEMPTED))"
  missing=0
  while read -r id; do
    PASSERELLE_SERVER="127.0.0.1:${GRPC_PORT[$i]}" "$CLI_BIN" get candidate "$id" >/dev/null 2>&1 || missing=$((missing + 1))
  done <"$WORK/acked"
  [ "$missing" -eq 0 ] || fail "node $i misses $missing acknowledged writes"
  echo "node $i: $n candidates, every acknowledged write present, checksum ${a:0:16}..."
done
CATCHUP_S=$(echo "$CAUGHT_UP - $RESTART" | bc)
ENTRIES=$((LAST - ${APPLIED_AT_KILL:-0}))
echo "node 2: ready $(printf '%.1f' "$CATCHUP_S") s after its restart (applied $ENTRIES entries missed:" \
  "$(python3 -c "print(round($ENTRIES / max($CATCHUP_S, 0.001)))") entries/s incl. start);" \
  "all checksums equal $(printf '%.1f' "$(echo "$CONVERGED - $RESTART" | bc)") s after the restart (log at sequence $LAST)"
CALLS=$(field "$WORK/chaos.json" 'r["answers"]'); ERRS=$(field "$WORK/chaos.json" 'r["answers"] - r["ok"]')
echo "reads during the kills: $CALLS calls, $ERRS errors ($(field "$WORK/chaos.json" 'r["errors"]')), $(field "$WORK/chaos.json" 'round(r["qps"])') QPS"
[ $((ERRS * 50)) -le "$CALLS" ] || fail "more than 2% of the reads failed"
say "All checks passed"
