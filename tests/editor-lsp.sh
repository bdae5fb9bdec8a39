#!/usr/bin/env bash
# The editor schema, proven with the real client: the YAML language server (pinned in
# tests/editor/package.json, installed with `npm ci`) judges files with
# schemas/editor/polyaxonfile.json as an editor would (tests/editor/lsp-corpus.mjs), and
#  (a) every corpus file that Polyaxon accepts (ORACLE.tsv) and `plx check` passes gets no
#      schema error;
#  (b) the unknown-key fixtures are flagged at their line;
#  (c) on tests/corpus/snake_case.yaml the schema refuses exactly the snake_case keys plx
#      reports as SCH012 (those Polyaxon does not convert), and no other key.
# Run by .ci/run after the tests (which build target/debug/plx).
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
plx="$repo/target/debug/plx"
schema="$repo/schemas/editor/polyaxonfile.json"
corpus="${PLX_CORPUS:-$repo/../shared/corpus/polyaxonfiles}"
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT

[ -x "$plx" ] || (cd "$repo" && cargo build --locked --quiet)
(cd "$repo/tests/editor" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)

# (a) The corpus files Polyaxon accepts (its full check or --lint) and plx passes, each checked
# from the corpus folder as tests/corpus.rs does.
: > "$scratch/clean.txt"
if [ -f "$corpus/ORACLE.tsv" ]; then
  corpus="$(cd "$corpus" && pwd)"
  awk -F'\t' 'NR == 1 { for (i = 1; i <= NF; i++) column[$i] = i; next }
    $column["polyaxon_ok"] == "true" || $column["lint_ok"] == "true" { print $column["path"] }' \
    "$corpus/ORACLE.tsv" > "$scratch/accepted.txt"
  while IFS= read -r path; do
    if (cd "$corpus" && "$plx" check --hub-dir polyaxon-hub "$path" > /dev/null 2>&1); then
      echo "$corpus/$path" >> "$scratch/clean.txt"
    fi
  done < "$scratch/accepted.txt"
  echo "editor-lsp: $(wc -l < "$scratch/clean.txt") of $(wc -l < "$scratch/accepted.txt") corpus files Polyaxon accepts pass plx check"
else
  echo "editor-lsp: no corpus at $corpus (set PLX_CORPUS to the folder holding ORACLE.tsv); the corpus part is skipped"
fi
# plx's own valid fixtures and the editor's.
for path in "$repo"/fixtures/valid/*.yaml "$repo"/fixtures/editor/valid-*.yaml; do
  case "$path" in *agent-values*) continue ;; esac
  echo "$path" >> "$scratch/clean.txt"
done

# (b) Unknown keys, at the line of their `# expect: SCH001 L:C`.
flagged=()
for path in "$repo"/fixtures/invalid/SCH001-typo-nodeSelectr.yaml "$repo"/fixtures/invalid/SCH001-host-p-i-d.yaml; do
  line="$(sed -n 's/^# expect: SCH001 \([0-9]*\):.*/\1/p' "$path" | head -n 1)"
  flagged+=(--flagged "$path:$line")
done

# (c) The keys plx reports as SCH012, as line:key.
snake="$repo/tests/corpus/snake_case.yaml"
unconverted="$("$plx" check --format json "$snake" | node -e '
  const report = JSON.parse(require("fs").readFileSync(0, "utf8"));
  const keys = report.diagnostics
    .filter((d) => d.code === "SCH012")
    .map((d) => `${d.line}:${d.message.split("`")[1]}`);
  console.log(keys.join(","));
')" || true
[ -n "$unconverted" ] || { echo "FAIL: plx reported no SCH012 on $snake" >&2; exit 1; }

node "$repo/tests/editor/lsp-corpus.mjs" --schema "$schema" --clean "$scratch/clean.txt" \
  "${flagged[@]}" --refuses "$snake=$unconverted"
