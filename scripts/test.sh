#!/usr/bin/env bash
# The test command: installs what the tests need, then builds and runs every test project.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
dotnet test MpcCompiler.sln -c Release --logger "console;verbosity=normal" "$@"
