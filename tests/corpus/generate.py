#!/usr/bin/env python3
"""Writes tests/corpus/compiled.jsonl: what the real Polyaxon 2.18.0 compiles each corpus file
into, for the differential test in tests/corpus.rs.

For every file of ../shared/corpus/polyaxonfiles whose lint verdict (ORACLE.tsv) is ok, it
supplies a value to each required input (a fixed value per type, below), resolves the file
with tools/polyaxon_oracle.py (--resolve: params, globals and templates applied, with the
oracle's fixed run identity) and keeps the parts plx renders: the run kind, the main
container's command, args and env, and the environment's scheduling fields.

Run it from the repository root with a Python that has polyaxon==2.18.0 installed:

    POLYAXON_NO_CONFIG=true python tests/corpus/generate.py ../shared

It never reaches the network (the oracle resolves hubRef from the corpus' hub snapshot).
"""
import csv
import json
import os
import subprocess
import sys
import tempfile

import yaml

# A value per input type, for inputs a file requires: what a user would pass with -P.
VALUES = {
    "int": "1", "float": "0.5", "bool": "true", "str": "x", "path": "/tmp/x",
    "image": "busybox:1.36", "uri": "s3://bucket/key", "s3": "s3://bucket/key",
    "gcs": "gs://bucket/key", "wasb": "wasbs://c@a.blob.core.windows.net/p",
    "dict": '{"a": 1}', "list": "[1]", "metric": "0.5", "date": "2024-01-01",
    "datetime": "2024-01-01", "uuid": "0123456789abcdef0123456789abcdef",
    "git": '{"url": "https://github.com/acme/repo"}',
}

ENVIRONMENT_KEYS = ["nodeSelector", "tolerations", "affinity", "serviceAccountName",
                    "labels", "annotations", "hostNetwork", "restartPolicy"]


def required_params(path):
    with open(path) as handle:
        data = yaml.safe_load(handle)
    if not isinstance(data, dict):
        return []
    levels = [data]
    if isinstance(data.get("component"), dict):
        levels.append(data["component"])
    params = []
    given = set((data.get("params") or {}).keys())
    for level in levels:
        for io in level.get("inputs") or []:
            if not isinstance(io, dict) or "value" in io or io.get("isOptional") or io["name"] in given:
                continue
            kind = str(io.get("type", "str")).lower()
            value = VALUES.get(kind, "x")
            if io.get("isList"):
                value = "[" + (value if kind not in ("str", "path", "image") else json.dumps(value)) + "]"
            params.append("{}={}".format(io["name"], value))
    return params


def oracle_rows(shared, keep):
    """The rows of the corpus' ORACLE.tsv that `keep` accepts, with the corpus folder."""
    corpus = os.path.join(shared, "corpus", "polyaxonfiles")
    with open(os.path.join(corpus, "ORACLE.tsv")) as handle:
        return corpus, [r for r in csv.DictReader(handle, delimiter="\t") if keep(r)]


def run_oracle(shared, path, *flags, params=()):
    """What tools/polyaxon_oracle.py prints for a file ({} when it prints nothing)."""
    args = [sys.executable, os.path.join(shared, "tools", "polyaxon_oracle.py"), *flags, path]
    for param in params:
        args += ["-P", param]
    return json.loads(subprocess.run(args, capture_output=True, text=True).stdout or "{}")


def main(shared):
    corpus, rows = oracle_rows(shared, lambda r: r["lint_ok"] == "true")
    out = []
    for row in rows:
        path = os.path.join(corpus, row["path"])
        params = required_params(path)
        result = run_oracle(shared, path, "--resolve", params=params)
        line = {"path": row["path"], "params": params, "ok": bool(result.get("ok"))}
        run = ((result.get("compiled") or {}).get("run")) or {}
        line["kind"] = run.get("kind")
        container = run.get("container") or {}
        line["container"] = {
            "command": container.get("command"),
            "args": container.get("args"),
            "env": [{"name": e.get("name"), "value": e.get("value")}
                    for e in container.get("env") or [] if isinstance(e, dict)],
        }
        environment = run.get("environment") or {}
        line["environment"] = {k: environment.get(k) for k in ENVIRONMENT_KEYS if environment.get(k) is not None}
        if not result.get("ok"):
            line["error"] = (result.get("error") or "").splitlines()[0][:200]
        out.append(line)
        print(row["path"], "ok" if result.get("ok") else "FAILED", file=sys.stderr)
    target = os.path.join(os.path.dirname(os.path.abspath(__file__)), "compiled.jsonl")
    with open(target, "w") as handle:
        for line in out:
            handle.write(json.dumps(line, sort_keys=True) + "\n")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "../shared")
