//! No panics, no hangs, on any input: every fixture and corpus file, and generated hostile
//! inputs, end with a diagnostic and exit 0 or 1, promptly.

mod common;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use common::{Scratch, check_json, codes, fixtures, plx, root};

/// Far above plx's real cost (milliseconds): this only catches hangs, it is not a benchmark.
const HANG: Duration = Duration::from_secs(10);

fn corpus_files() -> Vec<PathBuf> {
    let dir = common::corpus_dir();
    let mut files = Vec::new();
    let mut stack = vec![dir];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir)
            .expect("corpus is readable")
            .flatten()
        {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if matches!(
                path.extension().and_then(|e| e.to_str()),
                Some("yaml" | "yml" | "json")
            ) {
                files.push(path);
            }
        }
    }
    files.sort();
    assert!(
        files.len() >= 299,
        "corpus incomplete: {} files",
        files.len()
    );
    files
}

fn assert_no_panic(args: &[&str], path: &Path) {
    let output = plx().args(args).arg(path).output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    // Exit 2 is a usage problem (`render` of the agent's values, a path outside the
    // repository), never a crash.
    assert!(
        matches!(output.status.code(), Some(0..=2)) && !stderr.contains("panicked"),
        "plx {} {} exited {:?}: {stderr}",
        args.join(" "),
        path.display(),
        output.status.code()
    );
}

#[test]
fn no_fixture_or_corpus_file_makes_plx_panic() {
    let mut all: Vec<PathBuf> = ["valid", "invalid", "warnings", "fixed", "rbac", "agent"]
        .iter()
        .flat_map(|folder| fixtures(folder))
        .map(|p| root().join(p))
        .collect();
    all.extend(corpus_files());
    let rbac = [
        "rbac",
        "check",
        "--profile",
        "skypilot",
        "--service-account",
        "default:sky-sa",
    ];
    for path in &all {
        assert_no_panic(&["check"], path);
        assert_no_panic(&["render"], path);
        assert_no_panic(&rbac, path);
    }
}

fn assert_refused(path: &Path, code: &str) {
    let started = Instant::now();
    let (exit, document) = check_json(path, &[]);
    assert!(
        started.elapsed() < HANG,
        "{}: took {:?}",
        path.display(),
        started.elapsed()
    );
    assert_eq!(exit, 1, "{}: {document}", path.display());
    assert_eq!(
        codes(&document),
        vec![code.to_owned()],
        "{}",
        path.display()
    );
    let output = plx().arg("render").arg(path).output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(output.stdout.is_empty());
}

#[test]
fn hostile_inputs_get_a_clear_error() {
    let scratch = Scratch::new("hostile");
    let mut bomb = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..20 {
        let p = i - 1;
        bomb.push_str(&format!(
            "a{i}: &a{i} [{}]\n",
            vec![format!("*a{p}"); 10].join(", ")
        ));
    }
    assert_refused(&scratch.file("bomb.yaml", bomb.as_bytes()), "YAML007");

    let flow = format!("run: {}{}\n", "[".repeat(10_000), "]".repeat(10_000));
    assert_refused(&scratch.file("flow.yaml", flow.as_bytes()), "YAML006");
    let flow_maps = format!("run: {}{}\n", "{a: ".repeat(10_000), "}".repeat(10_000));
    assert_refused(
        &scratch.file("flow-maps.yaml", flow_maps.as_bytes()),
        "YAML006",
    );
    // Indented block nesting grows quadratically in bytes: 2,000 levels is 2 MB, far past
    // the depth limit and still under the size limit, so the depth check is what answers.
    let block: String = (0..2_000)
        .map(|depth| format!("{}k:\n", " ".repeat(depth)))
        .collect();
    assert_refused(&scratch.file("block.yaml", block.as_bytes()), "YAML006");
    let dashes: String = (0..2_000)
        .map(|depth| format!("{}-\n", " ".repeat(depth)))
        .collect();
    assert_refused(&scratch.file("dashes.yaml", dashes.as_bytes()), "YAML006");

    assert_refused(
        &scratch.file("utf8.yaml", b"version: 1.1\nname: \xff\xfe\n"),
        "YAML009",
    );
    assert_refused(
        &scratch.file("tabs.yaml", b"version: 1.1\nrun:\n\tkind: job\n"),
        "YAML001",
    );
    assert_refused(&scratch.file("nul.yaml", b"version: 1.1\x00\n"), "YAML001");

    // 100 MB: refused by size before it is read into a tree.
    let big = scratch.0.join("big.yaml");
    {
        use std::io::Write;
        let mut file = std::io::BufWriter::new(std::fs::File::create(&big).unwrap());
        let line = b"key: value value value value value value value value value value\n";
        for _ in 0..(100 * 1024 * 1024 / line.len()) {
            file.write_all(line).unwrap();
        }
    }
    assert_refused(&big, "YAML008");
}

