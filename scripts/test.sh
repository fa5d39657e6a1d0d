#!/usr/bin/env bash
# Runs Kura's whole test suite on a Debian 12 machine (root): installs what the tests need,
# builds, runs every test project, and ends with one line "N passed, N failed, N skipped".
set -uo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"

"$repo/scripts/install-deps.sh" || exit 1

log="$(mktemp)"
trap 'rm -f "$log"' EXIT
status=0
dotnet build Kura.slnx -c Release --nologo -v quiet -clp:ErrorsOnly --artifacts-path "$repo/.artifacts/test" || status=$?
if [[ $status -ne 0 ]]; then
  echo "build failed"
  echo "0 passed, 1 failed"
  exit 1
fi

dotnet test Kura.slnx -c Release --no-build --nologo --artifacts-path "$repo/.artifacts/test" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}

# Each test assembly prints "Passed!  - Failed: F, Passed: P, Skipped: S, Total: T" (or "Failed!").
read -r passed failed skipped < <(grep -E '^(Passed|Failed)! +- Failed: ' "$log" | sed -E 's/.*Failed: *([0-9]+), Passed: *([0-9]+), Skipped: *([0-9]+).*/\2 \1 \3/' \
  | awk '{p+=$1; f+=$2; s+=$3} END {print p+0, f+0, s+0}')
assemblies=$(grep -cE '^(Passed|Failed)! +- Failed: ' "$log" || true)
if [[ $status -ne 0 && $failed -eq 0 ]]; then
  failed=1  # a test host crashed or a project failed without a summary line
fi
if [[ $assemblies -eq 0 ]]; then
  failed=$((failed + 1))
fi
echo "${passed} passed, ${failed} failed, ${skipped} skipped"
[[ $status -eq 0 && $failed -eq 0 ]]
