#!/usr/bin/env bash
# Installs the native allocators the benchmark suite compares against (tests/Memory.Benchmarks):
# mimalloc, jemalloc and tcmalloc (minimal), from the distribution's packages.
#
# Idempotent: packages already installed are left alone and nothing is printed for them. The package
# lists are refreshed only when a package cannot be found. Needs root (or sudo) for apt-get.
# The benchmarks run without these libraries too: a missing one is skipped, not a failure.
set -euo pipefail

packages=(libmimalloc2.0 libjemalloc2 libtcmalloc-minimal4)

missing=()
for package in "${packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed'; then
        missing+=("$package")
    fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

if ! command -v apt-get >/dev/null 2>&1; then
    echo "install-native-allocators: apt-get not found; install ${missing[*]} with your package manager." >&2
    exit 1
fi

sudo=()
if [ "$(id -u)" -ne 0 ]; then
    sudo=(sudo)
fi

export DEBIAN_FRONTEND=noninteractive
# A fresh machine may have empty package lists: refresh them only if a package is unknown.
for package in "${missing[@]}"; do
    if ! apt-cache show "$package" >/dev/null 2>&1; then
        "${sudo[@]}" apt-get update -qq
        break
    fi
done

"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "install-native-allocators: installed ${missing[*]}"
