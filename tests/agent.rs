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
    let document: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
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

#[test]
fn the_agent_token_is_never_printed() {
    // A token of the wrong type (quoted in the message) next to an unknown key (whose snippet
    // shows the neighbouring lines).
    for values in [
        format!("agent:\n  token: {TOKEN}\n  tokn: x\n"),
        format!("agent:\n  token: [{TOKEN}]\n  instance: a\n"),
        format!("agent:\n  token: |\n    {TOKEN}\n  tokn: x\n"),
    ] {
        for format in ["text", "json"] {
            let output = plx()
                .args(["check", "--format", format, "-"])
                .env("NO_COLOR", "1")
                .write_stdin(values.clone())
                .output()
                .unwrap();
            assert_eq!(output.status.code(), Some(1), "{values}");
            for stream in [&output.stdout, &output.stderr] {
                let text = String::from_utf8_lossy(stream);
                assert!(!text.contains(TOKEN), "{format}: {text}");
            }
        }
    }
}
