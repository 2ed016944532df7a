#!/usr/bin/env bash
# The main job: a private skin-cancer prediction. Installs what is missing, NativeAOT-publishes the
# party executable generated from models/skin_cancer/model.pb (src/Generated.SkinCancer), and runs
# `predict` on a bundled test image: server0, server1 and the helper in one process over loopback
# TLS 1.3, the image and the weights secret-shared, only the client seeing the result. --check also
# runs the plaintext model and prints the largest logit difference. Extra arguments go to predict.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
out=artifacts/skincancer
dotnet publish src/Generated.SkinCancer -c Release -r linux-x64 -o "$out" -nologo -clp:NoSummary -v:minimal
"$out/skincancer" predict \
  --model models/skin_cancer/model.pb \
  --input-file models/skin_cancer/ISIC_0000002_melanoma.npy \
  --check "$@"
