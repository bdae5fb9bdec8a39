//! Every valid fixture checks clean and renders; the manifests are pinned by snapshots and
//! validated against the official Kubernetes v1.33 JSON schemas in strict mode
//! (`additionalProperties: false`), independently of plx's own types. A fixture that needs
//! flags (the agent values whose connections it uses) names them on a `# with: ...` line.

mod common;

use std::collections::HashMap;
use std::sync::OnceLock;

use common::{check_json, fixtures, plx, root, snapshot_name};
use jsonschema::{Retrieve, Uri, Validator};
use serde_json::Value;

const SCHEMAS: &str = "schemas/k8s/v1.33.0-local-strict";

/// Serves the shared `_definitions.json` that every kind schema refers to, from disk.
struct Definitions(Value);

impl Retrieve for Definitions {
    fn retrieve(
        &self,
        uri: &Uri<String>,
    ) -> Result<Value, Box<dyn std::error::Error + Send + Sync>> {
        if uri.as_str() == "https://kubernetes.io/api/_definitions.json" {
            Ok(self.0.clone())
        } else {
            Err(format!("no schema for {uri} (offline)").into())
        }
    }
}

fn read_json(path: &str) -> Value {
    let path = root().join(SCHEMAS).join(path);
    serde_json::from_str(
        &std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display())),
    )
    .expect("schema is JSON")
}

fn validators() -> &'static HashMap<&'static str, Validator> {
    static VALIDATORS: OnceLock<HashMap<&'static str, Validator>> = OnceLock::new();
    VALIDATORS.get_or_init(|| {
        let definitions = read_json("_definitions.json");
        [
            ("Pod", "pod-v1.json"),
            ("Service", "service-v1.json"),
            ("Deployment", "deployment-apps-v1.json"),
            ("Job", "job-batch-v1.json"),
            ("ServiceAccount", "serviceaccount-v1.json"),
            ("Role", "role-rbac-v1.json"),
            ("RoleBinding", "rolebinding-rbac-v1.json"),
            ("ClusterRole", "clusterrole-rbac-v1.json"),
            ("ClusterRoleBinding", "clusterrolebinding-rbac-v1.json"),
        ]
        .into_iter()
        .map(|(kind, file)| {
            let validator = jsonschema::options()
                .with_retriever(Definitions(definitions.clone()))
                .build(&read_json(file))
                .unwrap_or_else(|e| panic!("{file}: {e}"));
            (kind, validator)
        })
        .collect()
    })
}

fn assert_valid_kubernetes(object: &Value, context: &str) {
    let kind = object["kind"]
        .as_str()
        .unwrap_or_else(|| panic!("{context}: object without kind"));
    let validators = if common::is_operator_object(object) {
        common::crd_validators()
    } else {
        validators()
    };
    let validator = validators
        .get(kind)
        .unwrap_or_else(|| panic!("{context}: no schema for kind {kind}"));
    let errors: Vec<String> = validator
        .iter_errors(object)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "{context}: {kind} fails the strict schema:\n{}",
        errors.join("\n")
    );
}

/// What the JSON schema misses: enums (from the v1.33 OpenAPI v3 spec, `schemas/k8s/`), the
/// int32 format, and the API server's name, label and port formats.
struct Semantics {
    definitions: Value,
    enums: Value,
}

impl Semantics {
    fn get() -> &'static Semantics {
        static SEMANTICS: OnceLock<Semantics> = OnceLock::new();
        SEMANTICS.get_or_init(|| Semantics {
            definitions: read_json("_definitions.json")["$defs"].clone(),
            enums: serde_json::from_str(
                &std::fs::read_to_string(root().join("schemas/k8s/v1.33.0-enums.json")).unwrap(),
            )
            .unwrap(),
        })
    }

    /// Every violation in `value`, an instance of `definition`, as `pointer: problem`.
    fn violations(&self, definition: &str, value: &Value, pointer: &str, out: &mut Vec<String>) {
        let Some(object) = value.as_object() else {
            return;
        };
        let properties = &self.definitions[definition]["properties"];
        for (key, child) in object {
            let here = format!("{pointer}/{key}");
            if let Some(allowed) = self.enums[definition][key].as_array()
                && !allowed.contains(child)
            {
                out.push(format!("{here}: {child} is not one of {allowed:?}"));
            }
            let schema = &properties[key];
            if schema["format"] == "int32"
                && child.as_i64().and_then(|n| i32::try_from(n).ok()).is_none()
            {
                out.push(format!("{here}: {child} is not an int32"));
            }
            let target = |schema: &Value| {
                schema["$ref"]
                    .as_str()
                    .and_then(|r| r.strip_prefix("#/$defs/"))
                    .map(str::to_owned)
            };
            if let Some(name) = target(schema) {
                self.violations(&name, child, &here, out);
            } else if let (Some(name), Some(items)) = (target(&schema["items"]), child.as_array()) {
                for (index, item) in items.iter().enumerate() {
                    self.violations(&name, item, &format!("{here}/{index}"), out);
                }
            } else if let (Some(name), Some(map)) =
                (target(&schema["additionalProperties"]), child.as_object())
            {
                for (entry, item) in map {
                    self.violations(&name, item, &format!("{here}/{entry}"), out);
                }
            }
        }
    }
}

