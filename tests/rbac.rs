//! `plx rbac check` on the manifests the tools' docs publish: SkyPilot's create-sky-sa.yaml
//! (seed 004) and Polyaxon's recommended Role (seed 001), as written there.

mod common;

use common::{plx, root};
use serde_json::Value;

const SKY_SA: &str = "fixtures/rbac/create-sky-sa.yaml";
const ALL_SKYPILOT_PARTS: &str = "gpus,object-store,ingress";

fn rbac_check(args: &[&str], stdin: Option<&str>) -> (i32, Value) {
    let mut command = plx();
    command
        .args(["rbac", "check", "--format", "json"])
        .args(args);
    if let Some(text) = stdin {
        command.arg("-").write_stdin(text);
    }
    let output = command.output().unwrap();
    (
        output.status.code().unwrap(),
        common::report(&output.stdout),
    )
}

fn findings(document: &Value, code: &str) -> Vec<String> {
    document["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == code)
        .map(|d| d["message"].as_str().unwrap().to_owned())
        .collect()
}

fn sky(text: &str) -> (i32, Value) {
    rbac_check(
        &[
            "--profile",
            "skypilot",
            "--with",
            ALL_SKYPILOT_PARTS,
            "--service-account",
            "default:sky-sa",
        ],
        Some(text),
    )
}

#[test]
fn skypilots_own_manifest_is_complete_and_its_risks_are_warnings() {
    let (exit, document) = rbac_check(
        &[
            "--profile",
            "skypilot",
            "--service-account",
            "default:sky-sa",
            SKY_SA,
        ],
        None,
    );
    assert_eq!(exit, 0, "{document:#}");
    assert!(findings(&document, "RBAC001").is_empty());
    let risky = findings(&document, "RBAC003").join("\n");
    for risk in ["read secrets", "exec into pods", "every verb (`*`)"] {
        assert!(risky.contains(risk), "{risk} not in:\n{risky}");
    }
    let parts = document["rbac"]["parts"].as_array().unwrap();
    assert!(parts.iter().all(|p| p["missing"] == 0), "{parts:#?}");
    let (exit, _) = sky(&std::fs::read_to_string(root().join(SKY_SA)).unwrap());
    assert_eq!(exit, 0);
}

/// The items of a one-line flow list such as `verbs: [ "get", "list" ]`.
fn flow_items(line: &str) -> Option<(usize, usize, Vec<String>)> {
    let open = line.find('[')?;
    let close = line[open..].find(']')? + open;
    let items = line[open + 1..close]
        .split(',')
        .map(|item| item.trim().to_owned())
        .filter(|item| !item.is_empty())
        .collect();
    Some((open, close, items))
}

#[test]
fn removing_any_verb_resource_or_binding_names_what_is_missing() {
    let original = std::fs::read_to_string(root().join(SKY_SA)).unwrap();
    let lines: Vec<&str> = original.lines().collect();
    let mut variants = 0;
    for (index, line) in lines.iter().enumerate() {
        let key = line.trim_start().trim_start_matches("- ");
        if !(key.starts_with("verbs:") || key.starts_with("resources:")) {
            continue;
        }
        let (open, close, items) = flow_items(line).expect("flow list");
        for removed in 0..items.len() {
            let kept: Vec<&str> = items
                .iter()
                .enumerate()
                .filter(|(i, _)| *i != removed)
                .map(|(_, item)| item.as_str())
                .collect();
            let edited = format!(
                "{}[{}]{}",
                &line[..open],
                kept.join(", "),
                &line[close + 1..]
            );
            let mut variant: Vec<&str> = lines.clone();
            variant[index] = &edited;
            let (exit, document) = sky(&(variant.join("\n") + "\n"));
            let missing = findings(&document, "RBAC001").join("\n");
            let name = items[removed].trim_matches('"');
            assert_eq!(
                exit,
                1,
                "line {}: without {name} nothing is missing",
                index + 1
            );
            assert!(
                missing.contains(&format!("{name} on"))
                    || missing.contains(&format!("on {name}"))
                    || missing.contains(&format!(",{name}"))
                    || missing.contains(&format!("{name},")),
                "line {}: without {name}: {missing}",
                index + 1
            );
            variants += 1;
        }
    }
    // Each binding, removed whole.
    let documents: Vec<&str> = original.split("\n---\n").collect();
    for (index, document) in documents.iter().enumerate() {
        if !document.contains("kind: RoleBinding") && !document.contains("kind: ClusterRoleBinding")
        {
            continue;
        }
        let kept: Vec<&str> = documents
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != index)
            .map(|(_, d)| *d)
            .collect();
        let (exit, result) = sky(&kept.join("\n---\n"));
        assert_eq!(exit, 1, "without binding document {index}");
        assert!(!findings(&result, "RBAC001").is_empty());
        variants += 1;
    }
    assert!(variants > 30, "only {variants} variants");
}

