#!/usr/bin/env bash
# apt-install.sh NAME PKG...: installs the Debian packages among PKG that are missing (apt runs only
# then), with sudo only when not root. NAME prefixes the log line. Shared by the install scripts.
set -euo pipefail
name=$1
shift
need=()
for p in "$@"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || need+=("$p")
done
if [ ${#need[@]} -gt 0 ]; then
  echo "$name: installing ${need[*]}"
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${need[@]}"
fi