/// The API server's formats for the names, labels and ports plx writes.
fn format_violations(object: &Value, out: &mut Vec<String>) {
    use plx::k8s::validation;
    let mut check = |what: String, errors: Vec<String>| {
        if !errors.is_empty() {
            out.push(format!("{what}: {}", errors.join("; ")));
        }
    };
    let name = object["metadata"]["name"].as_str().unwrap_or_default();
    // Workload and Service names are DNS labels; RBAC objects and ServiceAccounts take
    // subdomains (plx writes `NS.NAME` for cluster-wide and shared-namespace objects).
    let name_errors = match object["kind"].as_str() {
        Some("Pod" | "Service" | "Job" | "Deployment") => validation::dns1123_label(name),
        _ => validation::dns1123_subdomain(name),
    };
    check(format!("metadata.name {name}"), name_errors);
    let metadata = [&object["metadata"], &object["spec"]["template"]["metadata"]];
    for labels in metadata.iter().map(|m| &m["labels"]) {
        for (key, value) in labels.as_object().into_iter().flatten() {
            check(format!("label key {key}"), validation::qualified_name(key));
            check(
                format!("label value {value}"),
                validation::label_value(value.as_str().unwrap()),
            );
        }
    }
    let pod = if object["kind"] == "Pod" {
        &object["spec"]
    } else {
        &object["spec"]["template"]["spec"]
    };
    let containers = pod["containers"].as_array().into_iter().flatten();
    for container in containers.chain(pod["initContainers"].as_array().into_iter().flatten()) {
        let name = container["name"].as_str().unwrap_or_default();
        check(
            format!("container name {name}"),
            validation::dns1123_label(name),
        );
        for port in container["ports"].as_array().into_iter().flatten() {
            check(
                format!("containerPort {port}"),
                validation::port_number(port["containerPort"].as_i64().unwrap()),
            );
        }
    }
    for port in object["spec"]["ports"].as_array().into_iter().flatten() {
        check(
            format!("service port {port}"),
            validation::port_number(port["port"].as_i64().unwrap()),
        );
        check(
            format!("service port name {port}"),
            validation::iana_svc_name(port["name"].as_str().unwrap()),
        );
    }
    let restart = pod["restartPolicy"].as_str();
    let allowed: &[&str] = match object["kind"].as_str() {
        Some("Job") => &["OnFailure", "Never"],
        Some("Deployment") => &["Always"],
        _ => &["Always", "OnFailure", "Never"],
    };
    if let Some(restart) = restart.filter(|r| !allowed.contains(r)) {
        out.push(format!("restartPolicy {restart} in a {}", object["kind"]));
    }
}

fn assert_semantically_valid(object: &Value, context: &str) {
    // An operator's object is judged by what the operator makes of it: pods, Deployments
    // and Services.
    if common::is_operator_object(object) {
        for (role, child) in common::operator_children(object) {
            assert_semantically_valid(&child, &format!("{context}: {role}"));
        }
        return;
    }
    let definition = match object["kind"].as_str() {
        Some("Pod") => "io.k8s.api.core.v1.Pod",
        Some("Service") => "io.k8s.api.core.v1.Service",
        Some("Deployment") => "io.k8s.api.apps.v1.Deployment",
        Some("Job") => "io.k8s.api.batch.v1.Job",
        Some("ServiceAccount") => "io.k8s.api.core.v1.ServiceAccount",
        Some("Role") => "io.k8s.api.rbac.v1.Role",
        Some("RoleBinding") => "io.k8s.api.rbac.v1.RoleBinding",
        Some("ClusterRole") => "io.k8s.api.rbac.v1.ClusterRole",
        Some("ClusterRoleBinding") => "io.k8s.api.rbac.v1.ClusterRoleBinding",
        other => panic!("{context}: unexpected kind {other:?}"),
    };
    let mut problems = Vec::new();
    Semantics::get().violations(definition, object, "", &mut problems);
    format_violations(object, &mut problems);
    assert!(problems.is_empty(), "{context}: {}", problems.join("\n"));
}

