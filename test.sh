#!/usr/bin/env bash
# Installs what the tests need (as root, with apt-get) when it is missing, builds, runs every test
# project and ends with the line "N passed, N failed".
set -uo pipefail
cd "$(dirname "$(readlink -f "$0")")"

# Debian packages the tests use; installed only when missing.
packages=(softhsm2 opensc)
for p in "${packages[@]}"; do :; done
missing=()
for p in "${packages[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "test.sh: installing ${missing[*]}"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "test.sh: missing Debian packages ${missing[*]}; run as root or install them" >&2
  fi
fi

results=TestResults
rm -rf "$results"
echo "test.sh: building"
if ! dotnet build Custos.slnx -c Release -nologo -v q -clp:ErrorsOnly; then
  echo "build failed"
  echo "0 passed, 1 failed"
  exit 1
fi
# Build the CLI the way ./custos does, so end-to-end tests run the real command.
./custos --version >/dev/null || { echo "0 passed, 1 failed"; exit 1; }

echo "test.sh: testing"
status=0
for proj in tests/*/*.Tests.csproj; do
  name=$(basename "$proj" .csproj)
  dotnet test "$proj" -c Release --no-build -nologo \
    --logger "trx;LogFileName=$name.trx" --logger "console;verbosity=normal" --results-directory "$results" "$@" \
    | grep -vE '^\s*$|^\s+Passed |^\[xUnit.net [0-9:.]+\]\s+(Discover|Start|Finish)'
  [ "${PIPESTATUS[0]}" -eq 0 ] || status=1
done

passed=0; failed=0; projects=0
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  projects=$((projects + 1))
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -1)
  p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters")
  f=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")
  passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0}))
done
expected=$(ls tests/*/*.Tests.csproj | wc -l)
if [ "$projects" -lt "$expected" ]; then
  echo "test.sh: only $projects of $expected test projects reported results"
  failed=$((failed + expected - projects))
fi
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
