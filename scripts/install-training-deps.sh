#!/usr/bin/env bash
# Installs, on a fresh Debian 12 machine, what training/ needs: Debian's own Python 3 with
# PyTorch 1.13 (CPU), NumPy, protobuf 3.21 and Pillow, all from apt (no PyPI, no TensorFlow).
# Idempotent: apt runs only when a package is missing. Uses sudo only when not root.
# The training scripts must be run with /usr/bin/python3 (not a pyenv or venv python).
set -euo pipefail

"$(dirname "$0")/apt-install.sh" install-training-deps python3 python3-torch python3-numpy python3-protobuf python3-pil

/usr/bin/python3 - <<'PY'
import google.protobuf, numpy, PIL, torch
print(f"install-training-deps: torch {torch.__version__}, numpy {numpy.__version__}, "
      f"protobuf {google.protobuf.__version__}, pillow {PIL.__version__}")
PY
