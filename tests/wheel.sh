#!/usr/bin/env bash
# The Python wheel (docs/install.md), proven end to end: maturin and zig from PyPI in a
# scratch virtualenv build a manylinux2014 wheel of plx; the wheel must carry the portable
# platform tag, install offline into a fresh virtualenv, and give a working `plx` command and
# `python -m plx`. The same wheel then serves the pre-commit hook without Rust
# (tests/pre-commit-python.sh) and the GitHub Action (tests/action.sh). Run by .ci/run.
#
# By default the wheel holds an unoptimised build (the `release` profile at opt-level 0): this
# proves the packaging, not plx's speed, and takes about a quarter of the CPU time of the real
# `release` profile (2.8 against 10.6 CPU-minutes; docs/install.md). PLX_WHEEL_PROFILE=release (or dist, what releases ship)
# builds that profile as it is. PLX_WHEELS=DIR skips the build and tests the wheels in DIR.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
cd "$repo"
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
quiet_pip=(--quiet --disable-pip-version-check)
version="$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -n1)"
arch="$(uname -m)"

fail() { echo "FAIL: $*" >&2; exit 1; }
now() { date +%s.%N; }
seconds_since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

wheels="${PLX_WHEELS:-}"
if [[ -z "$wheels" ]]; then
  wheels="$scratch/wheels"
  python3 -m venv "$scratch/build"
  "$scratch/build/bin/pip" install "${quiet_pip[@]}" 'maturin>=1.7,<2' ziglang
  profile="${PLX_WHEEL_PROFILE:-}"
  if [[ -z "$profile" ]]; then
    profile=release
    export CARGO_PROFILE_RELEASE_OPT_LEVEL=0 CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=256
  fi
  start="$(now)"
  # Its own target directory: the build links with zig, and must not wait on (or spoil the
  # cache of) a `cargo test` in target/.
  if ! PATH="$scratch/build/bin:$PATH" CARGO_TARGET_DIR="$repo/target/wheel" \
      maturin build --locked --profile "$profile" --zig \
      --compatibility manylinux2014 --out "$wheels" > "$scratch/build.log" 2>&1; then
    cat "$scratch/build.log"
    fail "maturin build"
  fi
  echo "wheel: built in $(seconds_since "$start")s (profile $profile${CARGO_PROFILE_RELEASE_OPT_LEVEL:+, opt-level $CARGO_PROFILE_RELEASE_OPT_LEVEL})"
fi

shopt -s nullglob
built=("$wheels"/plx-"$version"-*.whl)
shopt -u nullglob
[[ ${#built[@]} -eq 1 ]] || fail "expected one plx-$version wheel in $wheels, found: ${built[*]:-none}"
wheel="$(basename "${built[0]}")"
# Portable: glibc 2.17 and later (manylinux2014), not the build machine's glibc.
platforms="${wheel##*-}"
[[ ".${platforms%.whl}." == *".manylinux_2_17_$arch."* && ".${platforms%.whl}." == *".manylinux2014_$arch."* ]] \
  || fail "$wheel is not tagged manylinux_2_17_$arch and manylinux2014_$arch"
# A binary, not an extension: one wheel for every Python 3.
[[ "$wheel" == "plx-$version-py3-none-"* ]] || fail "$wheel is not a py3-none wheel"
echo "wheel: $wheel"

python3 -m venv "$scratch/fresh"
start="$(now)"
"$scratch/fresh/bin/pip" install "${quiet_pip[@]}" --no-index --find-links "$wheels" plx
echo "wheel: installed offline into a fresh virtualenv in $(seconds_since "$start")s"

plx="$scratch/fresh/bin/plx"
[[ -x "$plx" ]] || fail "the wheel installed no plx command"
"$plx" check fixtures/valid/job-training-gpu.yaml > "$scratch/valid.log" 2>&1 \
  || { cat "$scratch/valid.log"; fail "plx check refused a valid Polyaxonfile"; }
status=0
"$plx" check fixtures/invalid/SCH001-typo-nodeSelectr.yaml > "$scratch/invalid.log" 2>&1 || status=$?
[[ $status -eq 1 ]] || { cat "$scratch/invalid.log"; fail "plx check exited $status on an invalid Polyaxonfile, not 1"; }
grep -q SCH001 "$scratch/invalid.log" || { cat "$scratch/invalid.log"; fail "no SCH001 in plx's output"; }
got="$("$scratch/fresh/bin/python" -m plx --version)"
[[ "$got" == "plx $version" ]] || fail "python -m plx --version printed '$got', not 'plx $version'"
# The exit status comes through `python -m plx` unchanged.
status=0
"$scratch/fresh/bin/python" -m plx check fixtures/invalid/SCH001-typo-nodeSelectr.yaml > /dev/null 2>&1 || status=$?
[[ $status -eq 1 ]] || fail "python -m plx check exited $status on an invalid Polyaxonfile, not 1"
echo "wheel: plx and python -m plx work (valid: 0, invalid: 1, --version: $got)"

bash tests/pre-commit-python.sh "$wheels"
bash tests/action.sh "$wheels"
