#!/usr/bin/env bash
# Installs, on a fresh Debian 12 machine, everything the build, the tests and the party binary need
# beyond the .NET SDK: the native toolchain NativeAOT links with (a C compiler and zlib) and openssl.
# Idempotent; apt runs only when something is missing. NuGet packages are restored by dotnet itself.
set -euo pipefail
cd "$(dirname "$0")"
command -v dotnet >/dev/null || { echo "install-deps: the .NET 10 SDK (dotnet) is not on PATH" >&2; exit 1; }
pkgs=(zlib1g-dev openssl)
command -v clang >/dev/null || command -v gcc >/dev/null || pkgs+=(clang)
./apt-install.sh install-deps "${pkgs[@]}"
