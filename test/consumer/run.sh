#!/usr/bin/env bash
# Builds test/consumer one way against didit and runs it against the installed didit-emulator.
#   run.sh WAY PREFIX WORKDIR SOURCE_DIR CXX
# WAY: find_package | pkg_config | add_subdirectory | fetch_content. PREFIX holds the install
# tree (cmake --install), WORKDIR is scratch space for this way.
set -euo pipefail
way=$1 prefix=$2 work=$3 source=$4 cxx=$5
here=$(cd "$(dirname "$0")" && pwd)
rm -rf "$work" && mkdir -p "$work"

case $way in
pkg_config)
    flags=$(PKG_CONFIG_PATH=$prefix/lib/pkgconfig pkg-config --cflags --libs didit-redis didit)
    # shellcheck disable=SC2086 # the flags are meant to split into words
    "$cxx" -std=c++20 "$here/main.cpp" -o "$work/consumer" $flags
    ;;
find_package | add_subdirectory | fetch_content)
    cmake -S "$here" -B "$work/build" -G Ninja --no-warn-unused-cli -DCMAKE_CXX_COMPILER="$cxx" \
        -DDIDIT_CONSUME="$way" -DDIDIT_SOURCE_DIR="$source" -DCMAKE_PREFIX_PATH="$prefix" \
        -DBUILD_SHARED_LIBS="$([[ $way == fetch_content ]] && echo ON || echo OFF)" >/dev/null
    if [[ $way == add_subdirectory ]]; then
        # FetchContent_MakeAvailable is add_subdirectory underneath, and the fetch_content way
        # compiles, links and runs the same sources; compiling them twice would cost the suite
        # minutes. Here: the project configures as a subdirectory and ninja can build the
        # consumer (a dry run checks the whole graph).
        cmake --build "$work/build" --target consumer -- -n >/dev/null
        echo "add_subdirectory: configured; the consumer's build graph is complete"
        exit 0
    fi
    cmake --build "$work/build" -j "${DIDIT_JOBS:-2}" --target consumer >/dev/null
    cp "$work/build/consumer" "$work/consumer"
    if [[ $way == fetch_content ]]; then # built with BUILD_SHARED_LIBS=ON: a versioned library
        library=$(find "$work/build" -name 'libdidit.so.*.*.*' -print -quit)
        [[ -n $library ]] || { echo "no versioned libdidit.so" >&2; exit 1; }
        # Not grep -q: leaving early would end ldd with SIGPIPE, which pipefail reports as failure.
        ldd "$work/consumer" | grep "libdidit.so.[0-9]" >/dev/null || { echo "consumer not linked to libdidit.so" >&2; exit 1; }
        echo "shared: ${library##*/}"
    fi
    ;;
*)
    echo "unknown way $way" >&2
    exit 2
    ;;
esac

# The installed emulator on a free port; the export lines it prints configure the consumer.
exec {emulator_out}< <(exec "$prefix/bin/didit-emulator" --cert-out "$work/ca.pem")
emulator=$!
trap 'kill $emulator 2>/dev/null || true' EXIT
while read -r -u "$emulator_out" line; do
    if [[ $line == "export DIDIT_"* ]]; then
        assignment=${line#export }
        export "${assignment%% *}" # without the comment after the value
    fi
    [[ $line == "export DIDIT_RATE_LIMITS"* ]] && break
done
unset DIDIT_API_KEY
[[ -n ${DIDIT_API_URL:-} ]] || { echo "the emulator printed no DIDIT_API_URL" >&2; exit 1; }
"$work/consumer"
