//! plx against the real Polyaxon 2.18.0 on 299 real Polyaxonfiles (`ORACLE.tsv`).
//!
//! Compared: plx's `check` verdict with Polyaxon's two verdicts, its full `polyaxon check`
//! (`polyaxon_ok`, which also builds a dag's graph and requires a value for every required
//! input) and `polyaxon check --lint` (`lint_ok`, which does neither). Files that Polyaxon
//! could only judge with hub access are left out. Every disagreement with each must be listed,
//! with its reason, in its section of `docs/compat.md`, and nothing else.

mod common;

use std::collections::BTreeSet;

use common::{corpus_dir, plx, root};

struct Row {
    path: String,
    full_ok: bool,
    lint_ok: bool,
    error: String,
}

fn oracle() -> Vec<Row> {
    let text = std::fs::read_to_string(corpus_dir().join("ORACLE.tsv")).unwrap();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().expect("header").split('\t').collect();
    let column = |name: &str| {
        header
            .iter()
            .position(|h| *h == name)
            .unwrap_or_else(|| panic!("no {name} column"))
    };
    let (path, full_ok, lint_ok, error) = (
        column("path"),
        column("polyaxon_ok"),
        column("lint_ok"),
        column("error_first_line"),
    );
    lines
        .filter(|l| !l.is_empty())
        .map(|line| {
            let fields: Vec<&str> = line.split('\t').collect();
            Row {
                path: fields[path].to_owned(),
                full_ok: fields[full_ok] == "true",
                lint_ok: fields[lint_ok] == "true",
                error: fields.get(error).copied().unwrap_or("").to_owned(),
            }
        })
        .collect()
}

/// Which of Polyaxon's verdicts a section of `docs/compat.md` explains.
#[derive(Clone, Copy, PartialEq)]
enum Against {
    Full,
    Lint,
}

/// The files a section of the docs explains: lines of the form "- `path` ..." under a `## `
/// heading that names the full check or `--lint`.
fn documented(against: Against) -> BTreeSet<String> {
    let text = std::fs::read_to_string(root().join("docs/compat.md")).unwrap();
    let mut section = None;
    let mut out = BTreeSet::new();
    for line in text.lines() {
        if let Some(heading) = line.strip_prefix("## ") {
            section = if heading.contains("--lint") {
                Some(Against::Lint)
            } else if heading.contains("full") {
                Some(Against::Full)
            } else {
                None
            };
        } else if section == Some(against)
            && let Some(rest) = line.strip_prefix("- `")
            && let Some(path) = rest.split('`').next()
        {
            out.insert(path.to_owned());
        }
    }
    out
}

fn assert_documented(against: Against, name: &str, disagreements: &BTreeSet<String>) {
    let documented = documented(against);
    let undocumented: Vec<_> = disagreements.difference(&documented).collect();
    let stale: Vec<_> = documented.difference(disagreements).collect();
    assert!(
        undocumented.is_empty(),
        "disagreements with {name} missing from docs/compat.md: {undocumented:#?}"
    );
    assert!(
        stale.is_empty(),
        "docs/compat.md lists files plx now agrees with {name} on: {stale:#?}"
    );
}

#[test]
fn plx_agrees_with_polyaxon_on_the_corpus() {
    let dir = corpus_dir();
    let rows: Vec<Row> = oracle()
        .into_iter()
        .filter(|row| !row.error.contains("needs the Polyaxon hub"))
        .collect();
    assert!(rows.len() >= 290, "only {} judged rows", rows.len());
    let mut against_full = BTreeSet::new();
    let mut against_lint = BTreeSet::new();
    for row in &rows {
        // The corpus is the repository its files' references stay inside; like the oracle,
        // plx reads hub components from the corpus's snapshot of the hub.
        let output = plx()
            .current_dir(&dir)
            .args(["check", "--hub-dir", "polyaxon-hub"])
            .arg(&row.path)
            .output()
            .unwrap();
        let plx_ok = match output.status.code() {
            Some(0) => true,
            Some(1) => false,
            other => panic!("{}: exit {other:?}", row.path),
        };
        if plx_ok != row.full_ok {
            against_full.insert(row.path.clone());
        }
        if plx_ok != row.lint_ok {
            against_lint.insert(row.path.clone());
        }
    }
    for (name, disagreements) in [
        ("`polyaxon check`", &against_full),
        ("`polyaxon check --lint`", &against_lint),
    ] {
        println!(
            "agreement with {name}: {:.1}% ({} of {} files)",
            100.0 * (1.0 - disagreements.len() as f64 / rows.len() as f64),
            rows.len() - disagreements.len(),
            rows.len()
        );
    }
    assert_documented(Against::Full, "the full `polyaxon check`", &against_full);
    assert_documented(Against::Lint, "`polyaxon check --lint`", &against_lint);
}

