#!/usr/bin/env bash
# The GitHub Action (action.yml, docs/ci.md), proven by running its step, action/run.sh, as
# the runner would: plx installed with pip from the wheel folder tests/wheel.sh built (it runs
# this script) as the only index. The step must fail with `::error file=...` annotations on
# an invalid fixture, pass on a valid one, honour `args`, and write a SARIF 2.1.0 log.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
wheels="$(cd "${1:?usage: tests/action.sh WHEEL_DIR (tests/wheel.sh builds it and runs this)}" && pwd)"
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
cd "$repo"
version="$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -n1)"

fail() { echo "FAIL: $*" >&2; exit 1; }

# action.yml: installs plx's own version by default and hands every input to the script.
grep -qE "^    default: \"$version\"$" action.yml || fail "action.yml's default version is not $version"
# shellcheck disable=SC2016 # the literal text of action.yml
grep -qF 'run: bash "$GITHUB_ACTION_PATH/action/run.sh"' action.yml || fail "action.yml does not run action/run.sh"
for input in version paths args sarif; do
  upper="$(echo "$input" | tr '[:lower:]' '[:upper:]')"
  grep -qF "PLX_$upper: \${{ inputs.$input }}" action.yml || fail "action.yml does not pass inputs.$input"
done

# The step, as the runner runs it: RUNNER_TEMP for the virtualenv, no index but the wheels.
step() {
  env RUNNER_TEMP="$scratch" PIP_NO_INDEX=1 PIP_FIND_LINKS="$wheels" PLX_VERSION="$version" \
    "$@" bash action/run.sh
}

status=0
step PLX_PATHS=fixtures/invalid/SCH001-typo-nodeSelectr.yaml PLX_SARIF="$scratch/out/plx.sarif" \
  > "$scratch/invalid.log" 2> "$scratch/stderr" || status=$?
[[ $status -eq 1 ]] || { cat "$scratch/invalid.log" "$scratch/stderr"; fail "the step exited $status on an invalid fixture, not 1"; }
grep -q '^::error file=fixtures/invalid/SCH001-typo-nodeSelectr.yaml,line=[0-9]*,.*title=SCH001' "$scratch/invalid.log" \
  || { cat "$scratch/invalid.log"; fail "no ::error annotation for SCH001"; }
python3 - "$scratch/out/plx.sarif" <<'PY' || fail "the SARIF log is not a SARIF 2.1.0 document with SCH001"
import json, sys
log = json.load(open(sys.argv[1]))
assert log["version"] == "2.1.0", log["version"]
codes = [r["ruleId"] for run in log["runs"] for r in run["results"]]
assert "SCH001" in codes, codes
PY

# A directory with a valid Polyaxonfile and other YAML: clean.
mkdir "$scratch/project"
cp fixtures/valid/job-training-gpu.yaml "$scratch/project/train.yaml"
printf 'on: push\njobs: {}\n' > "$scratch/project/ci.yaml"
step PLX_PATHS="$scratch/project" PLX_SARIF="$scratch/clean.sarif" > "$scratch/valid.log" 2>&1 \
  || { cat "$scratch/valid.log"; fail "the step refused a valid fixture"; }
! grep -q '^::error' "$scratch/valid.log" || { cat "$scratch/valid.log"; fail "annotations on a valid fixture"; }
python3 -c 'import json, sys; assert json.load(open(sys.argv[1]))["version"] == "2.1.0"' "$scratch/clean.sarif" \
  || fail "the SARIF log of a clean run is not SARIF 2.1.0"

# `args`: warnings pass by default, and fail with --fail-on warning.
warned=fixtures/warnings/SEC003-host-pid.yaml
step PLX_PATHS="$warned" > "$scratch/warn.log" 2>&1 || { cat "$scratch/warn.log"; fail "a warning failed the step without args"; }
grep -q '^::warning file=' "$scratch/warn.log" || { cat "$scratch/warn.log"; fail "no ::warning annotation"; }
status=0
step PLX_PATHS="$warned" PLX_ARGS="--fail-on warning" > "$scratch/strict.log" 2>&1 || status=$?
[[ $status -eq 1 ]] || { cat "$scratch/strict.log"; fail "args '--fail-on warning' did not fail the step on a warning (exit $status)"; }
echo "action: the step annotates and fails on an invalid fixture, passes on a valid one, honours args, writes SARIF 2.1.0"
