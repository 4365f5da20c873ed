#!/usr/bin/env bash
# Didit's own Node client against the emulator: installs @didit-protocol/mcp-server 4.0.0 from
# the npm registry (cached in the build tree), starts the emulator, takes the export lines it
# prints, and runs every tool of the client (drive.js). Usage: run.sh EMULATOR_BINARY WORK_DIR
set -euo pipefail
emulator_binary=$1
work=$2
here=$(cd "$(dirname "$0")" && pwd)
package=@didit-protocol/mcp-server@4.0.0
mkdir -p "$work"
index=$work/node_modules/@didit-protocol/mcp-server/dist/index.js
if [[ ! -f $index ]]; then
    npm install --prefix "$work" --no-audit --no-fund --silent "$package" >/dev/null ||
        { echo "npm could not install $package (is the npm registry reachable?)" >&2; exit 1; }
fi

exec {emulator_out}< <(exec "$emulator_binary" --cert-out "$work/ca.pem")
emulator=$!
trap 'kill $emulator 2>/dev/null || true' EXIT
while read -r -u "$emulator_out" line; do
    if [[ $line == "export "* ]]; then
        assignment=${line#export }
        export "${assignment%% *}" # without the comment after the value
    fi
    [[ $line == "export DIDIT_RATE_LIMITS"* ]] && break
done
[[ -n ${DIDIT_API_BASE_URL:-} ]] || { echo "the emulator printed no DIDIT_API_BASE_URL" >&2; exit 1; }
[[ ${NODE_EXTRA_CA_CERTS:-} == /* ]] || { echo "NODE_EXTRA_CA_CERTS is not absolute" >&2; exit 1; }
mkdir -p "$work/scratch"
node "$here/drive.js" "$index" "$work/scratch"
