#!/usr/bin/env bash
# The fuzz campaign of docs/security.md: the targets built once, then each run for SECONDS
# (default 1500), one after the other, seeded from fixtures/. `bash fuzz/run.sh 600 render`
# runs one target. Needs the nightly toolchain and cargo-fuzz (`cargo install cargo-fuzz`).
# Crashes land in fuzz/artifacts/TARGET/.
set -euo pipefail
cd "$(dirname "$0")"
seconds="${1:-1500}"
targets=("${@:2}")
[ ${#targets[@]} -gt 0 ] || targets=(check render rbac_check yaml_fast_path)
seeds=(../fixtures/valid ../fixtures/invalid ../fixtures/warnings ../fixtures/fixed ../fixtures/rbac ../fixtures/agent)
cargo +nightly fuzz build -O
bin="target/$(rustc +nightly -vV | sed -n 's/^host: //p')/release"
for target in "${targets[@]}"; do
  mkdir -p "corpus/$target" "artifacts/$target"
  "$bin/$target" "corpus/$target" "${seeds[@]}" -artifact_prefix="artifacts/$target/" \
    -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1
done
