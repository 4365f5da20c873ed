#!/usr/bin/env bash
# Builds the Debian package of a configured build tree and checks what it holds.
#   check-deb.sh BUILD_DIR WORKDIR
set -euo pipefail
build=$1 work=$2
rm -rf "$work" && mkdir -p "$work"
cpack -G DEB --config "$build/CPackConfig.cmake" -B "$work" >/dev/null
deb=$(find "$work" -maxdepth 1 -name 'libdidit-dev_*.deb' -print -quit)
[[ -n $deb ]] || { echo "cpack made no libdidit-dev .deb" >&2; exit 1; }
contents=$(dpkg-deb --contents "$deb")
missing=0
for path in ./usr/include/didit/client.hpp ./usr/include/didit/detail/initiate.hpp \
    ./usr/include/didit/detail/operations.hpp ./usr/include/didit/emulator.hpp \
    ./usr/lib/cmake/didit/didit-config.cmake ./usr/lib/cmake/didit/didit-targets.cmake \
    ./usr/lib/pkgconfig/didit.pc ./usr/lib/pkgconfig/didit-redis.pc ./usr/include/didit/redis.hpp \
    ./usr/bin/didit ./usr/bin/didit-emulator; do
    grep -q " $path\$" <<<"$contents" || { echo "missing from the package: $path" >&2; missing=1; }
done
grep -Eq " ./usr/lib/libdidit\.(a|so\.[0-9.]+)\$" <<<"$contents" ||
    { echo "missing from the package: libdidit" >&2; missing=1; }
grep -Eq " ./usr/lib/libdidit_redis\.(a|so\.[0-9.]+)\$" <<<"$contents" ||
    { echo "missing from the package: libdidit_redis" >&2; missing=1; }
[[ $(dpkg-deb --field "$deb" Package) == libdidit-dev ]] || { echo "wrong package name" >&2; missing=1; }
dpkg-deb --field "$deb" Depends | grep -q "libboost-json1.81-dev" ||
    { echo "the package does not depend on Boost.JSON" >&2; missing=1; }
dpkg-deb --field "$deb" Depends | grep -q "libhiredis-dev" ||
    { echo "the package does not depend on hiredis (didit::redis)" >&2; missing=1; }
exit $missing
