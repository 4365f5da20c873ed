#!/usr/bin/env bash
# Client instructions per extra call, counted by callgrind: each client runs N1, then N2 calls
# against a didit-emulator in another process (so only the client is counted), and the
# difference of the totals over N2 - N1 is the marginal cost of one call, free of start-up.
#
#   bash bench/callgrind-marginal.sh [BUILD_DIR] [all]     (a Release build)
#
# Measures didit-bench's v1 create_session (token, pool, strand: the figure the README quotes).
# With `all`, also v3 creates of didit-bench and of naive-beast-bench (the peer), on kept-alive
# connections and with --fresh-connections, and prints the ratios. N1, N2 (kept-alive),
# FRESH_N1, FRESH_N2 and CONCURRENCY come from the environment.
set -euo pipefail
build=${1:-build}
scope=${2:-}
n1=${N1:-1000}
n2=${N2:-3000}
fresh_n1=${FRESH_N1:-100}
fresh_n2=${FRESH_N2:-300}
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
workflow=11111111-2222-3333-4444-555555555555

# instructions COUNT PROGRAM [ARGS...]: callgrind's total for PROGRAM --requests COUNT ARGS.
instructions() {
    local count=$1 program=$2
    shift 2
    DIDIT_CLIENT_ID=${CLIENT_ID-} DIDIT_CLIENT_SECRET=${CLIENT_SECRET-} DIDIT_API_KEY=${API_KEY-} \
        DIDIT_RATE_LIMITS=off DIDIT_AUTH_URL=$url DIDIT_API_URL=$url DIDIT_CA_FILE=$work/ca.pem \
        valgrind --tool=callgrind --callgrind-out-file="$work/cg" \
        "$program" --requests "$count" --concurrency "$concurrency" "$@" >/dev/null 2>&1
    sed -n 's/^summary: //p' "$work/cg"
}

# marginal LABEL N1 N2 PROGRAM [ARGS...]: prints and returns (in $per_call) the marginal cost.
marginal() {
    local label=$1 first=$2 second=$3
    shift 3
    local i1 i2
    i1=$(instructions "$first" "$@")
    i2=$(instructions "$second" "$@")
    per_call=$(((i2 - i1) / (second - first)))
    printf '%-44s %10d instructions per call (%d calls: %d, %d calls: %d)\n' \
        "$label" "$per_call" "$first" "$i1" "$second" "$i2"
}

# --warm-up: one call first leaves a TLS session that the pool's other connections resume, so
# that both runs pay the same handshakes (how many would be full otherwise depends on timing).
bench=$build/bench/didit-bench
naive=$build/bench/naive-beast-bench
CLIENT_ID=emulator-client CLIENT_SECRET=emulator-secret \
    marginal "didit v1 create_session, kept alive" "$n1" "$n2" "$bench" --warm-up
echo "marginal instructions per create_session: $per_call"
[ "$scope" = all ] || exit 0

export API_KEY=emulator-api-key
marginal "didit v3 create, kept alive" "$n1" "$n2" "$bench" --workflow-id $workflow --warm-up
ours_kept=$per_call
marginal "naive Beast v3 create, kept alive" "$n1" "$n2" "$naive"
naive_kept=$per_call
marginal "didit v3 create, fresh connections" "$fresh_n1" "$fresh_n2" "$bench" \
    --workflow-id $workflow --fresh-connections
ours_fresh=$per_call
marginal "naive Beast v3 create, fresh connections" "$fresh_n1" "$fresh_n2" "$naive" \
    --fresh-connections
naive_fresh=$per_call
awk -v a="$ours_kept" -v b="$naive_kept" -v c="$ours_fresh" -v d="$naive_fresh" 'BEGIN {
    printf "kept alive: didit / naive Beast = %.2f\n", a / b
    printf "fresh connections: didit / naive Beast (full handshakes) = %.2f\n", c / d
}'
