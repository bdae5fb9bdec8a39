#!/usr/bin/env python3
"""Writes tests/corpus/distributed.jsonl: what the real Polyaxon 2.18.0 converts each
distributed corpus file (tfjob, pytorchjob, mpijob, raycluster, daskcluster) into, for the
differential test in tests/corpus.rs.

For every file of ../shared/corpus/polyaxonfiles that Polyaxon converts (ORACLE.tsv's
`k8s_ok`) and whose run is distributed, it runs tools/polyaxon_oracle.py --k8s (with a value
for each required input, as generate.py gives them) and keeps, from the `KfJob` or `Cluster`
Polyaxon's operator turns into the operator's object, what plx renders: per replica (by the
role plx names it: the training operator's, `head` and the Ray group's name, `scheduler` and
`worker`) its `replicas`, `restartPolicy`, main container (name, command, args, the file's own
variables) and scheduling fields, and the spec's run policy and kind-specific fields.

Run it from the repository root with a Python that has polyaxon==2.18.0 installed:

    POLYAXON_NO_CONFIG=true python tests/corpus/generate_distributed.py ../shared
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from generate import oracle_rows, required_params, run_oracle  # noqa: E402

KINDS = {"tfjob": "tfJobSpec", "pytorchjob": "pytorchJobSpec", "mpijob": "mpiJobSpec",
         "raycluster": "rayClusterSpec", "daskcluster": "daskClusterSpec"}
POD_KEYS = ["nodeSelector", "tolerations", "serviceAccountName", "hostNetwork"]


def replica(spec):
    pod = spec["template"]["spec"]
    main = pod["containers"][0]
    env = [v for v in main.get("env") or [] if not str(v.get("name", "")).startswith("POLYAXON_")
           and v.get("name") != "NVIDIA_VISIBLE_DEVICES"]
    return {
        "replicas": spec.get("replicas"),
        "minReplicas": spec.get("minReplicas"),
        "maxReplicas": spec.get("maxReplicas"),
        "restartPolicy": spec.get("restartPolicy"),
        "container": {"name": main.get("name"), "command": main.get("command"),
                      "args": main.get("args"), "env": env},
        "pod": {key: pod[key] for key in POD_KEYS if key in pod},
    }


def main(shared):
    corpus, rows = oracle_rows(shared, lambda r: r["k8s_ok"] == "true" and r["run_kind"] in KINDS)
    out = []
    for row in rows:
        path = os.path.join(corpus, row["path"])
        params = required_params(path)
        result = run_oracle(shared, path, "--k8s", params=params)
        resource = result.get("k8s") or {}
        spec = resource.get(KINDS[row["run_kind"]]) or {}
        if row["run_kind"] == "raycluster":
            groups = [("head", spec.get("head") or {})]
            groups += [(w.get("groupName"), w) for w in spec.get("workers") or []]
            replicas = {role: replica(group) for role, group in groups if group}
            spec = {k: v for k, v in spec.items() if k not in ("head", "workers")}
        else:
            specs = spec.get("replicaSpecs") or {}
            # Dask's roles are `Scheduler` and `Worker` in Polyaxon's object, and keys in plx's.
            lower = row["run_kind"] == "daskcluster"
            replicas = {(role.lower() if lower else role): replica(r) for role, r in specs.items()}
            spec = {k: v for k, v in spec.items() if k != "replicaSpecs"}
        out.append({
            "path": row["path"],
            "params": params,
            "kind": row["run_kind"],
            "termination": resource.get("termination") or {},
            "spec": spec,
            "replicas": replicas,
        })
    with open(os.path.join(os.path.dirname(__file__), "distributed.jsonl"), "w") as handle:
        for line in out:
            handle.write(json.dumps(line, sort_keys=True) + "\n")
    print(f"{len(out)} distributed runs written")


if __name__ == "__main__":
    main(sys.argv[1])
