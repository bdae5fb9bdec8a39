#!/usr/bin/env bash
# The fuzz campaign of docs/security.md: each target seeded from fixtures/, for SECONDS each
# (default 1500), one after the other. Needs the nightly toolchain and cargo-fuzz
# (`cargo install cargo-fuzz`). Crashes land in fuzz/artifacts/TARGET/.
set -euo pipefail
cd "$(dirname "$0")"
seconds="${1:-1500}"
seeds=(../fixtures/valid ../fixtures/invalid ../fixtures/warnings ../fixtures/fixed ../fixtures/rbac ../fixtures/agent)
for target in check render rbac_check; do
  mkdir -p "corpus/$target"
  cargo +nightly fuzz run -O "$target" "corpus/$target" "${seeds[@]}" -- \
    -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1
done