fn render(path: &std::path::Path, args: &[&str]) -> String {
    let output = plx()
        .arg("render")
        .args(common::fixture_flags(path))
        .arg(path)
        .args(args)
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}: {}",
        path.display(),
        String::from_utf8_lossy(&output.stderr)
    );
    // Warnings go to stderr; a fixture may only have those it expects (the seed's SEC007).
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.is_empty() || !expected_findings(path).is_empty(),
        "{}: {stderr}",
        path.display(),
    );
    String::from_utf8(output.stdout).expect("UTF-8 output")
}

fn items(path: &std::path::Path) -> Vec<Value> {
    let json: Value =
        serde_json::from_str(&render(path, &["-o", "json"])).expect("-o json is JSON");
    assert_eq!(json["kind"], "List");
    json["items"].as_array().expect("items").clone()
}

/// The `# expect: CODE line:column` lines of a fixture.
fn expected_findings(path: &std::path::Path) -> Vec<String> {
    std::fs::read_to_string(common::root().join(path))
        .unwrap()
        .lines()
        .filter_map(|l| l.strip_prefix("# expect: "))
        .map(str::to_owned)
        .collect()
}

#[test]
fn valid_fixtures_have_no_errors_and_only_the_warnings_they_expect() {
    for path in fixtures("valid") {
        let flags = common::fixture_flags(&path);
        let flags: Vec<&str> = flags.iter().map(String::as_str).collect();
        let (exit, document) = check_json(&path, &flags);
        assert_eq!(exit, 0, "{}", path.display());
        let found: Vec<String> = document["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| {
                format!(
                    "{} {}:{}",
                    d["code"].as_str().unwrap(),
                    d["line"],
                    d["column"]
                )
            })
            .collect();
        assert_eq!(found, expected_findings(&path), "{}", path.display());
    }
}

#[test]
fn rendered_fixtures_match_snapshots_the_strict_schema_enums_and_formats() {
    for path in fixtures("valid") {
        let yaml = render(&path, &[]);
        insta::assert_snapshot!(snapshot_name(&path), yaml);
        let objects = items(&path);
        assert!(!objects.is_empty(), "{}", path.display());
        for object in &objects {
            assert_valid_kubernetes(object, &path.display().to_string());
            assert_semantically_valid(object, &path.display().to_string());
        }
        // The YAML stream holds the same objects as the JSON list, read back by a YAML reader
        // (so every string that YAML 1.1 would misread must have been quoted).
        let from_yaml: Vec<Value> =
            serde_saphyr::from_str_multiple(&yaml).expect("rendered YAML parses");
        assert_eq!(
            from_yaml,
            objects,
            "{}: YAML and JSON outputs differ",
            path.display()
        );
    }
}

