#!/usr/bin/env python3
"""Writes tests/corpus/migrated.jsonl: what the real Polyaxon 2.18.0 says of each Polyaxon 0.x
corpus file once `plx migrate` has translated it, for tests/migrate.rs (CI has no oracle).

The 0.x files are the rows of ORACLE.tsv whose error says their `kind` is not supported
(`kind: experiment`, `group`, ...). The corpus is copied to a temporary folder (a migrated
operation's `pathRef` still finds its component there), each 0.x file is migrated in place,
and tools/polyaxon_oracle.py judges the result twice: `check` (Polyaxon's full check, params
validated, as `polyaxon check -f FILE`) and `k8s` (resolved with the oracle's fake agent and
stub connections, and converted to the custom resource the agent submits).

Run it from the repository root, after `cargo build`, with a Python that has
polyaxon==2.18.0 installed:

    python tests/corpus/generate_migrated.py ../shared target/debug/plx > tests/corpus/migrated.jsonl
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(__file__))
from generate import oracle_rows, run_oracle  # noqa: E402


def first_line(text):
    return (text or "").strip().splitlines()[0] if (text or "").strip() else None


def oracle(shared, path, *flags):
    result = run_oracle(shared, path, *flags)
    return bool(result.get("ok")), first_line(result.get("error"))


def main():
    shared, plx = sys.argv[1], os.path.abspath(sys.argv[2])
    corpus, rows = oracle_rows(
        shared, lambda r: "is not a supported value" in (r["error_first_line"] or ""))
    with tempfile.TemporaryDirectory() as tmp:
        copy = os.path.join(tmp, "polyaxonfiles")
        shutil.copytree(corpus, copy)
        for row in sorted(rows, key=lambda r: r["path"]):
            path = os.path.join(copy, row["path"])
            migrated = subprocess.run([plx, "migrate", "--in-place", path],
                                      capture_output=True).returncode == 0
            entry = {"path": row["path"], "migrated": migrated}
            if migrated:
                entry["check_ok"], entry["check_error"] = oracle(shared, path)
                entry["k8s_ok"], entry["k8s_error"] = oracle(
                    shared, path, "--k8s", "--auto-connections")
            print(json.dumps(entry, sort_keys=True))


if __name__ == "__main__":
    main()