/// What the real Polyaxon compiled a corpus file into (`tests/corpus/compiled.jsonl`, written
/// by `tests/corpus/generate.py`): the differential test's expectations.
fn compiled() -> Vec<serde_json::Value> {
    std::fs::read_to_string(root().join("tests/corpus/compiled.jsonl"))
        .unwrap()
        .lines()
        .map(|line| serde_json::from_str(line).expect("JSON lines"))
        .collect()
}

/// The differences `docs/compat.md` explains in the table under the `## ` heading that
/// starts with `heading` (its `| `path` | ... |` rows).
fn documented_rows(heading: &str) -> BTreeSet<String> {
    let text = std::fs::read_to_string(root().join("docs/compat.md")).unwrap();
    let mut inside = false;
    let mut rows = BTreeSet::new();
    for line in text.lines() {
        if let Some(title) = line.strip_prefix("## ") {
            inside = title.starts_with(heading);
        } else if inside && let Some(rest) = line.strip_prefix("| `") {
            rows.extend(rest.split('`').next().map(str::to_owned));
        }
    }
    rows
}

/// The first error of a refused render, as its text report shows it.
fn refusal(output: &std::process::Output) -> String {
    let stderr = String::from_utf8_lossy(&output.stderr);
    stderr
        .lines()
        .find(|l| l.contains('×'))
        .unwrap_or("")
        .trim()
        .to_owned()
}

/// Every file in `differing` is explained in the `docs/compat.md` table under `heading`, and
/// the table explains nothing else.
fn assert_explained(heading: &str, what: &str, differing: &BTreeSet<String>, report: &[String]) {
    let documented = documented_rows(heading);
    let undocumented: Vec<_> = differing.difference(&documented).collect();
    let stale: Vec<_> = documented.difference(differing).collect();
    assert!(
        undocumented.is_empty(),
        "{what} that differ and are not explained in docs/compat.md: {undocumented:#?}\n{report:#?}"
    );
    assert!(
        stale.is_empty(),
        "docs/compat.md explains differences plx no longer has: {stale:#?}"
    );
}

/// A command or args list as the converter writes it: items that render to nothing
/// (`None`, `""`) dropped, every item text; a single string is one item.
fn items(value: &serde_json::Value) -> Vec<String> {
    let list = match value {
        serde_json::Value::Null => return Vec::new(),
        serde_json::Value::Array(items) => items.clone(),
        other => vec![other.clone()],
    };
    list.into_iter()
        .filter(|item| !item.is_null() && item.as_str() != Some(""))
        .map(|item| match item {
            serde_json::Value::String(text) => text,
            other => other.to_string(),
        })
        .collect()
}

/// What differs between Polyaxon's compiled run and plx's rendered main container and pod.
fn differences(expected: &serde_json::Value, pod: &serde_json::Value) -> Vec<String> {
    let mut out = Vec::new();
    let main = &pod["containers"][0];
    for key in ["command", "args"] {
        let want = items(&expected["container"][key]);
        let got = items(&main[key]);
        if want != got {
            out.push(format!("{key}: Polyaxon {want:?}, plx {got:?}"));
        }
    }
    // Polyaxon adds `toEnv` variables when it converts; the resolved run has the rest.
    let env: Vec<serde_json::Value> = main["env"]
        .as_array()
        .map(|e| {
            e.iter()
                .map(|v| serde_json::json!({"name": v["name"], "value": v["value"]}))
                .collect()
        })
        .unwrap_or_default();
    for variable in expected["container"]["env"]
        .as_array()
        .into_iter()
        .flatten()
    {
        let mut variable = variable.clone();
        if let Some(value) = variable
            .get("value")
            .filter(|v| !v.is_string() && !v.is_null())
        {
            variable["value"] = serde_json::Value::String(value.to_string());
        }
        if !env.contains(&variable) {
            out.push(format!("env: Polyaxon has {variable}, plx {env:?}"));
        }
    }
    let environment = &expected["environment"];
    for (key, field) in [
        ("nodeSelector", "nodeSelector"),
        ("tolerations", "tolerations"),
        ("serviceAccountName", "serviceAccountName"),
        ("hostNetwork", "hostNetwork"),
    ] {
        if let Some(want) = environment.get(key)
            && pod.get(field) != Some(want)
        {
            out.push(format!("{key}: Polyaxon {want}, plx {:?}", pod.get(field)));
        }
    }
    out
}