#[test]
fn polyaxons_documented_role_cannot_grant_node_metrics() {
    let (exit, document) = rbac_check(
        &[
            "--profile",
            "polyaxon-2.1",
            "--service-account",
            "polyaxon:build-robot",
            "fixtures/rbac/polyaxon-custom-sa-role.yaml",
        ],
        None,
    );
    assert_eq!(exit, 1);
    assert_eq!(
        findings(&document, "RBAC001"),
        ["missing: get,list,watch on nodes (\"metrics.k8s.io\" group) cluster-wide"]
    );
}

#[test]
fn usage_errors_exit_2() {
    plx()
        .args(["rbac", "check", "--service-account", "nope", SKY_SA])
        .assert()
        .code(2);
    plx()
        .args([
            "rbac",
            "check",
            "--profile",
            "nope",
            "--service-account",
            "a:b",
            SKY_SA,
        ])
        .assert()
        .code(2);
    plx()
        .args([
            "rbac",
            "check",
            "--profile",
            "skypilot",
            "--with",
            "nope",
            "--service-account",
            "a:b",
            SKY_SA,
        ])
        .assert()
        .code(2);
}

#[test]
fn skypilots_doc_snippets_are_flagged_at_their_lines() {
    let (_, document) = rbac_check(
        &[
            "--profile",
            "skypilot",
            "--service-account",
            "default:sky-sa",
            "fixtures/rbac/skypilot-docs-snippets.yaml",
        ],
        None,
    );
    let text =
        std::fs::read_to_string(root().join("fixtures/rbac/skypilot-docs-snippets.yaml")).unwrap();
    let line_of = |needle: &str| text.lines().position(|l| l.contains(needle)).unwrap() + 1;
    let at = |code: &str| -> Vec<u64> {
        document["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["code"] == code)
            .map(|d| d["line"].as_u64().unwrap())
            .collect()
    };
    // The ClusterRole's `metadata.namespace`, and the rule with swapped fields.
    let cluster_role = text.find("kind: ClusterRole").unwrap();
    let namespace_line = text[..cluster_role].lines().count()
        + text[cluster_role..]
            .lines()
            .position(|l| l.trim_start().starts_with("namespace:"))
            .unwrap()
        + 1;
    assert_eq!(at("RBAC007"), [namespace_line as u64]);
    assert_eq!(at("RBAC005"), [line_of("verbs: [ \"daemonsets\" ]") as u64]);
    assert_eq!(at("RBAC006"), [line_of("resources: [ \"apps\" ]") as u64]);
}

#[test]
fn the_account_can_come_from_skypilots_config() {
    let scratch = common::Scratch::new("sky");
    let config = scratch.file("config.yaml", "kubernetes:\n  remote_identity: sky-sa\n");
    let (exit, document) = rbac_check(
        &[
            "--profile",
            "skypilot",
            "--sky-config",
            config.to_str().unwrap(),
            SKY_SA,
        ],
        None,
    );
    assert_eq!(exit, 0);
    assert_eq!(document["rbac"]["account"], "default:sky-sa");
    std::fs::write(
        &config,
        "kubernetes:\n  remote_identity: LOCAL_CREDENTIALS\n",
    )
    .unwrap();
    plx()
        .args(["rbac", "check", "--sky-config"])
        .arg(&config)
        .arg(SKY_SA)
        .assert()
        .code(2);
}

#[test]
fn check_with_rbac_audits_the_accounts_the_runs_name() {
    let rendered = plx()
        .args([
            "rbac",
            "render",
            "--service-account",
            "build-robot",
            "-n",
            "ml",
        ])
        .output()
        .unwrap();
    let scratch = common::Scratch::new("check-rbac");
    let manifests = scratch.file("rbac.yaml", &rendered.stdout);
    let output = plx()
        .args(["check", "--format", "json", "-n", "ml", "--rbac"])
        .arg(&manifests)
        .arg("fixtures/valid/service-service-account.yaml")
        .output()
        .unwrap();
    let document = common::report(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "{document:#}");
    assert_eq!(document["rbac"][0]["account"], "ml:build-robot");
    assert_eq!(document["summary"]["files"], 2);
    // In another namespace the same manifests grant the account nothing.
    let output = plx()
        .args(["check", "--format", "json", "-n", "other", "--rbac"])
        .arg(&manifests)
        .arg("fixtures/valid/service-service-account.yaml")
        .output()
        .unwrap();
    let document = common::report(&output.stdout);
    assert_eq!(output.status.code(), Some(1));
    assert!(!findings(&document, "RBAC001").is_empty());
}

#[test]
fn risks_and_excess_count_only_what_a_binding_can_reach() {
    // Through a RoleBinding, cluster-scoped resources and non-resource URLs grant nothing.
    let manifests = "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: c}\nrules:\n- apiGroups: ['']\n  resources: [nodes/proxy]\n  verbs: [get]\n- apiGroups: [rbac.authorization.k8s.io]\n  resources: [clusterroles, clusterrolebindings]\n  verbs: [create]\n- nonResourceURLs: [/metrics]\n  verbs: [get]\n- apiGroups: ['']\n  resources: [serviceaccounts/token]\n  verbs: [get]\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {name: b, namespace: ns}\nsubjects: [{kind: ServiceAccount, name: sa}]\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: c}\n";
    let (_, document) = rbac_check(&["--service-account", "ns:sa"], Some(manifests));
    assert!(findings(&document, "RBAC003").is_empty(), "{document:#}");
    let excess = findings(&document, "RBAC002");
    assert_eq!(excess.len(), 1, "{excess:?}");
    assert!(excess[0].contains("serviceaccounts/token"));
    // The same ClusterRole bound cluster-wide is risky.
    let cluster = manifests.replace(
        "kind: RoleBinding\nmetadata: {name: b, namespace: ns}\nsubjects: [{kind: ServiceAccount, name: sa}]",
        "kind: ClusterRoleBinding\nmetadata: {name: b}\nsubjects: [{kind: ServiceAccount, name: sa, namespace: ns}]",
    );
    let (_, document) = rbac_check(&["--service-account", "ns:sa"], Some(&cluster));
    let risky = findings(&document, "RBAC003").join("\n");
    assert!(
        risky.contains("nodes/proxy") && risky.contains("write RBAC"),
        "{risky}"
    );
}

#[test]
fn a_wide_rule_is_judged_without_expanding_every_name() {
    let list = |prefix: &str| {
        (0..60)
            .map(|i| format!("{prefix}{i}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let manifests = format!(
        "apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: {{name: wide, namespace: ns}}\nrules:\n- apiGroups: [{}]\n  resources: [{}]\n  verbs: [get]\n  resourceNames: [{}]\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {{name: b, namespace: ns}}\nsubjects: [{{kind: ServiceAccount, name: sa}}]\nroleRef: {{apiGroup: rbac.authorization.k8s.io, kind: Role, name: wide}}\n",
        list("g"),
        list("r"),
        list("n")
    );
    let started = std::time::Instant::now();
    let (exit, document) = rbac_check(&["--service-account", "ns:sa"], Some(&manifests));
    assert_eq!(exit, 1);
    assert!(started.elapsed() < std::time::Duration::from_secs(10));
    let excess = findings(&document, "RBAC002");
    assert!(excess[0].contains("more resources"), "{excess:?}");
}
