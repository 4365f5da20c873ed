#!/usr/bin/env bash
# The quickstart demo, from a fresh Debian 12 machine: installs the packages, builds, and
# creates a verification session. Without DIDIT_* credentials it runs against the embedded
# emulator; with them, against the service they name.
set -euo pipefail
cd "$(dirname "$0")/.."
bash .ci/install-deps
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release -DDIDIT_BUILD_TESTS=OFF
cmake --build build -j "${DIDIT_JOBS:-2}" --target didit-quickstart
./build/example/didit-quickstart
