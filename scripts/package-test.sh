#!/usr/bin/env bash
# Builds the Debian package (CPack), installs it on this machine with dpkg, starts the service from it and
# runs a match with the installed CLI, the installed Python client and curl through the installed
# HTTP/JSON gateway, then purges the package.
#
# systemd is often not PID 1 in containers and CI, so the service is started as systemd would: the unit's
# ExecStart, as the user passerelle, on free ports (flags override the configuration file). The unit is
# checked with `systemd-analyze verify` when that tool is there.
#
# Needs root (dpkg). Refuses to run where a passerelle package, user or /var/lib/passerelle already
# exists, so that it never touches a real installation. Usage: scripts/package-test.sh (BUILD_DIR, JOBS)
set -euo pipefail
cd "$(dirname "$0")/.."

BUILD_DIR=${BUILD_DIR:-build}
JOBS=${JOBS:-$(nproc)}
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"

fail() { echo "package-test: $*" >&2; exit 1; }

if dpkg-query -W -f='${Status}' passerelle 2>/dev/null | grep -q "installed"; then
  fail "the passerelle package is installed already; not touching it"
fi
getent passwd passerelle >/dev/null && fail "a user passerelle exists already; not touching it"
[ -e /var/lib/passerelle ] && fail "/var/lib/passerelle exists already; not touching it"

cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPASSERELLE_KERNEL_FLATTEN=OFF >/dev/null
cmake --build "$BUILD_DIR" -j "$JOBS" --target passerelle-server passerelle passerelle-generate passerelle-gateway passerelle_python
rm -f "$BUILD_DIR"/passerelle_*.deb
(cd "$BUILD_DIR" && cpack -G DEB >/dev/null)
deb=$(ls "$BUILD_DIR"/passerelle_*.deb)
echo "package-test: built $deb"
dpkg-deb --info "$deb" | grep "Depends:.*libgrpc" >/dev/null || fail "the package does not depend on gRPC's library"
dpkg-deb --contents "$deb" | grep "./etc/passerelle/passerelle.conf" >/dev/null || fail "no configuration file in the package"

