#!/usr/bin/env bash
# The pre-commit hook, proven with the real client: pre-commit from PyPI in a virtualenv
# runs `pre-commit try-repo` against this checkout in a throw-away git repository, and the
# hook must fail on an invalid fixture and pass on a valid one. Run by .ci/run after the tests.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT

python3 -m venv "$scratch/venv"
"$scratch/venv/bin/pip" install --quiet pre-commit
export PRE_COMMIT_HOME="$scratch/cache"
# try-repo clones the checkout afresh each time and pre-commit builds the hook with
# `cargo install`; one target directory for both runs makes the second build incremental.
export CARGO_TARGET_DIR="$scratch/target"
# This proves the hook's behaviour, not its speed: an unoptimised build keeps CI quick.
export CARGO_PROFILE_RELEASE_OPT_LEVEL=0 CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=256
precommit="$scratch/venv/bin/pre-commit"

cd "$scratch" && mkdir project && cd project
git init --quiet
git config user.email ci@example.com
git config user.name ci
# Other YAML in the repository: the hook leaves it alone.
printf 'on: push\njobs: {}\n' > ci.yaml
cp "$repo/fixtures/invalid/SCH001-typo-nodeSelectr.yaml" train.yaml
git add ci.yaml train.yaml

if "$precommit" try-repo "$repo" plx-check --files ci.yaml train.yaml > invalid.log 2>&1; then
  cat invalid.log
  echo "FAIL: the hook passed an invalid Polyaxonfile" >&2
  exit 1
fi
grep -q "SCH001" invalid.log || { cat invalid.log; echo "FAIL: no SCH001 in the hook's output" >&2; exit 1; }

cp "$repo/fixtures/valid/job-training-gpu.yaml" train.yaml
git add train.yaml
if ! "$precommit" try-repo "$repo" plx-check --files ci.yaml train.yaml > valid.log 2>&1; then
  cat valid.log
  echo "FAIL: the hook refused a valid Polyaxonfile" >&2
  exit 1
fi
echo "pre-commit: plx-check fails on an invalid fixture and passes on a valid one"
