#!/usr/bin/env bash
# Installs the Debian bookworm packages Passerelle builds with. Quick when they are already there.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config lld
  libabsl-dev libeigen3-dev
  libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler
  librocksdb-dev
  libssl-dev openssl
  libgtest-dev libgmock-dev libbenchmark-dev
  prometheus-cpp-dev clang-14 libclang-rt-14-dev
  gnuplot-nox python3 python3-grpcio python3-protobuf python3-pytest
  libpq-dev postgresql-15 postgresql-15-postgis-3
  libcpp-httplib-dev chromium chromium-driver python3-selenium fonts-dejavu-core
  nats-server nlohmann-json3-dev
  curl
  haproxy bc yamllint
  libsimdjson-dev
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "Installing: ${missing[*]}"
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
