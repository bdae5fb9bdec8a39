//! Every pod a Polyaxonfile runs is judged by the same rules, wherever the file puts it: the
//! same defective pod content as a `job`, as each replica of every distributed kind, as a
//! dag operation's inline component, as a dag's component, as an operation's inline component
//! (with or without a matrix) gets the same findings, each at the same key of the content.

mod common;

use common::{Scratch, plx};

/// A pod with the defects of a silent pass found against Polyaxon: an invalid nodeSelector
/// key, `hostNetwork`, a privileged container with an `:latest` image mounting a volume that
/// does not exist. Indented by 0; each placement indents it.
const DEFECTIVE_POD: &str = "\
environment:
  nodeSelector: {\"bad key!\": x}
  hostNetwork: true
volumes:
  - name: data
    emptyDir: {}
container:
  image: foo:latest
  securityContext: {privileged: true}
  volumeMounts: [{name: nope, mountPath: /x}]
";

/// A finding relative to the pod content: its code, message, and line and column counted
/// from where the content starts.
type Relative = (String, String, i64, i64);

/// Where the pod content goes in each placement: the lines before it, and its indentation.
fn placements() -> Vec<(&'static str, String, usize)> {
    let header = "version: 1.1\nkind: component\n";
    let mut out = vec![("job", format!("{header}run:\n  kind: job\n"), 2)];
    for (kind, roles) in [
        ("tfjob", &["chief", "ps", "worker", "evaluator"][..]),
        ("pytorchjob", &["master", "worker"]),
        ("mpijob", &["launcher", "worker"]),
        ("daskcluster", &["scheduler", "worker"]),
    ] {
        for role in roles {
            out.push((
                kind,
                format!("{header}run:\n  kind: {kind}\n  {role}:\n    replicas: 2\n"),
                4,
            ));
        }
    }
    out.push((
        "raycluster head",
        format!("{header}run:\n  kind: raycluster\n  head:\n"),
        4,
    ));
    out.push((
        "raycluster worker group",
        format!(
            "{header}run:\n  kind: raycluster\n  workers:\n    small-group:\n      replicas: 2\n"
        ),
        6,
    ));
    out.push((
        "dag operation's inline component",
        format!("{header}run:\n  kind: dag\n  operations:\n    - name: train\n      component:\n        run:\n          kind: job\n"),
        10,
    ));
    out.push((
        "dag component",
        format!("{header}run:\n  kind: dag\n  operations:\n    - name: train\n      dagRef: trainer\n  components:\n    - name: trainer\n      run:\n        kind: job\n"),
        8,
    ));
    out.push((
        "operation's inline component",
        "version: 1.1\nkind: operation\ncomponent:\n  run:\n    kind: job\n".to_owned(),
        4,
    ));
    out.push((
        "matrix operation's component",
        "version: 1.1\nkind: operation\nmatrix:\n  kind: grid\n  params:\n    lr: {kind: choice, value: [0.1, 0.2]}\ncomponent:\n  inputs: [{name: lr, type: float}]\n  run:\n    kind: job\n".to_owned(),
        4,
    ));
    out
}

fn findings(scratch: &Scratch, name: &str, before: &str, indent: usize) -> Vec<Relative> {
    let pad = " ".repeat(indent);
    let body: String = DEFECTIVE_POD
        .lines()
        .map(|line| format!("{pad}{line}\n"))
        .collect();
    let path = scratch.file(&format!("{name}.yaml"), format!("{before}{body}"));
    let output = plx()
        .args(["check", "--format", "json"])
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1), "{name}");
    let document = common::report(&output.stdout);
    let first_line = before.lines().count() as i64 + 1;
    let mut out: Vec<Relative> = document["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        // The operators' rules judge the run's roles (one master, a launcher), not its pods.
        .filter(|d| !d["code"].as_str().unwrap().starts_with("OPR"))
        .map(|d| {
            (
                d["code"].as_str().unwrap().to_owned(),
                d["message"].as_str().unwrap().to_owned(),
                d["line"].as_i64().unwrap() - first_line,
                d["column"].as_i64().unwrap() - indent as i64,
            )
        })
        .collect();
    out.sort();
    out
}

#[test]
fn a_pod_gets_the_same_findings_wherever_the_file_puts_it() {
    let scratch = Scratch::new("every-pod");
    let all = placements();
    let (_, job_before, job_indent) = &all[0];
    let expected = findings(&scratch, "job", job_before, *job_indent);
    let codes: Vec<&str> = expected.iter().map(|f| f.0.as_str()).collect();
    for code in ["K8S002", "K8S012", "SEC001", "SEC004", "SEC009"] {
        assert!(
            codes.contains(&code),
            "the job's findings lack {code}: {codes:?}"
        );
    }
    for (index, (name, before, indent)) in all.iter().enumerate().skip(1) {
        let found = findings(&scratch, &format!("placement-{index}"), before, *indent);
        assert_eq!(found, expected, "{name}");
    }
}
