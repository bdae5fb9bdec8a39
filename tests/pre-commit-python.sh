#!/usr/bin/env bash
# The pre-commit hook without Rust (docs/pre-commit.md, "Without Rust"): pre-commit from PyPI
# installs the `language: python` hook from the plx wheel, with no cargo or rustc on PATH, and
# the hook must fail on an invalid fixture and pass on a valid one. Prints how long the first
# install takes. Takes the folder of wheels tests/wheel.sh built (it runs this script), used as
# the only package index.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
wheels="$(cd "${1:?usage: tests/pre-commit-python.sh WHEEL_DIR (tests/wheel.sh builds it and runs this)}" && pwd)"
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
version="$(sed -n 's/^version = "\(.*\)"$/\1/p' "$repo/Cargo.toml" | head -n1)"

fail() { echo "FAIL: $*" >&2; exit 1; }
now() { date +%s.%N; }

python3 -m venv "$scratch/venv"
"$scratch/venv/bin/pip" install --quiet --disable-pip-version-check pre-commit
# pre-commit's virtualenv for a local hook installs a placeholder package, built with
# setuptools; with the index switched off it comes from this folder, next to the plx wheel.
mkdir "$scratch/deps"
"$scratch/venv/bin/pip" download --quiet --disable-pip-version-check --only-binary :all: \
  --dest "$scratch/deps" setuptools

# What pre-commit runs in: no Rust toolchain on PATH, no user configuration, and no index but
# the wheel folders.
mkdir "$scratch/home"
clean=(env -i "HOME=$scratch/home" "PATH=$scratch/venv/bin:/usr/bin:/bin" "LANG=C.UTF-8"
  "PRE_COMMIT_HOME=$scratch/cache" PIP_NO_INDEX=1 "PIP_FIND_LINKS=$wheels $scratch/deps"
  PIP_DISABLE_PIP_VERSION_CHECK=1)
if "${clean[@]}" bash -c 'command -v cargo || command -v rustc' > /dev/null; then
  fail "cargo or rustc is on the hook's PATH; this would not prove a Rust-free install"
fi

mkdir "$scratch/project" && cd "$scratch/project"
git init --quiet
git config user.email ci@example.com
git config user.name ci
# The snippet of docs/pre-commit.md, with this checkout's version.
grep -qF "additional_dependencies: [plx==$version]" "$repo/docs/pre-commit.md" \
  || fail "docs/pre-commit.md does not pin plx==$version"
cat > .pre-commit-config.yaml <<YAML
repos:
  - repo: local
    hooks:
      - id: plx-check
        name: plx check
        entry: plx check --by-content
        language: python
        additional_dependencies: [plx==$version]
        types_or: [yaml, json]
YAML
# Other YAML in the repository: the hook leaves it alone.
printf 'on: push\njobs: {}\n' > ci.yaml
cp "$repo/fixtures/invalid/SCH001-typo-nodeSelectr.yaml" train.yaml
git add .pre-commit-config.yaml ci.yaml train.yaml

start="$(now)"
"${clean[@]}" pre-commit install-hooks > install.log 2>&1 || { cat install.log; fail "pre-commit install-hooks"; }
first_install="$(awk -v a="$start" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }')"
find "$scratch/cache" -path '*/bin/plx' -type f | grep -q . || fail "the hook's virtualenv has no plx executable"

if "${clean[@]}" pre-commit run plx-check --files ci.yaml train.yaml > invalid.log 2>&1; then
  cat invalid.log
  fail "the python hook passed an invalid Polyaxonfile"
fi
grep -q SCH001 invalid.log || { cat invalid.log; fail "no SCH001 in the python hook's output"; }

cp "$repo/fixtures/valid/job-training-gpu.yaml" train.yaml
git add train.yaml
"${clean[@]}" pre-commit run plx-check --files ci.yaml train.yaml > valid.log 2>&1 \
  || { cat valid.log; fail "the python hook refused a valid Polyaxonfile"; }
echo "pre-commit (python, no Rust): first install ${first_install}s; plx-check fails on an invalid fixture and passes on a valid one"
