#!/usr/bin/env bash
# Installs what a fresh Debian 12 machine lacks to build bnc (--runtime) or to build and test it
# (default). Idempotent: a second run installs nothing and takes a second.
set -euo pipefail

usage() {
  cat <<'USAGE'
Usage: scripts/bootstrap.sh [--runtime]

  --runtime   only what building and running the tools needs (libcurl, OpenSSL headers)
  (default)   also the test peers: shellcheck, chromium, zstd, GNU time, tmux, curl, jq, GNU
              parallel, node_exporter and promtool (prometheus-node-exporter, prometheus), and the pinned
              Python packages in scripts/requirements-test.txt
USAGE
}

runtime_only=0
case "${1:-}" in
  --runtime) runtime_only=1 ;;
  -h|--help) usage; exit 0 ;;
  "") ;;
  *) usage >&2; exit 64 ;;
esac

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
apt_packages=(libcurl4-openssl-dev libssl-dev zstd)
if [ "$runtime_only" -eq 0 ]; then
  apt_packages+=(shellcheck chromium time openssl gzip faketime procps util-linux e2fsprogs tmux curl jq parallel prometheus-node-exporter prometheus)
fi

missing=()
for p in "${apt_packages[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  echo "bootstrap: installing ${missing[*]}" >&2
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if [ "$runtime_only" -eq 0 ]; then
  if ! python3 - "$here/requirements-test.txt" <<'PY' 2>/dev/null
import sys
from importlib.metadata import version
for line in open(sys.argv[1]):
    line = line.split('#')[0].strip()
    if not line:
        continue
    name, pinned = line.split('==')
    if version(name) != pinned:
        sys.exit(1)
PY
  then
    echo "bootstrap: installing Python test packages" >&2
    python3 -m pip install -q --disable-pip-version-check -r "$here/requirements-test.txt"
  fi
fi
