#!/usr/bin/env bash
# Client instructions per extra create_session, counted by callgrind: didit-bench runs N1, then
# N2 calls against a didit-emulator in another process (so only the client is counted), and
# the difference of the totals over N2 - N1 is the marginal cost of one call, free of start-up.
#
#   bash bench/callgrind-marginal.sh [BUILD_DIR]     (a Release build; N1, N2, CONCURRENCY in env)
set -euo pipefail
build=${1:-build}
n1=${N1:-1000}
n2=${N2:-3000}
concurrency=${CONCURRENCY:-16}
work=$(mktemp -d)
"$build/src/emulator/didit-emulator" --port 0 --cert-out "$work/ca.pem" >"$work/emulator.log" &
emulator=$!
trap 'kill $emulator 2>/dev/null; rm -rf "$work"' EXIT
until grep -q "listening on" "$work/emulator.log"; do
    kill -0 $emulator || { cat "$work/emulator.log"; exit 1; }
    sleep 0.1
done
url=$(sed -n 's/.*listening on //p' "$work/emulator.log")

instructions() {
    DIDIT_CLIENT_ID=emulator-client DIDIT_CLIENT_SECRET=emulator-secret DIDIT_RATE_LIMITS=off \
        DIDIT_AUTH_URL=$url DIDIT_API_URL=$url DIDIT_CA_FILE=$work/ca.pem \
        valgrind --tool=callgrind --callgrind-out-file="$work/cg.$1" \
        "$build/bench/didit-bench" --requests "$1" --concurrency "$concurrency" >/dev/null 2>&1
    sed -n 's/^summary: //p' "$work/cg.$1"
}
i1=$(instructions "$n1")
i2=$(instructions "$n2")
echo "instructions: $n1 calls: $i1, $n2 calls: $i2"
echo "marginal instructions per create_session: $(((i2 - i1) / (n2 - n1)))"
