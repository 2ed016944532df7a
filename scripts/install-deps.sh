#!/usr/bin/env bash
# Installs, on a fresh Debian 12 machine, everything the build, the tests and the party binary need
# beyond the .NET SDK: the native toolchain NativeAOT links with. Idempotent; apt runs only when
# something is missing. NuGet packages are restored by dotnet itself.
set -euo pipefail

need=()
command -v dotnet >/dev/null || { echo "install-deps: the .NET 10 SDK (dotnet) is not on PATH" >&2; exit 1; }
command -v clang >/dev/null || command -v gcc >/dev/null || need+=(clang)
dpkg -s zlib1g-dev >/dev/null 2>&1 || need+=(zlib1g-dev)
command -v openssl >/dev/null || need+=(openssl)

if [ ${#need[@]} -gt 0 ]; then
  echo "install-deps: installing ${need[*]}"
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${need[@]}"
fi
