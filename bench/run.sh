#!/usr/bin/env bash
# Benchmark: plx check/render on one file and on 1,000 files, side by side with
# `polyaxon check` and the generic YAML tools when they are installed.
#
#   bash bench/run.sh                 # plx only
#   PATH=/path/to/venv/bin:$PATH bash bench/run.sh
#                                     # plus polyaxon, yamllint, kubernetes-validate found on PATH
#
# Needs hyperfine (Debian: apt-get install hyperfine), Python 3 (bench/alternate.py) and GNU
# time for peak memory; valgrind for the instruction counts when installed.
# Results go to stdout as Markdown, ready for docs/performance.md.
set -euo pipefail
cd "$(dirname "$0")/.."

cargo build --profile dist --quiet
one="fixtures/valid/service-tensorboard.yaml"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# Both programs are timed as files written moments ago: the same bytes start measurably
# faster from a file just written than from one that has sat in the page cache for a while
# (1.39 against 1.58 ms here for plx), and the empty program below is always new.
cat target/dist/plx > "$work/plx"
chmod +x "$work/plx"
plx="$work/plx"

# 1,000 Polyaxonfiles: the valid fixtures that stand alone (no flags on a `# with:` line, no
# `pathRef` to a file next to them), copied round-robin.
mkdir -p "$work/files"
mapfile -t valid < <(grep -L -e '^# with:' -e '^pathRef:' fixtures/valid/*.yaml)
for i in $(seq 0 999); do
  cp "${valid[$((i % ${#valid[@]}))]}" "$work/files/f$(printf %04d "$i").yaml"
done
# A repository of 10,000 of them, 100 folders of 100, as `plx check .` walks one.
mkdir -p "$work/repo"
for i in $(seq 0 9999); do
  dir="$work/repo/team$((i / 100))"
  mkdir -p "$dir"
  cp "${valid[$((i % ${#valid[@]}))]}" "$dir/run$i.yaml"
done
# 10,000 realistic services (bench/realistic-service.yaml: 73 lines with a full environment,
# a sidecar, volumes, probes and ports), numbered, in 100 folders.
mkdir -p "$work/realistic"
for t in $(seq 0 99); do mkdir -p "$work/realistic/team$t"; done
for i in $(seq 0 9999); do
  sed "s/@N@/$i/g" bench/realistic-service.yaml > "$work/realistic/team$((i / 100))/run$i.yaml"
done
real_one="$work/realistic/team0/run0.yaml"
mkdir -p "$work/realistic100"
cp "$work"/realistic/team0/*.yaml "$work/realistic100/"
# The floor: an empty Rust program, built here with the same toolchain.
printf 'fn main() { println!("hello"); }\n' > "$work/hello.rs"
rustc -C opt-level=3 -o "$work/hello" "$work/hello.rs"
# The same files rendered one per process, as a CI loop would.
render_all="for f in $work/files/*.yaml; do $plx render \$f >/dev/null; done"

echo "## Machine"
echo
echo "- $(nproc) cores, $(uname -sr), $(date -u +%Y-%m-%d)"
echo "- plx $("$plx" --version | cut -d' ' -f2) (dist build: what the wheels ship)"
echo

echo "## Start-up against the floor (one hyperfine run; Relative is to the empty program)"
echo
hyperfine --warmup 5 --runs 300 --style none -N --export-markdown "$work/floor.md" \
  -n "hello world (empty Rust program)" "$work/hello" \
  -n "plx --version" "$plx --version" \
  -n "plx check (1 realistic service)" "$plx check $real_one" >/dev/null
cat "$work/floor.md"; echo
echo "The same three in alternation, one run of each per round (medians of 1,000 rounds; a"
echo "drift in the machine's speed hits all three alike):"
echo
echo "| Command | Median | Relative |"
echo "|:---|---:|---:|"
python3 bench/alternate.py 1000 "$work/hello" "$plx --version" "$plx check $real_one"
echo

echo "## Wall time (hyperfine)"
echo
args=(--warmup 3 --style none --export-markdown "$work/one.md")
hyperfine "${args[@]}" -N \
  -n "plx check (1 file)" "$plx check $one" \
  -n "plx render (1 file)" "$plx render $one" >/dev/null
cat "$work/one.md"; echo
hyperfine --warmup 2 --style none --export-markdown "$work/many.md" \
  -n "plx check (1,000 files, one process)" "$plx check $work/files" \
  -n "plx check . (a repository of 10,000 files)" "$plx check $work/repo" \
  -n "plx render (1,000 files, one process each)" "$render_all" >/dev/null
cat "$work/many.md"; echo
hyperfine --warmup 2 --style none --export-markdown "$work/realistic.md" \
  -n "plx check (10,000 realistic services)" "$plx check $work/realistic" \
  -n "plx check --format json (10,000 realistic services)" "$plx check --format json $work/realistic" >/dev/null
cat "$work/realistic.md"; echo

if command -v valgrind >/dev/null; then
  echo "## Instructions (callgrind: exact, unlike wall time)"
  echo
  echo "| command | instructions |"
  echo "|:---|---:|"
  count() {
    valgrind --tool=callgrind --callgrind-out-file=/dev/null "$@" 2>&1 >/dev/null |
      sed -n 's/.*Collected : //p'
  }
  echo "| hello world | $(count "$work/hello") |"
  echo "| plx --version | $(count "$plx" --version) |"
  one_file=$(count "$plx" check "$real_one")
  hundred=$(count "$plx" check "$work/realistic100")
  echo "| plx check (1 realistic service) | $one_file |"
  echo "| plx check (100 realistic services, one process) | $hundred |"
  # What each file adds, the process's own start left out.
  echo "| per realistic file: (100 files − 1 file) / 99 | $(( (hundred - one_file) / 99 )) |"
  echo
fi

others=()
if command -v polyaxon >/dev/null; then
  others+=(-n "polyaxon check (1 file)" "POLYAXON_NO_CONFIG=true polyaxon check -f $one")
fi
if command -v yamllint >/dev/null; then
  others+=(-n "yamllint (1 file)" "yamllint -d relaxed $one")
  others+=(-n "yamllint (1,000 files)" "yamllint -d relaxed $work/files")
  others+=(-n "yamllint (a repository of 10,000 files)" "yamllint -d relaxed $work/repo")
fi
if command -v kubernetes-validate >/dev/null; then
  "$plx" render "$one" > "$work/manifests.yaml"
  others+=(-n "kubernetes-validate (rendered manifests of 1 file)" "kubernetes-validate --strict $work/manifests.yaml")
fi
if ((${#others[@]})); then
  echo "## Other tools doing the same job"
  echo
  hyperfine --warmup 1 --runs 5 --style none --export-markdown "$work/others.md" "${others[@]}" >/dev/null
  cat "$work/others.md"; echo
fi

echo "## Peak memory (GNU time, max RSS)"
echo
echo "| command | peak RSS |"
echo "|:---|---:|"
rss() { /usr/bin/time -f "%M" "$@" 2>&1 >/dev/null | tail -1; }
echo "| plx check (1 file) | $(rss "$plx" check "$one") KB |"
echo "| plx render (1 file) | $(rss "$plx" render "$one") KB |"
echo "| plx check (1,000 files) | $(rss "$plx" check "$work/files") KB |"
echo "| plx check (10,000 realistic services) | $(rss "$plx" check "$work/realistic") KB |"
if command -v polyaxon >/dev/null; then
  echo "| polyaxon check (1 file) | $(POLYAXON_NO_CONFIG=true rss polyaxon check -f "$one") KB |"
fi