#[test]
fn wrong_types_everywhere_are_findings_not_crashes() {
    let scratch = Scratch::new("types");
    let shapes = [
        "~",
        "[]",
        "{}",
        "1",
        "true",
        "\"x\"",
        "[[[1]]]",
        "{a: {b: {c: 1}}}",
        "-1",
        "1e400",
    ];
    let keys = [
        "version",
        "kind",
        "name",
        "run",
        "inputs",
        "params",
        "component",
        "termination",
        "plugins",
        "hooks",
    ];
    let run_keys = [
        "kind",
        "container",
        "environment",
        "ports",
        "replicas",
        "init",
        "sidecars",
        "volumes",
        "isExternal",
    ];
    for (i, shape) in shapes.iter().enumerate() {
        for key in keys {
            let text = format!("version: 1.1\nkind: component\n{key}: {shape}\n");
            assert_no_panic(
                &["check"],
                &scratch.file(&format!("top-{i}-{key}.yaml"), text.as_bytes()),
            );
        }
        for key in run_keys {
            let text = format!(
                "version: 1.1\nkind: component\nrun:\n  kind: service\n  container: {{image: a:1}}\n  {key}: {shape}\n"
            );
            let path = scratch.file(&format!("run-{i}-{key}.yaml"), text.as_bytes());
            assert_no_panic(&["check"], &path);
            assert_no_panic(&["render"], &path);
        }
    }
}

#[test]
fn hostile_rbac_manifests_are_findings_not_crashes() {
    let scratch = Scratch::new("rbac");
    let documents = [
        "kind: Role\nrules: x\n",
        "kind: Role\napiVersion: rbac.authorization.k8s.io/v1\nmetadata: {name: r}\nrules: [{verbs: 5}]\n",
        "kind: RoleBinding\napiVersion: rbac.authorization.k8s.io/v1\nmetadata: {name: b}\nsubjects: {kind: ServiceAccount}\n",
        "kind: ClusterRoleBinding\napiVersion: rbac.authorization.k8s.io/v1\nmetadata: {name: b}\nroleRef: {kind: ClusterRole, name: '', apiGroup: x}\nsubjects: [{kind: ServiceAccount, name: sky-sa}]\n",
        "kind: ClusterRole\napiVersion: rbac.authorization.k8s.io/v1\nmetadata: {name: agg}\naggregationRule: {clusterRoleSelectors: [{matchExpressions: [{key: a, operator: Bogus}]}]}\n",
        "kind: List\nitems: 7\n",
        "kind: List\nitems: [[], 3, {kind: List, items: [{kind: Role}]}]\n",
        "- just\n- a list\n",
        "",
    ];
    let text = documents.join("---\n");
    let path = scratch.file("hostile.yaml", text.as_bytes());
    let output = plx()
        .args([
            "rbac",
            "check",
            "--format",
            "json",
            "--profile",
            "skypilot",
            "--service-account",
            "default:sky-sa",
        ])
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let document: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert!(
        codes(&document).iter().any(|c| c == "SCH002"),
        "{document:#}"
    );

    let mut bomb = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..20 {
        let p = i - 1;
        bomb.push_str(&format!(
            "a{i}: &a{i} [{}]\n",
            vec![format!("*a{p}"); 10].join(", ")
        ));
    }
    let path = scratch.file("bomb.yaml", format!("kind: Role\n---\n{bomb}").as_bytes());
    let started = Instant::now();
    let output = plx()
        .args([
            "rbac",
            "check",
            "--format",
            "json",
            "--service-account",
            "a:b",
        ])
        .arg(&path)
        .output()
        .unwrap();
    assert!(started.elapsed() < HANG);
    let document: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(codes(&document), ["YAML007"]);
}

#[test]
fn hostile_templates_and_references_end_promptly() {
    let scratch = Scratch::new("templates");
    let head = "version: 1.1\nkind: component\ninputs: [{name: n, type: int, value: 1}]\nrun:\n  kind: job\n  container:\n    image: busybox:1.36\n";
    // Work bounded by minijinja's fuel: the render stops with a finding, it does not hang.
    let endless = scratch.file(
        "endless.yaml",
        format!(
            "{head}    args: [\"{{% for i in range(100000000) %}}{{{{ i }}}}{{% endfor %}}\"]\n"
        )
        .as_bytes(),
    );
    // A template nested deep enough to exhaust a naive recursive parser.
    let deep = scratch.file(
        "deep.yaml",
        format!(
            "{head}    args: [\"{{{{ {}n{} }}}}\"]\n",
            "(".repeat(5_000),
            ")".repeat(5_000)
        )
        .as_bytes(),
    );
    // A pathRef chain through a thousand files, and a file referring to itself by another path.
    for i in 0..1_000 {
        scratch.file(
            &format!("op{i}.yaml"),
            format!("version: 1.1\nkind: operation\npathRef: op{}.yaml\n", i + 1).as_bytes(),
        );
    }
    scratch.file("op1000.yaml", head.as_bytes());
    let looped = scratch.file(
        "loop.yaml",
        b"version: 1.1\nkind: operation\npathRef: ./loop.yaml\n",
    );
    for (path, command) in [
        (&endless, "render"),
        (&deep, "check"),
        (&deep, "render"),
        (&scratch.0.join("op0.yaml"), "render"),
        (&looped, "render"),
    ] {
        let started = Instant::now();
        let output = plx().arg(command).arg(path).output().unwrap();
        assert!(
            started.elapsed() < HANG,
            "{}: took {:?}",
            path.display(),
            started.elapsed()
        );
        let code = output.status.code();
        assert!(
            matches!(code, Some(0 | 1)),
            "{} {command}: {code:?}",
            path.display()
        );
        // A failed render writes nothing to stdout; check reports there.
        if code == Some(1) && command == "render" {
            assert!(output.stdout.is_empty());
            assert!(!output.stderr.is_empty());
        }
        if code == Some(1) && command == "check" {
            assert!(!output.stdout.is_empty());
        }
    }
}
