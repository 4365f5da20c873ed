#!/usr/bin/env bash
# The whole test suite, from a fresh Debian 12 machine: installs the packages, builds twice
# (plain, then with AddressSanitizer + UndefinedBehaviorSanitizer) and runs every test on both.
# DIDIT_TSAN=1 adds a ThreadSanitizer build of the multi-threaded tests.
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
run_variant build-tests -DCMAKE_BUILD_TYPE=RelWithDebInfo
echo "== AddressSanitizer + UndefinedBehaviorSanitizer =="
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
    run_variant build-sanitize -DCMAKE_BUILD_TYPE=Debug -DDIDIT_SANITIZERS=address,undefined
if [[ ${DIDIT_TSAN:-0} == 1 ]]; then
    echo "== ThreadSanitizer (multi-threaded tests) =="
    cmake -S . -B build-tsan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DDIDIT_SANITIZERS=thread
    cmake --build build-tsan -j "$jobs" --target concurrency_tests token_tests embedding_server_tests
    TSAN_OPTIONS=halt_on_error=1 ctest --test-dir build-tsan -R 'concurrency|token|embedding' --output-on-failure
fi
