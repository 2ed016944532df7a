#!/usr/bin/env bash
# The test command: installs what the tests need, builds and runs every test project, then
# NativeAOT-publishes the skin-cancer party executable and runs one private prediction with it.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
dotnet test MpcCompiler.sln -c Release --logger "console;verbosity=normal" "$@"
scripts/predict.sh --iterations 1 --quiet
