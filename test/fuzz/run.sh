#!/usr/bin/env bash
# Builds every fuzzer with Debian's clang 14 (libFuzzer, AddressSanitizer, UndefinedBehavior-
# Sanitizer; no -g, which clang 14 cannot combine with the sanitizers on coroutine code) and
# runs each for SECONDS (default 30) from its committed seed corpus. Exits non-zero when any
# fuzzer finds a crash, a leak, undefined behaviour or a timeout; the input that did it is kept
# in build-fuzz/findings/. New inputs the fuzzers discover stay in a scratch directory.
set -euo pipefail
seconds=${1:-30}
cd "$(dirname "$0")/../.."
build=${DIDIT_FUZZ_BUILD:-build-fuzz}
jobs=${DIDIT_JOBS:-2}

CXX=clang++-14 cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
    -DDIDIT_BUILD_FUZZERS=ON -DDIDIT_BUILD_TESTS=OFF -DDIDIT_BUILD_EXAMPLES=OFF \
    -DDIDIT_BUILD_BENCH=OFF -DDIDIT_SANITIZERS=address,undefined >/dev/null
cmake --build "$build" -j "$jobs" --target fuzzers

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
mkdir -p "$build/findings"

run_one() { # name
    local name=$1 log="$scratch/$1.log"
    mkdir -p "$scratch/$name"
    if "$build/test/fuzz/${name}_fuzzer" -max_total_time="$seconds" -timeout=10 \
        -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$build/findings/$name-" \
        "$scratch/$name" "test/fuzz/corpus/$name" >"$log" 2>&1; then
        printf '%-18s %12s execs, no findings\n' "$name" \
            "$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")"
    else
        echo "$name: FINDING"
        tail -n 60 "$log"
        return 1
    fi
}
export -f run_one
export build seconds scratch

names=$(ls test/fuzz/corpus)
echo "== fuzzing each target for ${seconds} s =="
# One fuzzer per core; every target runs even when one finds something.
printf '%s\n' $names | xargs -P "$jobs" -I{} bash -c 'run_one {}'
