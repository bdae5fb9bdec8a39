#!/usr/bin/env bash
# The plx GitHub Action's step (action.yml), a script so that tests/action.sh can run it.
# Inputs come as PLX_VERSION, PLX_PATHS, PLX_ARGS and PLX_SARIF. plx is installed from PyPI
# into its own virtualenv with the runner's python: composite actions cannot count on
# setup-python, and the runners' system python refuses `pip install --user` (PEP 668).
# pip's own variables (PIP_INDEX_URL, PIP_FIND_LINKS, ...) apply.
set -euo pipefail
version="${PLX_VERSION:-}"
paths="${PLX_PATHS:-.}"
sarif="${PLX_SARIF:-}"

python=python3
command -v "$python" > /dev/null || python=python # Windows runners have only `python`
venv="$(mktemp -d "${RUNNER_TEMP:-${TMPDIR:-/tmp}}/plx-venv.XXXXXX")"
"$python" -m venv "$venv"
bin="$venv/bin"
[[ -d "$bin" ]] || bin="$venv/Scripts" # Windows layout
"$bin/python" -m pip install --quiet --disable-pip-version-check "plx${version:+==$version}"
plx="$bin/plx"
echo "$("$plx" --version) from PyPI" >&2

# Paths and options are split on spaces, never glob-expanded (plx walks directories itself).
set -f
# shellcheck disable=SC2206
args=(${PLX_ARGS:-})
# shellcheck disable=SC2206
targets=(${paths:-.})
set +f
# (${args[@]+...}: an empty array under `set -u` in the bash 3 of macOS.)

if [[ -n "$sarif" ]]; then
  mkdir -p "$(dirname "$sarif")"
  # Findings must not stop the step here: the github run below sets the job's status. The
  # SARIF document is written whatever the exit status.
  "$plx" check --format sarif --output-file "$sarif" ${args[@]+"${args[@]}"} "${targets[@]}" || true
fi
# Workflow commands (::error file=...,line=...::...) become annotations; the exit status
# (0 clean, 1 findings, 2 usage or I/O error) is the step's.
exec "$plx" check --format github ${args[@]+"${args[@]}"} "${targets[@]}"
