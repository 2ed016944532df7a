#!/usr/bin/env bash
# The end-to-end benchmark (docs/BENCHMARKS.md): builds the full-width VGG16-like benchmark model
# (training/make_full_width.py: the skin model's architecture at width 1, 14.76 M parameters,
# 12.15 G MACs, 10.78 M ReLUs; seeded weights, batch norms calibrated on the bundled calibration
# images), compiles it with mpcc, NativeAOT-publishes its party executable, and runs bench/e2e.py:
# server0, server1, the helper and the client as four OS processes on loopback, per protocol and
# preprocessing mode, over TLS 1.3 and (labelled) plain TCP; plus the plaintext model in our
# executor and in PyTorch. Results: artifacts/bench/e2e/results.{md,json}. About 15 minutes here.
# Extra arguments go to bench/e2e.py (e.g. --runs 5, --protocols securenn).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/install-training-deps.sh
scripts/apt-install.sh bench time

out=artifacts/bench
mkdir -p "$out"
model=$out/model.pb
calibration=models/skin_cancer/calibration.npy
[ -f "$model" ] || /usr/bin/python3 training/make_full_width.py --images "$calibration" --out "$model"

dotnet build src/Compiler/Cli -c Release -nologo -clp:NoSummary -v:minimal
dotnet src/Compiler/Cli/bin/Release/net10.0/mpcc.dll compile "$model" --name Vgg16Full --out "$out/Vgg16Full" \
  --calibration "$calibration" --output-activation softmax --party-project ../../../src/Party/Party.csproj \
  --allow-inaccurate-pond  # pond's polynomials leave their range on this model: measured for its cost, labelled
dotnet publish "$out/Vgg16Full" -c Release -r linux-x64 -o "$out/bin" -nologo -clp:NoSummary -v:minimal

/usr/bin/python3 bench/e2e.py --binary "$out/bin/vgg16full" --model "$model" \
  --input models/skin_cancer/ISIC_0000002_melanoma.npy --calibration "$calibration" --out "$out/e2e" "$@"