work=$(mktemp -d)
server_pid=""
gateway_pid=""
cleanup() {
  [ -n "$gateway_pid" ] && kill "$gateway_pid" 2>/dev/null || true
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true
  $SUDO dpkg --purge passerelle >/dev/null 2>&1 || true
  $SUDO rm -rf /var/lib/passerelle
  getent passwd passerelle >/dev/null && $SUDO userdel passerelle 2>/dev/null || true
  getent group passerelle >/dev/null && $SUDO groupdel passerelle 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

$SUDO dpkg -i "$deb" >/dev/null
# What the package laid out, and what its maintainer scripts made.
for f in /usr/bin/passerelle-server /usr/bin/passerelle /usr/bin/passerelle-gateway /usr/share/passerelle/data/VERSION \
         /usr/lib/systemd/system/passerelle-gateway.service /etc/passerelle/gateway.flags \
         /usr/share/doc/passerelle/operations.md /usr/lib/systemd/system/passerelle.service \
         /etc/passerelle/passerelle.conf /usr/lib/python3/dist-packages/passerelle/v1/matching_pb2.py; do
  [ -e "$f" ] || fail "$f is missing after dpkg -i"
done
dpkg-query -W -f='${Conffiles}\n' passerelle | grep -q /etc/passerelle/passerelle.conf \
  || fail "/etc/passerelle/passerelle.conf is not a conffile"
getent passwd passerelle >/dev/null || fail "postinst did not create the user passerelle"
[ "$(stat -c '%U %a' /var/lib/passerelle)" = "passerelle 750" ] || fail "/var/lib/passerelle: wrong owner or mode"
[ "$(stat -c '%G %a' /etc/passerelle/passerelle.conf)" = "passerelle 640" ] || fail "passerelle.conf: wrong group or mode"
/usr/bin/passerelle-server --help >"$work/help" 2>&1 || true  # absl's --help exits 1
grep -- "--data_dir" "$work/help" >/dev/null || fail "passerelle-server --help does not list its flags"

unit=/usr/lib/systemd/system/passerelle.service
if command -v systemd-analyze >/dev/null; then
  # Offline check of the unit's syntax and of the binary it names; systemd's own units are not ours.
  if ! systemd-analyze verify "$unit" >"$work/verify" 2>&1; then
    grep -i "passerelle" "$work/verify" >&2 && fail "systemd-analyze verify found problems in $unit"
  fi
  grep -i "passerelle.service" "$work/verify" >&2 && fail "systemd-analyze verify warns about $unit"
fi

# The unit's ExecStart, as its user, on free ports.
exec_start=$(sed -n 's/^ExecStart=//p' "$unit")
metrics_port=$(python3 scripts/free-ports.py) || fail "no free loopback port"
# setpriv execs the server itself (runuser would stand between the signal and it).
$SUDO setpriv --reuid=passerelle --regid=passerelle --init-groups -- $exec_start --listen=127.0.0.1:0 --port_file=/var/lib/passerelle/port \
  --metrics_listen=127.0.0.1:"$metrics_port" 2>"$work/server.log" &
server_pid=$!
for _ in $(seq 1 300); do
  [ -s /var/lib/passerelle/port ] && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$work/server.log" >&2; fail "the installed server exited"; }
  sleep 0.1
done
[ -s /var/lib/passerelle/port ] || fail "the installed server did not start within 30 s"
address=127.0.0.1:$($SUDO cat /var/lib/passerelle/port)
[ "$(stat -c '%U %a' /var/lib/passerelle/bootstrap-admin.key)" = "passerelle 600" ] || fail "bootstrap key: wrong owner or mode"

# A match with the installed CLI on the installed sample cohort.
cli() { /usr/bin/passerelle "$@" --server "$address"; }
cli keys create --organisation sample --role counsellor --secret-only --key-file /var/lib/passerelle/bootstrap-admin.key >"$work/counsellor.key"
cli keys create --organisation sample --role employer --secret-only --key-file /var/lib/passerelle/bootstrap-admin.key >"$work/employer.key"
cli import candidates /usr/share/passerelle/data/sample/candidates.jsonl --key-file "$work/counsellor.key" >/dev/null
cli import openings /usr/share/passerelle/data/sample/openings.jsonl --key-file "$work/employer.key" >/dev/null
cli match openings --candidate cand-000379 --k 5 --key-file "$work/counsellor.key" >"$work/match.txt"
grep -q "open-" "$work/match.txt" || { cat "$work/match.txt" >&2; fail "the installed CLI found no match"; }
echo "package-test: installed CLI matched cand-000379:"
cat "$work/match.txt"

# The installed Python client (no PYTHONPATH: the package's copy in Debian's dist-packages).
if /usr/bin/python3 -c "import grpc" 2>/dev/null; then
  env -u PYTHONPATH /usr/bin/python3 - "$address" "$work/counsellor.key" <<'PY'
import sys
import passerelle
client = passerelle.connect(sys.argv[1], key_file=sys.argv[2])
ids = [m.id for m in client.match_openings("cand-000379", k=5).matches]
assert ids and all(i.startswith("open-") for i in ids), ids
print("package-test: installed Python client matched", ids)
PY
else
  echo "package-test: python3-grpcio is not installed; the installed Python client is not tried" >&2
fi

# The metrics endpoint counted those calls.
python3 - "$metrics_port" <<'PY'
import sys, urllib.request
text = urllib.request.urlopen(f"http://127.0.0.1:{sys.argv[1]}/metrics", timeout=10).read().decode()
assert 'passerelle_rpc_calls_total{code="OK",rpc="MatchOpenings"}' in text, "no MatchOpenings count"
assert 'passerelle_records{kind="candidate"} 500' in text, "records gauge does not show the 500 candidates"
print("package-test: metrics endpoint counts the calls")
PY

# The installed gateway (its unit's ExecStart, as its user) in front of the server: a match with curl.
gateway_start=$(sed -n 's/^ExecStart=//p' /usr/lib/systemd/system/passerelle-gateway.service)
$SUDO setpriv --reuid=passerelle --regid=passerelle --init-groups -- $gateway_start --listen=127.0.0.1:0 \
  --server="$address" --port_file=/var/lib/passerelle/gateway.port 2>"$work/gateway.log" &
gateway_pid=$!
for _ in $(seq 1 300); do
  [ -s /var/lib/passerelle/gateway.port ] && break
  kill -0 "$gateway_pid" 2>/dev/null || { cat "$work/gateway.log" >&2; fail "the installed gateway exited"; }
  sleep 0.1
done
[ -s /var/lib/passerelle/gateway.port ] || fail "the installed gateway did not start within 30 s"
gateway=http://127.0.0.1:$($SUDO cat /var/lib/passerelle/gateway.port)
curl -sS -f -H "Authorization: Bearer $(cat "$work/counsellor.key")" \
  "$gateway/v1/candidates/cand-000379:matchOpenings?k=5&explain=false" >"$work/gateway-match.json" \
  || fail "curl through the installed gateway failed"
grep -q '"id":"open-' "$work/gateway-match.json" || { cat "$work/gateway-match.json" >&2; fail "no match through the gateway"; }
status=$(curl -s -o /dev/null -w '%{http_code}' "$gateway/v1/candidates/cand-000379")
[ "$status" = 401 ] || fail "the installed gateway answered $status without a key (401 expected)"
echo "package-test: curl through the installed gateway matched cand-000379"
kill -TERM "$gateway_pid"
wait "$gateway_pid" || fail "the installed gateway did not exit cleanly on SIGTERM"
gateway_pid=""

kill -TERM "$server_pid"
wait "$server_pid" || fail "the installed server did not exit cleanly on SIGTERM"
server_pid=""

$SUDO dpkg --purge passerelle >/dev/null
[ -e /usr/bin/passerelle-server ] && fail "purge left /usr/bin/passerelle-server"
[ -e /etc/passerelle ] && fail "purge left /etc/passerelle"
[ -d /var/lib/passerelle ] || fail "purge erased /var/lib/passerelle (records must survive a package operation)"
echo "package-test: OK"
