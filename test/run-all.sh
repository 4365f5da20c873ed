#!/usr/bin/env bash
# The whole test suite, from a fresh Debian 12 machine: installs the packages, builds and runs
# every test plain and with AddressSanitizer + UndefinedBehaviorSanitizer, runs the multi-
# threaded tests under ThreadSanitizer, then each fuzzer for DIDIT_FUZZ_SECONDS (default 20).
set -euo pipefail
cd "$(dirname "$0")/.."
bash .ci/install-deps
jobs=${DIDIT_JOBS:-2}

run_variant() {
    local dir=$1
    shift
    cmake -S . -B "$dir" -G Ninja -DDIDIT_BUILD_TESTS=ON "$@"
    cmake --build "$dir" -j "$jobs"
    ctest --test-dir "$dir" -j "$jobs" --output-on-failure
}

echo "== plain build =="
# Optimised (-O1) without debug information: on CI's two cores that compiles in about half the
# time of -O2 -g. -O3 is what the benchmark's Release build measures; the sanitized build below
# keeps debug information for its reports.
run_variant build-tests -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_FLAGS_RELEASE="-O1 -DNDEBUG"
echo "== AddressSanitizer + UndefinedBehaviorSanitizer =="
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
    run_variant build-sanitize -DCMAKE_BUILD_TYPE=Debug -DDIDIT_SANITIZERS=address,undefined
echo "== ThreadSanitizer (multi-threaded tests) =="
cmake -S . -B build-tsan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DDIDIT_SANITIZERS=thread
cmake --build build-tsan -j "$jobs" --target concurrency_tests token_tests embedding_server_tests
TSAN_OPTIONS="halt_on_error=1 suppressions=$PWD/test/tsan.supp" ctest --test-dir build-tsan -j "$jobs" \
    -R '^(concurrency|token|embedding_server)_tests$' --output-on-failure
echo "== fuzzing =="
bash test/fuzz/run.sh "${DIDIT_FUZZ_SECONDS:-20}"
