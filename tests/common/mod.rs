//! Helpers shared by the integration tests: they drive the real `plx` binary.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use assert_cmd::Command;

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The `plx` binary, run from the repository root (so paths in output are relative).
pub fn plx() -> Command {
    let mut command = Command::cargo_bin("plx").expect("the plx binary is built for tests");
    command.current_dir(root()).env("NO_COLOR", "1");
    command
}

/// The files of a fixtures folder, sorted, as paths relative to the repository root.
pub fn fixtures(folder: &str) -> Vec<PathBuf> {
    let dir = root().join("fixtures").join(folder);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.expect("readable fixtures folder").path())
        .filter(|path| path.is_file())
        .map(|path| path.strip_prefix(root()).expect("under root").to_path_buf())
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no fixtures in {}", dir.display());
    files
}

/// The rule code a fixture is named after: `SCH001-typo.yaml` -> `SCH001`.
pub fn expected_code(path: &Path) -> String {
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .expect("utf-8 name");
    name.split('-').next().expect("CODE-name").to_owned()
}

pub fn snapshot_name(path: &Path) -> String {
    path.file_name()
        .and_then(|n| n.to_str())
        .expect("utf-8 name")
        .replace('.', "_")
}

/// The flags a valid fixture is checked and rendered with, from its `# with: ...` line (e.g.
/// the agent values whose connections it uses).
pub fn fixture_flags(path: &Path) -> Vec<String> {
    std::fs::read_to_string(root().join(path))
        .unwrap_or_default()
        .lines()
        .find_map(|line| line.strip_prefix("# with: "))
        .map(|flags| flags.split_whitespace().map(str::to_owned).collect())
        .unwrap_or_default()
}

/// Runs `plx check --format json` and returns the exit code and the parsed document.
pub fn check_json(path: &Path, extra: &[&str]) -> (i32, serde_json::Value) {
    let output = plx()
        .arg("check")
        .arg("--format")
        .arg("json")
        .args(extra)
        .arg(path)
        .output()
        .expect("plx runs");
    (
        output.status.code().expect("exited"),
        report(&output.stdout),
    )
}

/// A JSON report (`check`, `rbac check`): exactly one document, valid against the contract
/// `schemas/output/report.schema.json` (docs/json-output.md).
pub fn report(stdout: &[u8]) -> serde_json::Value {
    static CONTRACT: OnceLock<jsonschema::Validator> = OnceLock::new();
    let contract = CONTRACT.get_or_init(|| {
        let text = std::fs::read_to_string(root().join("schemas/output/report.schema.json"))
            .expect("the contract is shipped");
        jsonschema::validator_for(&serde_json::from_str(&text).expect("the contract is JSON"))
            .expect("the contract is a JSON Schema")
    });
    let document: serde_json::Value = serde_json::from_slice(stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not one JSON document ({e}): {}",
            String::from_utf8_lossy(stdout)
        )
    });
    let broken: Vec<String> = contract
        .iter_errors(&document)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        broken.is_empty(),
        "the report breaks its contract: {broken:#?}"
    );
    document
}

pub fn codes(document: &serde_json::Value) -> Vec<String> {
    let mut codes: Vec<String> = document["diagnostics"]
        .as_array()
        .expect("diagnostics array")
        .iter()
        .map(|d| d["code"].as_str().expect("code").to_owned())
        .collect();
    codes.dedup();
    codes
}