#[test]
fn plx_renders_what_polyaxon_compiles() {
    let dir = corpus_dir();
    let mut compared = 0;
    let mut differing = BTreeSet::new();
    let mut report = Vec::new();
    for expected in compiled() {
        let rendered_kind = matches!(expected["kind"].as_str(), Some("job" | "service"));
        if expected["ok"] != true || !rendered_kind {
            continue;
        }
        let path = expected["path"].as_str().unwrap().to_owned();
        // A matrix is a pipeline: Polyaxon resolves each of its runs later, with the
        // matrix's values, and leaves this run's templates as written.
        let text = std::fs::read_to_string(dir.join(&path)).unwrap();
        let tree = plx::yaml::load(&text, plx::yaml::Limits::default()).unwrap();
        let level = tree.get("component").map_or(&tree, |e| &e.value);
        if tree.get("matrix").is_some() || level.get("matrix").is_some() {
            continue;
        }
        let mut command = plx();
        command.args(["render", "-o", "json", "--no-rbac"]);
        command.args([
            "--uuid",
            "0123456789abcdef0123456789abcdef",
            "--owner",
            "acme",
        ]);
        command.args([
            "--project",
            "demo",
            "--name",
            "oracle-run",
            "--namespace",
            "polyaxon",
        ]);
        command.arg("--values");
        command.arg(root().join("tests/corpus/oracle-agent.yaml"));
        for param in expected["params"].as_array().unwrap() {
            command.args(["-P", param.as_str().unwrap()]);
        }
        // The corpus is the repository its files' references stay inside.
        let output = command.current_dir(&dir).arg(&path).output().unwrap();
        compared += 1;
        if output.status.code() != Some(0) {
            report.push(format!("{path}: not rendered: {}", refusal(&output)));
            differing.insert(path);
            continue;
        }
        let list: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
        let workload = list["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|o| matches!(o["kind"].as_str(), Some("Pod" | "Job" | "Deployment")))
            .expect("a workload")
            .clone();
        let pod = if workload["kind"] == "Pod" {
            workload["spec"].clone()
        } else {
            workload["spec"]["template"]["spec"].clone()
        };
        let found = differences(&expected, &pod);
        if !found.is_empty() {
            report.push(format!("{path}: {}", found.join("; ")));
            differing.insert(path);
        }
    }
    println!(
        "compiled runs compared: {compared}, the same: {}",
        compared - differing.len()
    );
    for line in &report {
        println!("  {line}");
    }
    assert!(compared >= 100, "only {compared} runs compared");
    assert_explained("Compiled runs", "compiled runs", &differing, &report);
}

/// Every distributed corpus file that Polyaxon converts (`k8s_ok`) and `plx check` passes
/// renders to its operator's objects, each valid against its pinned CRD schema.
#[test]
fn plx_renders_the_distributed_corpus_files_to_valid_operator_objects() {
    let text = std::fs::read_to_string(corpus_dir().join("ORACLE.tsv")).unwrap();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split('\t').collect();
    let column = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let (path, run_kind, k8s_ok) = (column("path"), column("run_kind"), column("k8s_ok"));
    let mut rendered = 0;
    for line in lines.filter(|l| !l.is_empty()) {
        let fields: Vec<&str> = line.split('\t').collect();
        let distributed = matches!(
            fields[run_kind],
            "tfjob" | "pytorchjob" | "mpijob" | "raycluster" | "daskcluster"
        );
        if !distributed || fields[k8s_ok] != "true" {
            continue;
        }
        let file = corpus_dir().join(fields[path]);
        let hub = corpus_dir().join("polyaxon-hub");
        let checked = plx()
            .arg("check")
            .arg("--hub-dir")
            .arg(&hub)
            .arg(&file)
            .output()
            .unwrap();
        if checked.status.code() != Some(0) {
            // Refused by check, with its reason in docs/compat.md (`plx_agrees_...`).
            continue;
        }
        let output = plx()
            .args(["render", "-o", "json", "--hub-dir"])
            .arg(&hub)
            .arg(&file)
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(0), "{}", fields[path]);
        let list: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
        // RBAC objects for a named service account are checked by tests/render.rs.
        let custom = list["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|o| common::is_operator_object(o));
        for object in custom {
            let kind = object["kind"].as_str().unwrap();
            let validator = &common::crd_validators()[kind];
            let errors: Vec<String> = validator
                .iter_errors(object)
                .map(|e| format!("{e} at {}", e.instance_path()))
                .collect();
            assert!(errors.is_empty(), "{}: {errors:#?}", fields[path]);
        }
        rendered += 1;
    }
    println!("distributed corpus files rendered and valid: {rendered}");
    assert!(rendered >= 5, "only {rendered} distributed files rendered");
}

fn expected_distributed() -> Vec<serde_json::Value> {
    std::fs::read_to_string(root().join("tests/corpus/distributed.jsonl"))
        .unwrap()
        .lines()
        .map(|line| serde_json::from_str(line).expect("JSON lines"))
        .collect()
}

/// What differs between a replica Polyaxon converts and the one plx renders.
fn replica_differences(
    role: &str,
    want: &serde_json::Value,
    got: &serde_json::Value,
) -> Vec<String> {
    let mut out = Vec::new();
    let pod = &got["template"]["spec"];
    let main = &pod["containers"][0];
    let mut pairs = vec![
        (
            "replicas",
            want["replicas"].clone(),
            got["replicas"].clone(),
        ),
        (
            "restartPolicy",
            want["restartPolicy"].clone(),
            got["restartPolicy"].clone(),
        ),
        (
            "minReplicas",
            want["minReplicas"].clone(),
            got["minReplicas"].clone(),
        ),
        (
            "maxReplicas",
            want["maxReplicas"].clone(),
            got["maxReplicas"].clone(),
        ),
        (
            "container name",
            want["container"]["name"].clone(),
            main["name"].clone(),
        ),
    ];
    for key in ["command", "args"] {
        pairs.push((
            key,
            items(&want["container"][key]).into(),
            items(&main[key]).into(),
        ));
    }
    for key in [
        "nodeSelector",
        "tolerations",
        "serviceAccountName",
        "hostNetwork",
    ] {
        pairs.push((key, want["pod"][key].clone(), pod[key].clone()));
    }
    for (key, want, got) in pairs {
        if want != got {
            out.push(format!("{role} {key}: Polyaxon {want}, plx {got}"));
        }
    }
    for variable in want["container"]["env"].as_array().into_iter().flatten() {
        if !main["env"]
            .as_array()
            .is_some_and(|env| env.contains(variable))
        {
            out.push(format!(
                "{role} env: Polyaxon has {variable}, plx {}",
                main["env"]
            ));
        }
    }
    out
}

/// What differs in the object's spec: for the training operator, the run policy (its
/// default `cleanPodPolicy` is `None`) and the kind's own fields; for Ray, the job's fields;
/// for Dask, the scheduler's Service and the lifecycle.
fn spec_differences(want: &serde_json::Value, got: &serde_json::Value) -> Vec<String> {
    let pairs = match want["kind"].as_str() {
        Some("raycluster") => ray_spec_pairs(want, got),
        Some("daskcluster") => vec![
            (
                "scheduler service ports",
                want["spec"]["service"]["ports"].clone(),
                got["spec"]["scheduler"]["service"]["ports"].clone(),
            ),
            (
                "ttlSecondsAfterFinished",
                want["termination"]["ttlSecondsAfterFinished"].clone(),
                serde_json::Value::Null,
            ),
        ],
        _ => kubeflow_spec_pairs(want, got),
    };
    pairs
        .into_iter()
        .filter(|(_, want, got)| want != got)
        .map(|(key, want, got)| format!("{key}: Polyaxon {want}, plx {got}"))
        .collect()
}

type Pair = (&'static str, serde_json::Value, serde_json::Value);

fn kubeflow_spec_pairs(want: &serde_json::Value, got: &serde_json::Value) -> Vec<Pair> {
    let policy = &got["spec"]["runPolicy"];
    let none = serde_json::json!("None");
    let clean = |value: &serde_json::Value| {
        if value.is_null() {
            none.clone()
        } else {
            value.clone()
        }
    };
    let mut pairs = vec![(
        "cleanPodPolicy",
        clean(&want["spec"]["cleanPodPolicy"]),
        clean(&policy["cleanPodPolicy"]),
    )];
    for key in [
        "backoffLimit",
        "activeDeadlineSeconds",
        "ttlSecondsAfterFinished",
    ] {
        pairs.push((key, want["termination"][key].clone(), policy[key].clone()));
    }
    let nproc = want["spec"]["nProcPerNode"].as_i64().map(|n| n.to_string());
    pairs.push((
        "nprocPerNode",
        nproc.into(),
        got["spec"]["nprocPerNode"].clone(),
    ));
    pairs.push((
        "slotsPerWorker",
        want["spec"]["slotsPerWorker"].clone(),
        got["spec"]["slotsPerWorker"].clone(),
    ));
    pairs
}

/// A RayJob's fields against Polyaxon's `rayClusterSpec`; the runtime environment is JSON
/// text in both, compared as values.
fn ray_spec_pairs(want: &serde_json::Value, got: &serde_json::Value) -> Vec<Pair> {
    let spec = &got["spec"];
    let parsed = |text: &serde_json::Value| {
        text.as_str()
            .and_then(|t| serde_json::from_str::<serde_json::Value>(t).ok())
            .unwrap_or_default()
    };
    vec![
        ("kind", "RayJob".into(), got["kind"].clone()),
        (
            "entrypoint",
            want["spec"]["entrypoint"].clone(),
            spec["entrypoint"].clone(),
        ),
        (
            "rayVersion",
            want["spec"]["rayVersion"].clone(),
            spec["rayClusterSpec"]["rayVersion"].clone(),
        ),
        (
            "runtimeEnv",
            parsed(&want["spec"]["runtimeEnv"]),
            parsed(&spec["runtimeEnvYAML"]),
        ),
        (
            "ttlSecondsAfterFinished",
            want["termination"]["ttlSecondsAfterFinished"].clone(),
            spec["ttlSecondsAfterFinished"].clone(),
        ),
    ]
}

/// Each distributed corpus file Polyaxon converts, rendered by plx and compared with the
/// `KfJob` or `Cluster` of the real Polyaxon (`tests/corpus/distributed.jsonl`, written by
/// `tests/corpus/generate_distributed.py` through `polyaxon_oracle.py --k8s`), replica by
/// replica; every difference is explained in `docs/compat.md`.
#[test]
fn plx_renders_what_polyaxon_converts_for_distributed_runs() {
    let dir = corpus_dir();
    let mut differing = BTreeSet::new();
    let mut report = Vec::new();
    let expected = expected_distributed();
    for want in &expected {
        let path = want["path"].as_str().unwrap().to_owned();
        let mut command = plx();
        command.args([
            "render",
            "-o",
            "json",
            "--no-rbac",
            "--hub-dir",
            "polyaxon-hub",
        ]);
        for param in want["params"].as_array().unwrap() {
            command.args(["-P", param.as_str().unwrap()]);
        }
        let output = command.current_dir(&dir).arg(&path).output().unwrap();
        if output.status.code() != Some(0) {
            report.push(format!("{path}: not rendered: {}", refusal(&output)));
            differing.insert(path);
            continue;
        }
        let list: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
        let object = &list["items"][0];
        let replicas: serde_json::Map<String, serde_json::Value> =
            common::operator_replicas(object).into_iter().collect();
        let mut found = spec_differences(want, object);
        for (role, replica) in want["replicas"].as_object().unwrap() {
            let got = replicas.get(role).cloned().unwrap_or_default();
            found.extend(replica_differences(role, replica, &got));
        }
        if !found.is_empty() {
            report.push(format!("{path}: {}", found.join("; ")));
            differing.insert(path);
        }
    }
    println!(
        "distributed runs compared: {}, the same: {}",
        expected.len(),
        expected.len() - differing.len()
    );
    for line in &report {
        println!("  {line}");
    }
    assert!(expected.len() >= 5, "only {} runs compared", expected.len());
    assert_explained("Distributed runs", "distributed runs", &differing, &report);
}