#[test]
fn the_seed_service_renders_a_pod_and_a_service() {
    let objects = items(std::path::Path::new(
        "fixtures/valid/service-tensorboard.yaml",
    ));
    let kinds: Vec<_> = objects
        .iter()
        .map(|o| o["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["Service", "Pod"]);
    let service = &objects[0];
    assert_eq!(service["spec"]["ports"][0]["port"], 6006);
    assert_eq!(service["spec"]["ports"][0]["targetPort"], 6006);
    let container_ports = &objects[1]["spec"]["containers"][0]["ports"];
    assert_eq!(container_ports[0]["containerPort"], 6006);
}

#[test]
fn replicas_make_a_deployment() {
    let objects = items(std::path::Path::new("fixtures/valid/service-replicas.yaml"));
    let kinds: Vec<_> = objects
        .iter()
        .map(|o| o["kind"].as_str().unwrap())
        .collect();
    assert!(
        kinds.contains(&"Deployment") && !kinds.contains(&"Pod"),
        "{kinds:?}"
    );
    let deployment = objects.iter().find(|o| o["kind"] == "Deployment").unwrap();
    assert_eq!(deployment["spec"]["replicas"], 3);
    // The selector holds only plx's stable labels, never the user's.
    let selector = deployment["spec"]["selector"]["matchLabels"]
        .as_object()
        .unwrap();
    assert!(
        selector.keys().all(|k| k.starts_with("app.kubernetes.io/")),
        "{selector:?}"
    );
}

#[test]
fn jobs_render_batch_jobs_with_termination() {
    let objects = items(std::path::Path::new("fixtures/valid/job-training-gpu.yaml"));
    assert_eq!(objects.len(), 1);
    let job = &objects[0];
    assert_eq!(job["apiVersion"], "batch/v1");
    assert_eq!(job["spec"]["backoffLimit"], 3);
    assert_eq!(job["spec"]["activeDeadlineSeconds"], 3600);
    assert_eq!(job["spec"]["ttlSecondsAfterFinished"], 600);
    assert_eq!(job["spec"]["template"]["spec"]["restartPolicy"], "Never");
}

#[test]
fn render_flags_set_name_and_namespace() {
    let path = std::path::Path::new("fixtures/valid/service-tensorboard.yaml");
    let json: Value =
        serde_json::from_str(&render(path, &["-o", "json", "--name", "tb", "-n", "ml"])).unwrap();
    for object in json["items"].as_array().unwrap() {
        assert_eq!(object["metadata"]["name"], "tb");
        assert_eq!(object["metadata"]["namespace"], "ml");
    }
    plx()
        .args(["render", "--name", "Bad_Name"])
        .arg(path)
        .assert()
        .code(2)
        .stdout("");
}

#[test]
fn rendering_is_deterministic() {
    for path in fixtures("valid") {
        assert_eq!(render(&path, &[]), render(&path, &[]), "{}", path.display());
    }
}

#[test]
fn the_schema_check_itself_rejects_unknown_fields_and_bad_types() {
    let pod = |container: Value| {
        serde_json::json!({
            "apiVersion": "v1", "kind": "Pod", "metadata": {"name": "x"},
            "spec": {"containers": [container]}
        })
    };
    let validator = &validators()["Pod"];
    assert!(validator.is_valid(&pod(
        serde_json::json!({"name": "a", "image": "busybox:1.36"})
    )));
    assert!(!validator.is_valid(&pod(
        serde_json::json!({"name": "a", "imagePullPolicyy": "Always"})
    )));
    assert!(!validator.is_valid(&pod(
        serde_json::json!({"name": "a", "ports": [{"containerPort": "80"}]})
    )));
}

#[test]
fn the_semantic_check_itself_catches_enums_int32_and_formats() {
    let pod = serde_json::json!({
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": "Bad_Name", "labels": {"a b": "ok"}},
        "spec": {
            "dnsPolicy": "Bogus",
            "priority": 3_000_000_000_i64,
            "tolerations": [{"operator": "Maybe"}],
            "containers": [{"name": "main", "imagePullPolicy": "always", "ports": [{"containerPort": 0}]}]
        }
    });
    let mut problems = Vec::new();
    Semantics::get().violations("io.k8s.api.core.v1.Pod", &pod, "", &mut problems);
    format_violations(&pod, &mut problems);
    let joined = problems.join("\n");
    for expected in [
        "/spec/dnsPolicy",
        "/spec/priority",
        "/spec/tolerations/0/operator",
        "imagePullPolicy",
        "metadata.name",
        "label key",
        "containerPort",
    ] {
        assert!(
            joined.contains(expected),
            "{expected} missing in:\n{joined}"
        );
    }
}

/// The passing cases of the rules: the fixed fixtures and each rule page's "Use instead",
/// those that are Polyaxonfiles checked without other files (`# plx ...`), in a repository
/// of their own with the fixtures they name.
fn passing_polyaxonfiles(scratch: &common::Scratch) -> Vec<std::path::PathBuf> {
    let mut cases: Vec<(String, String)> = fixtures("fixed")
        .into_iter()
        .map(|path| {
            let text = std::fs::read_to_string(root().join(&path)).unwrap_or_default();
            (path.display().to_string(), text)
        })
        .collect();
    for rule in plx::rules::RULES
        .iter()
        .filter(|r| !common::NOT_FILES.contains(&r.code))
    {
        if let Some(text) = common::yaml_in(rule.explanation, "## Use instead") {
            cases.push((
                format!("fixtures/examples/{}-fixed.yaml", rule.code),
                text.to_owned(),
            ));
        }
    }
    cases
        .into_iter()
        .filter(|(_, text)| {
            let polyaxonfile = text
                .lines()
                .any(|l| matches!(l, "kind: component" | "kind: operation"));
            polyaxonfile && !text.lines().any(|l| l.starts_with("# plx "))
        })
        .map(|(path, text)| scratch.file(&path, text))
        .collect()
}

#[test]
fn rendered_passing_cases_pass_the_strict_schema_enums_and_formats() {
    let scratch = common::example_repository();
    let cases = passing_polyaxonfiles(&scratch);
    assert!(cases.len() > 60, "{} cases", cases.len());
    for path in cases {
        let output = plx()
            .current_dir(&scratch.0)
            .args(["render", "-o", "json"])
            .arg(&path)
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(0), "{}", path.display());
        let list: Value = serde_json::from_slice(&output.stdout).unwrap();
        for object in list["items"].as_array().unwrap() {
            assert_valid_kubernetes(object, &path.display().to_string());
            assert_semantically_valid(object, &path.display().to_string());
        }
    }
}

#[test]
fn a_service_account_gets_the_profiles_rbac_and_nothing_is_missing() {
    let path = std::path::Path::new("fixtures/valid/service-service-account.yaml");
    let objects = items(path);
    let kinds: Vec<&str> = objects
        .iter()
        .map(|o| o["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        ["ServiceAccount", "Role", "RoleBinding", "Service", "Pod"]
    );
    let pod = &objects[4];
    assert_eq!(pod["spec"]["serviceAccountName"], "build-robot");
    assert!(pod["spec"].get("automountServiceAccountToken").is_none());
    for namespace in ["ml", "polyaxon"] {
        let yaml = render(path, &["--namespace", namespace]);
        let account = format!("{namespace}:build-robot");
        let output = plx()
            .args([
                "rbac",
                "check",
                "--format",
                "json",
                "--service-account",
                &account,
                "-",
            ])
            .write_stdin(yaml)
            .output()
            .unwrap();
        let document: Value = serde_json::from_slice(&output.stdout).unwrap();
        assert_eq!(output.status.code(), Some(0), "{document:#}");
        assert_eq!(
            document["diagnostics"],
            serde_json::json!([]),
            "{namespace}"
        );
    }
}

#[test]
fn no_rbac_and_no_service_account_leave_objects_out() {
    let path = std::path::Path::new("fixtures/valid/service-service-account.yaml");
    let kinds = |args: &[&str]| -> Vec<String> {
        let mut all = vec!["-o", "json"];
        all.extend_from_slice(args);
        let list: Value = serde_json::from_str(&render(path, &all)).unwrap();
        list["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|o| o["kind"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(kinds(&["--no-rbac"]), ["Service", "Pod"]);
    assert_eq!(
        kinds(&["--no-service-account"]),
        ["Role", "RoleBinding", "Service", "Pod"]
    );
}

#[test]
fn rbac_render_writes_what_rbac_check_finds_complete() {
    for (profile, with) in [
        ("polyaxon", ""),
        ("polyaxon-2.1", ""),
        ("polyaxon-1", ""),
        ("skypilot", "gpus,object-store,ingress"),
    ] {
        let mut args = vec![
            "rbac",
            "render",
            "--profile",
            profile,
            "--service-account",
            "robot",
            "-n",
            "team",
        ];
        if !with.is_empty() {
            args.extend(["--with", with]);
        }
        let output = plx().args(&args).output().unwrap();
        assert_eq!(output.status.code(), Some(0), "{profile}");
        let yaml = String::from_utf8(output.stdout).unwrap();
        let mut check = vec![
            "rbac",
            "check",
            "--format",
            "json",
            "--profile",
            profile,
            "--service-account",
            "team:robot",
        ];
        if !with.is_empty() {
            check.extend(["--with", with]);
        }
        let checked = plx()
            .args(&check)
            .arg("-")
            .write_stdin(yaml.clone())
            .output()
            .unwrap();
        let document: Value = serde_json::from_slice(&checked.stdout).unwrap();
        let missing: Vec<&Value> = document["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["code"] == "RBAC001" || d["code"] == "RBAC002")
            .collect();
        assert!(missing.is_empty(), "{profile}: {missing:#?}");
        for object in plx::yaml::load_documents(&yaml, plx::yaml::Limits::default()).unwrap() {
            let json = node_to_json(&object);
            assert_valid_kubernetes(&json, profile);
            assert_semantically_valid(&json, profile);
        }
    }
}

/// A rendered document back as JSON (render writes only strings, numbers, booleans).
fn node_to_json(node: &plx::yaml::Node) -> Value {
    use plx::yaml::NodeKind;
    match &node.kind {
        NodeKind::Map(entries) => Value::Object(
            entries
                .iter()
                .map(|e| (e.key.as_str().to_owned(), node_to_json(&e.value)))
                .collect(),
        ),
        NodeKind::Seq(items) => Value::Array(items.iter().map(node_to_json).collect()),
        NodeKind::Scalar { text, style } => {
            if *style == plx::yaml::Style::Plain {
                if let Ok(n) = text.parse::<i64>() {
                    return Value::from(n);
                }
                if let Ok(b) = text.parse::<bool>() {
                    return Value::from(b);
                }
            }
            Value::from(text.as_str())
        }
    }
}

/// The mapping of `docs/render.md`, on the fixture that uses the agent's connections (its
/// snapshot, strict schema and determinism are checked with every valid fixture).
#[test]
fn connections_render_from_the_agents_values_as_polyaxon_mounts_them() {
    let objects = items(std::path::Path::new(
        "fixtures/valid/service-connections.yaml",
    ));
    for object in &objects {
        assert_eq!(object["metadata"]["namespace"], "ml");
    }
    let pod = objects.iter().find(|o| o["kind"] == "Pod").unwrap();
    let spec = &pod["spec"];
    let volume = |name: &str| {
        spec["volumes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|v| v["name"] == name)
            .unwrap_or_else(|| panic!("no volume {name}"))
            .clone()
    };
    assert_eq!(
        volume("datasets")["persistentVolumeClaim"]["claimName"],
        "datasets-pvc"
    );
    assert_eq!(volume("app-config")["configMap"]["name"], "app-config");
    assert!(volume("artifacts-context")["emptyDir"].is_object());
    let main = &spec["containers"][0];
    let mounts: Vec<&str> = main["volumeMounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["mountPath"].as_str().unwrap())
        .collect();
    assert_eq!(mounts, ["/plx-context/artifacts", "/data", "/etc/app"]);
    let git = &spec["initContainers"][0];
    // Named after the connection, and cloned into a folder of that name, as Polyaxon does.
    assert_eq!(git["name"], "polyaxon-init-git-repo");
    // The values name no init image: the chart's default applies, as Helm merges them.
    assert_eq!(git["image"], "polyaxon/polyaxon-init:2.15.1");
    assert_eq!(
        git["args"],
        serde_json::json!([
            "--repo-path=/plx-context/artifacts/repo",
            "--url=https://github.com/acme/train"
        ])
    );
    // Without it the initializer looks for the Polyaxon run it belongs to, and fails.
    assert_eq!(
        git["env"][0],
        serde_json::json!({"name": "POLYAXON_NO_API", "value": "true"})
    );
    assert_eq!(
        main["env"][0]["valueFrom"]["secretKeyRef"]["name"],
        "aws-creds"
    );
    assert_eq!(main["env"][2]["name"], "MODE");
    assert_eq!(
        pod["metadata"]["annotations"]["example.com/config"],
        "app-config"
    );
}

/// The README's first command renders a fixture without a word on stderr: a newcomer's
/// first run is not a wall of warnings.
#[test]
fn the_quick_start_renders_without_a_warning() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let command = readme
        .lines()
        .find(|line| line.starts_with("cargo run --release -- render "))
        .expect("the quick start renders a fixture");
    let fixture = command.rsplit(' ').next().unwrap();
    let output = plx()
        .arg("render")
        .arg(root().join(fixture))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    assert!(!output.stdout.is_empty());
    assert_eq!(String::from_utf8_lossy(&output.stderr), "");
}

/// The CRD check refuses what the API server would: an unknown field (also deep in a pod
/// template) and a wrong type.
#[test]
fn the_crd_check_itself_refuses_a_broken_object() {
    let path = root().join("fixtures/valid/pytorchjob-ddp.yaml");
    let object = items(&path).remove(0);
    let validator = &common::crd_validators()["PyTorchJob"];
    assert!(validator.is_valid(&object));
    let broken = |change: &dyn Fn(&mut Value)| {
        let mut copy = object.clone();
        change(&mut copy);
        !validator.is_valid(&copy)
    };
    assert!(broken(
        &|o| o["spec"]["pytorchReplicaSpecs"]["Master"]["bogus"] = 1.into()
    ));
    assert!(broken(
        &|o| o["spec"]["pytorchReplicaSpecs"]["Master"]["replicas"] = "one".into()
    ));
    assert!(broken(
        &|o| o["spec"]["runPolicy"]["backoffLimit"] = "three".into()
    ));
    assert!(broken(&|o| {
        o["spec"]["pytorchReplicaSpecs"]["Worker"]["template"]["spec"]["containers"][0]["imag"] =
            "x".into()
    }));
}
