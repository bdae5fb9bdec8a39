//! The agent's Helm values: `plx check` recognises a values file and reads it against the
//! chart's keys; the agent's token never appears in anything plx prints.

mod common;

use common::plx;

const TOKEN: &str = "s3cr3t-t0k3n-value";

#[test]
fn the_charts_default_values_pass() {
    plx()
        .args(["check", "fixtures/agent/chart-2.15.1-values.yaml"])
        .assert()
        .code(0);
}

#[test]
fn unknown_keys_and_wrong_types_are_found_at_their_line() {
    let values = "namespace: polyaxon\nagent:\n  instnce: acme.agents.1\nsecurityContext:\n  enabled: true\n  runAsUser: root\n";
    let output = plx()
        .args(["check", "--format", "json", "-"])
        .write_stdin(values)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let document = common::report(&output.stdout);
    let found: Vec<(String, u64)> = document["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap().to_owned(),
                d["line"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(found, [("SCH001".to_owned(), 3), ("SCH002".to_owned(), 6)]);
    assert!(
        document["diagnostics"][0]["help"]
            .as_str()
            .unwrap()
            .contains("instance")
    );
}

/// Every `--format` plx has: the token test below must cover each (a new format fails here
/// until it is added).
const FORMATS: &[&str] = &["text", "concise", "json", "sarif", "github"];

#[test]
fn the_token_test_covers_every_output_format() {
    let help = plx().args(["check", "-h"]).output().unwrap();
    let help = String::from_utf8(help.stdout).unwrap();
    let listed = help
        .lines()
        .find(|l| l.trim_start().starts_with("--format"))
        .and_then(|l| l.split("possible values: ").nth(1))
        .expect("--format lists its values");
    let listed: Vec<&str> = listed.trim_end_matches(']').split(", ").collect();
    assert_eq!(listed, FORMATS);
}

fn assert_no_token(args: &[&str], stdin: Option<&str>, expected_exit: i32) {
    let mut command = plx();
    command.args(args);
    if let Some(stdin) = stdin {
        command.write_stdin(stdin.to_owned());
    }
    let output = command.output().unwrap();
    assert_eq!(
        output.status.code(),
        Some(expected_exit),
        "{args:?} {stdin:?}"
    );
    for stream in [&output.stdout, &output.stderr] {
        let text = String::from_utf8_lossy(stream);
        assert!(!text.contains(TOKEN), "{args:?}: {text}");
    }
}

#[test]
fn the_agent_token_is_never_printed() {
    // A token of the wrong type (quoted in the message) next to an unknown key (whose snippet
    // shows the neighbouring lines).
    for values in [
        format!("agent:\n  token: {TOKEN}\n  tokn: x\n"),
        format!("agent:\n  token: [{TOKEN}]\n  instance: a\n"),
        format!("agent:\n  token: |\n    {TOKEN}\n  tokn: x\n"),
    ] {
        for format in FORMATS {
            assert_no_token(&["check", "--format", format, "-"], Some(&values), 1);
        }
    }
    // Valid values with the token inline (AGENT004), used by every command that reads them.
    let scratch = common::Scratch::new("token");
    let fixture =
        std::fs::read_to_string(common::root().join("fixtures/agent/connections-values.yaml"))
            .unwrap();
    let values = scratch.file(
        "values.yaml",
        format!("{fixture}agent:\n  token: {TOKEN}\n  instance: acme.agents.a1\n"),
    );
    let values = values.to_str().unwrap();
    let run = "fixtures/valid/service-connections.yaml";
    for format in FORMATS {
        assert_no_token(&["check", "--format", format, values], None, 0);
        assert_no_token(&["check", "--strict", "--format", format, values], None, 1);
        assert_no_token(
            &["check", "--format", format, "--values", values, run],
            None,
            0,
        );
    }
    for output in ["yaml", "json"] {
        assert_no_token(&["render", "-o", output, "--values", values, run], None, 0);
    }
    assert_no_token(&["rbac", "render", "--values", values], None, 0);
}

#[test]
fn render_with_values_takes_the_agents_namespace_account_and_security_context() {
    let output = plx()
        .args([
            "render",
            "-o",
            "json",
            "--values",
            "fixtures/agent/connections-values.yaml",
            "--release",
            "plx-agent",
            "fixtures/valid/service-notebook.yaml",
        ])
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let list: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    for object in list["items"].as_array().unwrap() {
        assert_eq!(object["metadata"]["namespace"], "ml");
    }
    let pod = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["kind"] == "Pod")
        .unwrap();
    assert_eq!(
        pod["spec"]["serviceAccountName"],
        "plx-agent-polyaxon-runs-sa"
    );
    // The notebook fixture sets its own security context, which wins over the agent's.
    assert_eq!(pod["spec"]["securityContext"]["runAsUser"], 1000);
    // The chart creates and binds the runs account: plx writes no RBAC for it.
    assert!(
        list["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|o| o["kind"] != "Role")
    );
}

#[test]
fn values_that_are_not_values_or_have_errors_stop_the_command() {
    plx()
        .args([
            "render",
            "--values",
            "fixtures/valid/job-dns.yaml",
            "fixtures/valid/job-dns.yaml",
        ])
        .assert()
        .code(2)
        .stdout("");
    plx()
        .args([
            "check",
            "--values",
            "fixtures/invalid/AGENT005-lowercase-zone.yaml",
            "fixtures/valid/job-dns.yaml",
        ])
        .assert()
        .code(1);
}

#[test]
fn a_run_without_a_security_context_gets_the_agents() {
    let run = "version: 1.1\nkind: component\nrun:\n  kind: job\n  container: {name: main, image: busybox:1.36}\n";
    let output = plx()
        .args([
            "render",
            "-o",
            "json",
            "--values",
            "fixtures/agent/connections-values.yaml",
            "-",
        ])
        .write_stdin(run)
        .output()
        .unwrap();
    let list: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let job = &list["items"][0];
    let context = &job["spec"]["template"]["spec"]["securityContext"];
    assert_eq!(context["runAsUser"], 2222);
    assert_eq!(context["fsGroup"], 2222);
}

#[test]
fn rbac_render_with_values_writes_the_runs_account_and_it_is_complete() {
    let output = plx()
        .args([
            "rbac",
            "render",
            "--values",
            "fixtures/agent/connections-values.yaml",
            "--release",
            "agent",
        ])
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let checked = plx()
        .args([
            "rbac",
            "check",
            "--format",
            "json",
            "--service-account",
            "ml:agent-polyaxon-runs-sa",
            "-",
        ])
        .write_stdin(output.stdout)
        .output()
        .unwrap();
    let document: serde_json::Value = serde_json::from_slice(&checked.stdout).unwrap();
    assert_eq!(checked.status.code(), Some(0), "{document:#}");
    assert_eq!(document["diagnostics"], serde_json::json!([]));
}

#[test]
fn the_seeds_examples_read_with_only_the_warnings_they_deserve() {
    for (file, expected) in [
        ("seed-ingress-tls.yaml", vec![]),
        ("seed-dns.yaml", vec![]),
        ("seed-security-context.yaml", vec!["AGENT002", "AGENT002"]),
        ("seed-agent-token.yaml", vec!["AGENT004"]),
    ] {
        let output = plx()
            .args(["check", "--format", "json"])
            .arg(format!("fixtures/agent/{file}"))
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(0), "{file}");
        let document = common::report(&output.stdout);
        let codes: Vec<&str> = document["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["code"].as_str().unwrap())
            .collect();
        assert_eq!(codes, expected, "{file}");
        assert!(!String::from_utf8_lossy(&output.stdout).contains("TOKEN_VALUE"));
    }
}

#[test]
fn the_agents_security_context_counts_for_the_security_lint() {
    let run = "version: 1.1\nkind: component\nrun:\n  kind: job\n  container:\n    name: main\n    image: busybox:1.36\n    resources: {limits: {memory: 1Gi}}\n";
    let codes = |args: &[&str]| -> Vec<String> {
        let output = plx()
            .args(["check", "--format", "json"])
            .args(args)
            .arg("-")
            .write_stdin(run)
            .output()
            .unwrap();
        let document = common::report(&output.stdout);
        document["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["code"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(codes(&[]), ["SEC007"]);
    assert!(codes(&["--values", "fixtures/agent/connections-values.yaml"]).is_empty());
}

#[test]
fn connection_schemas_are_checked_against_their_kind_in_either_spelling() {
    let values = "deploymentChart: agent\nartifactsStore:\n  name: store\n  kind: volume_claim\n  schema: {volume_claim: pvc, mount_path: /artifacts, buckt: x}\n";
    let output = plx()
        .args(["check", "--format", "json", "-"])
        .write_stdin(values)
        .output()
        .unwrap();
    let document = common::report(&output.stdout);
    let messages: Vec<&str> = document["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["message"].as_str().unwrap())
        .collect();
    assert_eq!(
        messages,
        ["`buckt` is not a key of a `volume_claim` connection's schema"]
    );
}

/// The findings of `plx check --format json` on the values given on stdin.
fn check_stdin(values: &str) -> (i32, serde_json::Value) {
    let output = plx()
        .args(["check", "--format", "json", "-"])
        .write_stdin(values)
        .output()
        .unwrap();
    let document = common::report(&output.stdout);
    (output.status.code().unwrap(), document)
}

#[test]
fn an_override_file_with_a_few_chart_keys_is_read_as_the_values() {
    plx()
        .args(["check", "fixtures/agent/partial-values.yaml"])
        .assert()
        .code(0);
    let (exit, document) = common::check_json(
        std::path::Path::new("fixtures/invalid/SCH001-partial-agent-values-typo.yaml"),
        &[],
    );
    assert_eq!(exit, 1);
    let help = document["diagnostics"][0]["help"].as_str().unwrap();
    assert!(help.starts_with("did you mean `timezone`?"), "{help}");
    assert!(
        help.contains("read as the agent's Helm values")
            && help.contains("`ingress` is a top-level key of the agent chart's values")
            && help.contains("`timezon` is likely a misspelling of one"),
        "{help}"
    );
}

#[test]
fn an_ambiguous_file_says_which_keys_decided_how_it_was_read() {
    // Keys of both a Polyaxonfile and the chart: the values, which have no `kind`.
    let (exit, document) = check_stdin("namespace: ml\nconnections: [store]\n");
    assert_eq!(exit, 1);
    let help = document["diagnostics"][0]["help"].as_str().unwrap();
    assert!(
        help.contains("read as the agent's Helm values: it has no `kind`")
            && help.contains("`namespace`, `connections` are top-level keys of the agent chart's values (and of a Polyaxonfile"),
        "{help}"
    );
    // Chart keys and others: read as whichever the file has more keys of.
    let (_, document) = check_stdin("agent:\n  instance: a\nreplicaCount: 2\n");
    let help = document["diagnostics"][0]["help"].as_str().unwrap();
    assert!(
        help.contains("`agent` is a top-level key of the agent chart's values")
            && help.contains("`replicaCount` is a key of neither"),
        "{help}"
    );
    let (_, document) = check_stdin(
        "version: 1.1\nrun:\n  kind: job\n  container: {image: busybox}\ningress: {}\n",
    );
    let help = document["diagnostics"][0]["help"].as_str().unwrap();
    assert!(
        help.contains(
            "read as a Polyaxonfile: it has no `kind`, but fewer of its keys are the agent chart's"
        ) && help.contains("`version`, `run` are keys of a Polyaxonfile"),
        "{help}"
    );
    // A Polyaxonfile as such gets no word about the agent's values.
    let (_, document) = check_stdin(
        "version: 1.1\nkind: component\nrun:\n  kind: job\n  container: {image: busybox}\nnodeSelectr: {}\n",
    );
    let help = document["diagnostics"][0]["help"].as_str().unwrap();
    assert!(!help.contains("read as"), "{help}");
}
