#!/usr/bin/env bash
# Installs, on a fresh Debian 12 machine, what training/ needs: Debian's own Python 3 with
# PyTorch 1.13 (CPU), NumPy, protobuf 3.21 and Pillow, all from apt (no PyPI, no TensorFlow).
# Idempotent: apt runs only when a package is missing. Uses sudo only when not root.
# The training scripts must be run with /usr/bin/python3 (not a pyenv or venv python).
set -euo pipefail

pkgs=(python3 python3-torch python3-numpy python3-protobuf python3-pil)
need=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || need+=("$p")
done

if [ ${#need[@]} -gt 0 ]; then
  echo "install-training-deps: installing ${need[*]}"
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${need[@]}"
fi

/usr/bin/python3 - <<'PY'
import google.protobuf, numpy, PIL, torch
print(f"install-training-deps: torch {torch.__version__}, numpy {numpy.__version__}, "
      f"protobuf {google.protobuf.__version__}, pillow {PIL.__version__}")
PY