/// The corpus of real Polyaxonfiles with Polyaxon's verdicts, from the shared folder beside
/// the repository (`../shared/corpus/polyaxonfiles`) or `PLX_CORPUS`.
pub fn corpus_dir() -> PathBuf {
    let dir = std::env::var_os("PLX_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("../shared/corpus/polyaxonfiles"));
    assert!(
        dir.join("ORACLE.tsv").is_file(),
        "the corpus is not at {}: set PLX_CORPUS to the folder holding ORACLE.tsv",
        dir.display()
    );
    dir
}

/// A fresh folder under the system's temporary one, removed when dropped (also when a test
/// fails): `Scratch::new("hub")` for each test that writes files. It is a repository of its
/// own (it holds `.git`), as a project plx checks is: the files one of its files names must be
/// inside it.
pub struct Scratch(pub PathBuf);

impl Scratch {
    pub fn new(name: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("plx-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join(".git")).unwrap();
        Self(dir)
    }

    /// Writes a file at `path` under the folder (creating its folders) and returns its path.
    pub fn file(&self, path: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
        let path = self.0.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, bytes).unwrap();
        path
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The first fenced YAML block of a page's section (`## Example`, `## Use instead`).
pub fn yaml_in<'a>(page: &'a str, heading: &str) -> Option<&'a str> {
    let section = &page[page.find(heading)? + heading.len()..];
    let section = &section[..section.find("\n## ").unwrap_or(section.len())];
    let start = section.find("```yaml\n")? + "```yaml\n".len();
    let end = section[start..].find("```")?;
    Some(&section[start..start + end])
}

/// Pages whose examples cannot be a file: one over 8 MiB (YAML008) or not UTF-8 (YAML009),
/// both in tests/robustness.rs, and command lines (CLI001, IO001, IO003), in
/// tests/security.rs.
pub const NOT_FILES: &[&str] = &["YAML008", "YAML009", "CLI001", "IO001", "IO003"];

/// The repository an example runs in: a copy of the fixtures it may name (the components a
/// `pathRef` runs, the agent's values), with the example at `fixtures/examples/CODE.yaml`.
pub fn example_repository() -> Scratch {
    let scratch = Scratch::new("rule-examples");
    for folder in ["components", "agent"] {
        for path in fixtures(folder) {
            let text = std::fs::read(root().join(&path)).unwrap();
            scratch.file(path.to_str().unwrap(), text);
        }
    }
    scratch
}

/// A CRD schema made strict, as the API server's field validation is: an object schema
/// that lists its `properties` refuses any other, unless it preserves unknown fields.
fn strict(schema: &mut serde_json::Value) {
    if let Some(object) = schema.as_object_mut() {
        let preserves = object.get("x-kubernetes-preserve-unknown-fields")
            == Some(&serde_json::Value::Bool(true));
        if object.contains_key("properties")
            && !preserves
            && !object.contains_key("additionalProperties")
        {
            object.insert(
                "additionalProperties".into(),
                serde_json::Value::Bool(false),
            );
        }
        object.values_mut().for_each(strict);
    } else if let Some(items) = schema.as_array_mut() {
        items.iter_mut().for_each(strict);
    }
}

/// The API groups of the operators' objects plx renders, whose schemas are CRDs.
pub const OPERATOR_GROUPS: [&str; 3] = ["kubeflow.org/", "ray.io/", "kubernetes.dask.org/"];

/// Whether an object is an operator's custom resource (validated against its pinned CRD).
pub fn is_operator_object(object: &serde_json::Value) -> bool {
    object["apiVersion"]
        .as_str()
        .is_some_and(|version| OPERATOR_GROUPS.iter().any(|g| version.starts_with(g)))
}

/// An operator object's replicas, by role, in the training operator's shape (`replicas`,
/// `restartPolicy`, `template`): a Ray group's restart policy is its pods', a Dask role's pod
/// its `metadata` and `spec`.
pub fn operator_replicas(object: &serde_json::Value) -> Vec<(String, serde_json::Value)> {
    let spec = &object["spec"];
    let mut out = Vec::new();
    match object["kind"].as_str().unwrap_or_default() {
        "RayJob" | "RayCluster" => {
            let cluster = spec.get("rayClusterSpec").unwrap_or(spec);
            let head = std::iter::once(("head".to_owned(), &cluster["headGroupSpec"]));
            let groups = cluster["workerGroupSpecs"].as_array().into_iter().flatten();
            let groups =
                groups.map(|g| (g["groupName"].as_str().unwrap_or_default().to_owned(), g));
            for (role, group) in head.chain(groups) {
                let mut replica = group.clone();
                replica["restartPolicy"] = group["template"]["spec"]["restartPolicy"].clone();
                out.push((role, replica));
            }
        }
        "DaskCluster" => {
            for role in ["scheduler", "worker"] {
                let mut replica = spec[role].clone();
                replica["template"] = serde_json::json!({"metadata": spec[role]["metadata"], "spec": spec[role]["spec"]});
                out.push((role.to_owned(), replica));
            }
        }
        _ => {
            let replicas = spec
                .as_object()
                .into_iter()
                .flatten()
                .filter(|(key, _)| key.ends_with("ReplicaSpecs"))
                .flat_map(|(_, specs)| specs.as_object().into_iter().flatten());
            out.extend(replicas.map(|(role, replica)| (role.clone(), replica.clone())));
        }
    }
    out
}

/// The Kubernetes objects an operator makes from one of its custom resources, each by the
/// role it serves: a Kubeflow replica's or a Ray group's pod, a Dask role's Deployment (the
/// Dask operator runs both roles as Deployments) and the scheduler's Service. Each is named
/// after the object, as the operators name them.
pub fn operator_children(object: &serde_json::Value) -> Vec<(String, serde_json::Value)> {
    use serde_json::json;
    let name = &object["metadata"]["name"];
    let dask = object["kind"] == "DaskCluster";
    let mut out: Vec<(String, serde_json::Value)> = operator_replicas(object)
        .into_iter()
        .map(|(role, replica)| {
            let template = &replica["template"];
            let mut metadata = template["metadata"].clone();
            let child = if dask {
                let labels = &metadata["labels"];
                json!({
                    "kind": "Deployment",
                    "metadata": {"name": name, "labels": labels},
                    "spec": {"selector": {"matchLabels": labels}, "template": template},
                })
            } else {
                metadata["name"] = name.clone();
                json!({"kind": "Pod", "metadata": metadata, "spec": template["spec"]})
            };
            (role, child)
        })
        .collect();
    if dask {
        let service = json!({
            "kind": "Service",
            "metadata": {"name": format!("{}-scheduler", name.as_str().unwrap_or_default())},
            "spec": object["spec"]["scheduler"]["service"],
        });
        out.push(("scheduler service".to_owned(), service));
    }
    out
}

/// The pinned CRD schemas (`schemas/crds/`), strict, by kind.
pub fn crd_validators() -> &'static std::collections::HashMap<&'static str, jsonschema::Validator> {
    static VALIDATORS: OnceLock<std::collections::HashMap<&'static str, jsonschema::Validator>> =
        OnceLock::new();
    VALIDATORS.get_or_init(|| {
        [
            ("TFJob", "kubeflow.org_v1_tfjob.json"),
            ("PyTorchJob", "kubeflow.org_v1_pytorchjob.json"),
            ("MPIJob", "kubeflow.org_v1_mpijob.json"),
            ("RayJob", "ray.io_v1_rayjob.json"),
            ("RayCluster", "ray.io_v1_raycluster.json"),
            ("DaskCluster", "kubernetes.dask.org_v1_daskcluster.json"),
            (
                "DaskAutoscaler",
                "kubernetes.dask.org_v1_daskautoscaler.json",
            ),
        ]
        .into_iter()
        .map(|(kind, file)| {
            let path = root().join("schemas/crds").join(file);
            let mut schema: serde_json::Value =
                serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
            // The API server takes every object's type and metadata, whether or not the CRD
            // lists them (the Dask operator's do not).
            for (key, kind) in [
                ("apiVersion", "string"),
                ("kind", "string"),
                ("metadata", "object"),
            ] {
                schema["properties"]
                    .as_object_mut()
                    .unwrap()
                    .entry(key)
                    .or_insert_with(|| serde_json::json!({"type": kind}));
            }
            strict(&mut schema);
            let validator =
                jsonschema::validator_for(&schema).unwrap_or_else(|e| panic!("{file}: {e}"));
            (kind, validator)
        })
        .collect()
    })
}
