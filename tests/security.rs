//! The trust boundary (`docs/security.md`), one test per class of defect found by the red
//! team: files outside the repository are neither read nor echoed, the agent's token is never
//! printed, no column panics the reporter, output stays linear in the input, every format
//! prints one document whatever goes wrong, and namespaces are validated. The failing and
//! passing cases of the usage rules (CLI001, IO001, IO003) are here too.

mod common;

use std::path::Path;
use std::time::{Duration, Instant};

use common::{Scratch, plx, root};

/// A line every output of these tests is searched for: it stands in the files plx must not
/// read (and in the environment plx runs in).
const CANARY: &str = "plx-canary-4f1d";
const FORMATS: &[&str] = &["text", "json", "sarif", "github"];

fn run(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let output = plx()
        .current_dir(dir)
        .env("PLX_CANARY", CANARY)
        .timeout(Duration::from_secs(20))
        .args(args)
        .output()
        .unwrap();
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// A run with a service account of its own, so `render` looks up an RBAC profile.
const JOB: &str = "version: 1.1\nkind: component\nname: train\nrun:\n  kind: job\n  environment:\n    serviceAccountName: trainer\n  container:\n    image: python:3.11\n    command: [python, train.py]\n";

#[test]
fn a_plx_toml_cannot_make_plx_read_outside_the_repository() {
    let outer = Scratch::new("outer");
    outer.file("x.yaml", format!("{CANARY}: 1\n"));
    let project = outer.0.join("project");
    std::fs::create_dir_all(project.join(".git")).unwrap();
    std::fs::write(project.join("job.yaml"), JOB).unwrap();
    std::fs::write(
        project.join("rbac.yaml"),
        "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: trainer}\n",
    )
    .unwrap();
    for profile in ["/proc/self/environ", "/etc/passwd", "../x.yaml"] {
        std::fs::write(
            project.join("plx.toml"),
            format!("profile = \"{profile}\"\n"),
        )
        .unwrap();
        let mut runs = vec![run(&project, &["render", "job.yaml"])];
        for format in FORMATS {
            runs.push(run(
                &project,
                &[
                    "check",
                    "--format",
                    format,
                    "--rbac",
                    "rbac.yaml",
                    "job.yaml",
                ],
            ));
        }
        for (code, stdout, stderr) in runs {
            assert_eq!(code, 2, "{profile}: {stdout}{stderr}");
            let printed = format!("{stdout}{stderr}");
            assert!(printed.contains(profile), "{profile}: {printed}");
            assert!(printed.contains("IO002"), "{profile}: {printed}");
            for secret in [CANARY, "root:x:0:0"] {
                assert!(!printed.contains(secret), "{profile}: {printed}");
            }
        }
    }
}

#[cfg(unix)]
#[test]
fn a_plx_toml_that_links_outside_is_refused() {
    let outer = Scratch::new("linked-toml");
    outer.file("elsewhere/plx.toml", format!("select = [\"{CANARY}\"]\n"));
    let project = outer.0.join("project");
    std::fs::create_dir_all(project.join(".git")).unwrap();
    std::fs::write(project.join("job.yaml"), JOB).unwrap();
    std::os::unix::fs::symlink(outer.0.join("elsewhere/plx.toml"), project.join("plx.toml"))
        .unwrap();
    let (code, report, stderr) = run(&project, &["check", "job.yaml"]);
    assert_eq!(code, 2, "{report}{stderr}");
    assert!(
        report.contains("IO002") && !report.contains(CANARY),
        "{report}"
    );
}

#[test]
fn references_cannot_leave_the_repository_or_the_hub_folder() {
    let outer = Scratch::new("refs");
    outer.file("outside/comp.yaml", format!("version: 1.1\nkind: component\nrun: {{kind: job, container: {{image: 'a:1'}}}}\n{CANARY}: 1\n"));
    let project = outer.0.join("project");
    std::fs::create_dir_all(project.join(".git")).unwrap();
    std::fs::create_dir_all(project.join("hub/x")).unwrap();
    let operations = [
        ("path.yaml", "pathRef: ../outside/comp.yaml"),
        ("abs.yaml", "pathRef: /etc/passwd"),
        ("proc.yaml", "pathRef: /proc/self/environ"),
        ("hub.yaml", "hubRef: x:../../../outside/comp"),
        (
            "dag.yaml",
            "component:\n  run:\n    kind: dag\n    operations:\n      - name: a\n        pathRef: ../outside/comp.yaml",
        ),
    ];
    for (name, reference) in operations {
        std::fs::write(
            project.join(name),
            format!("version: 1.1\nkind: operation\n{reference}\n"),
        )
        .unwrap();
        for args in [
            vec!["check", "--hub-dir", "hub", name],
            vec!["render", "--hub-dir", "hub", name],
        ] {
            let (code, stdout, stderr) = run(&project, &args);
            let printed = format!("{stdout}{stderr}");
            assert_eq!(code, 2, "{args:?}: {printed}");
            assert!(printed.contains("IO002"), "{args:?}: {printed}");
            assert!(
                !printed.contains(CANARY) && !printed.contains("root:x:0:0"),
                "{printed}"
            );
        }
    }
}

#[cfg(unix)]
#[test]
fn a_reference_through_a_symbolic_link_stays_inside() {
    let project = Scratch::new("ref-link");
    std::os::unix::fs::symlink("/proc/self/environ", project.0.join("comp.yaml")).unwrap();
    std::os::unix::fs::symlink("/proc/self/pagemap", project.0.join("pages.yaml")).unwrap();
    for target in ["comp.yaml", "pages.yaml"] {
        project.file(
            "op.yaml",
            format!("version: 1.1\nkind: operation\npathRef: {target}\n"),
        );
        let (code, report, stderr) = run(&project.0, &["check", "op.yaml"]);
        assert_eq!(code, 2, "{report}{stderr}");
        assert!(
            report.contains("IO002") && !report.contains(CANARY),
            "{report}"
        );
    }
}

#[test]
fn a_referenced_file_is_read_with_the_size_limit() {
    let project = Scratch::new("ref-size");
    let big = std::fs::File::create(project.0.join("big.yaml")).unwrap();
    big.set_len(700 * 1024 * 1024).unwrap();
    project.file(
        "op.yaml",
        "version: 1.1\nkind: operation\npathRef: big.yaml\n",
    );
    let started = Instant::now();
    let (code, report, _) = run(&project.0, &["check", "op.yaml"]);
    assert!(started.elapsed() < Duration::from_secs(5));
    assert_eq!(code, 1, "{report}");
    assert!(
        report.contains("REF001") && report.contains("734003200 bytes"),
        "{report}"
    );
}

#[cfg(unix)]
#[test]
fn special_files_named_on_the_command_line_do_not_hang() {
    let project = Scratch::new("special");
    let fifo = project.0.join("fifo.yaml");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    let mut named = vec![fifo.to_str().unwrap().to_owned(), "/dev/zero".to_owned()];
    if Path::new("/proc/kmsg").exists() {
        named.push("/proc/kmsg".to_owned());
    }
    for path in &named {
        for args in [
            vec!["check", path],
            vec!["render", path],
            vec!["rbac", "check", "--service-account", "a:b", path],
        ] {
            let started = Instant::now();
            let (code, stdout, stderr) = run(&project.0, &args);
            assert!(started.elapsed() < Duration::from_secs(5), "{args:?}");
            assert_eq!(code, 2, "{args:?}: {stdout}{stderr}");
            // check reports on stdout; render keeps it for manifests.
            let report = if args[0] == "render" {
                &stderr
            } else {
                &stdout
            };
            let report = if args[0] == "rbac" { &stderr } else { report };
            assert!(report.contains("IO001"), "{args:?}: {stdout}{stderr}");
        }
    }
}

const TOKEN: &str = "s3cr3t-t0k3n-value-42";

/// The agent's values, mangled in each way the red team tried.
fn mangled_values() -> Vec<(&'static str, Vec<u8>)> {
    let base =
        std::fs::read_to_string(root().join("fixtures/agent/connections-values.yaml")).unwrap();
    let with = |tail: String| format!("{base}{tail}").into_bytes();
    let mut invalid_utf8 = with(format!("agent:\n  token: {TOKEN}\n  instance: a"));
    invalid_utf8.extend_from_slice(b"\xff\xfe\n");
    vec![
        (
            "duplicate key",
            with(format!("agent:\n  token: {TOKEN}\n  token: {TOKEN}\n")),
        ),
        (
            "bad indentation",
            with(format!("agent:\n   token: {TOKEN}\n  instance: a\n")),
        ),
        ("tab", with(format!("agent:\n\ttoken: {TOKEN}\n"))),
        (
            "unterminated quote",
            with(format!("agent:\n  token: \"{TOKEN}\n  instance: a\n")),
        ),
        ("invalid UTF-8", invalid_utf8),
        (
            "misspelt key",
            with(format!("agent:\n  tokn: {TOKEN}\n  instance: a\n")),
        ),
        (
            "repeated value",
            with(format!("agent:\n  token: {TOKEN}\ntimezone: {TOKEN}\n")),
        ),
        (
            "flow and JSON",
            format!("{{\"agent\": {{\"token\": \"{TOKEN}\", \"tokn\": [1]}}}}\n").into_bytes(),
        ),
        (
            "valid",
            with(format!(
                "agent:\n  token: {TOKEN}\n  instance: acme.agents.a1\n"
            )),
        ),
    ]
}

#[test]
fn the_agent_token_is_never_printed_however_the_values_are_mangled() {
    let project = Scratch::new("mangled-token");
    let run_file = root().join("fixtures/valid/service-connections.yaml");
    let run_file = run_file.to_str().unwrap();
    for (mangling, values) in mangled_values() {
        project.file("values.yaml", &values);
        let mut commands: Vec<Vec<&str>> = Vec::new();
        for format in FORMATS {
            commands.push(vec!["check", "--format", format, "values.yaml"]);
            commands.push(vec![
                "check",
                "--format",
                format,
                "--values",
                "values.yaml",
                run_file,
            ]);
        }
        for output in ["yaml", "json"] {
            commands.push(vec![
                "render",
                "-o",
                output,
                "--values",
                "values.yaml",
                run_file,
            ]);
        }
        commands.push(vec!["rbac", "render", "--values", "values.yaml"]);
        for args in commands {
            let (code, stdout, stderr) = run(&project.0, &args);
            assert!((0..=2).contains(&code), "{mangling} {args:?}");
            for printed in [&stdout, &stderr] {
                assert!(
                    !printed.contains(TOKEN) && !printed.contains("t0k3n"),
                    "{mangling} {args:?}: {printed}"
                );
            }
        }
    }
}

#[test]
fn no_column_panics_the_reporter() {
    let project = Scratch::new("columns");
    let long = "a".repeat(70_000);
    project.file(
        "min.json",
        format!("{{\"version\": 1.1, \"kind\": \"component\", \"description\": \"{long}\", \"run\": {{\"kind\": \"job\", \"container\": {{\"image\": \"python:3.11\"}}}}, \"unknownKey\": 1}}"),
    );
    let mut bad_byte = format!("version: 1.1\ndescription: {long}").into_bytes();
    bad_byte.extend_from_slice(b"\xff\n");
    project.file("bad-byte.yaml", bad_byte);
    for (file, code) in [("min.json", "SCH001"), ("bad-byte.yaml", "YAML009")] {
        for args in [
            vec!["check", file],
            vec!["render", file],
            vec!["rbac", "check", "--service-account", "a:b", file],
        ] {
            let (exit, stdout, stderr) = run(&project.0, &args);
            // render reports on stderr (stdout is for manifests), the checks on stdout.
            let report = if args[0] == "render" { stderr } else { stdout };
            assert!(matches!(exit, 1 | 2), "{args:?}: {report}");
            assert!(!report.contains("panicked"), "{args:?}: {report}");
            if args[0] != "rbac" {
                assert!(report.contains(code), "{args:?}: {report}");
                // The column is the file's, though the line is shown cut.
                assert!(
                    report.contains(&format!("{file}:")) && report.contains('…'),
                    "{report}"
                );
            }
        }
    }
}

#[test]
fn twenty_thousand_findings_on_one_line_stay_small_and_fast() {
    let project = Scratch::new("one-line");
    let items = vec!["1"; 20_000].join(",");
    project.file(
        "long.yaml",
        format!("version: 1.1\nkind: component\nname: a\nrun:\n  kind: job\n  container:\n    image: python:3.11\n    command: [{items}]\n"),
    );
    for args in [
        vec!["check", "long.yaml"],
        vec!["check", "--format", "json", "long.yaml"],
        vec!["render", "long.yaml"],
    ] {
        let started = Instant::now();
        let (code, stdout, stderr) = run(&project.0, &args);
        assert!(
            started.elapsed() < Duration::from_secs(2),
            "{args:?}: {:?}",
            started.elapsed()
        );
        assert!(matches!(code, 0 | 1), "{args:?}");
        assert!(stdout.len() + stderr.len() < 10 * 1024 * 1024, "{args:?}");
        assert!(
            format!("{stdout}{stderr}").contains("19990 more YAML005 findings on line 8"),
            "{args:?}"
        );
    }
    // The totals count every finding, shown or not.
    let (_, stdout, _) = run(&project.0, &["check", "--format", "json", "long.yaml"]);
    let document = common::report(stdout.as_bytes());
    assert!(document["summary"]["warnings"].as_u64().unwrap() > 20_000);
}

/// Usage and I/O problems, each with the rule `--format json` must report it with.
fn usage_problems() -> Vec<(Vec<&'static str>, &'static str, i32)> {
    vec![
        (
            vec!["check", "--values", "missing.yaml", "job.yaml"],
            "IO001",
            2,
        ),
        (
            vec!["check", "--values", "bad-values.yaml", "job.yaml"],
            "YAML002",
            1,
        ),
        (
            vec!["check", "--rbac", "missing.yaml", "job.yaml"],
            "IO001",
            2,
        ),
        (
            vec!["check", "--params-file", "missing.yaml", "job.yaml"],
            "IO001",
            2,
        ),
        (vec!["check", "-P", "lr", "job.yaml"], "CLI001", 2),
        (vec!["check", "--select", "NOPE", "job.yaml"], "CLI001", 2),
        (vec!["check", "--no-such-flag", "job.yaml"], "CLI001", 2),
        (vec!["check", "missing.yaml"], "IO001", 2),
        (vec!["check", "empty"], "IO003", 0),
        (
            vec!["rbac", "check", "--service-account", "a:b", "missing.yaml"],
            "IO001",
            2,
        ),
        (
            vec!["rbac", "check", "--service-account", "nocolon", "job.yaml"],
            "CLI001",
            2,
        ),
    ]
}

#[test]
fn every_format_prints_one_document_whatever_goes_wrong() {
    let project = Scratch::new("documents");
    project.file("job.yaml", JOB);
    project.file("bad-values.yaml", "agent:\n  instance: a\n  instance: b\n");
    project.file("empty/other.yaml", "a: 1\n");
    for (args, rule, expected) in usage_problems() {
        for format in ["json", "sarif"] {
            let mut with_format = args.clone();
            with_format.splice(1..1, ["--format", format]);
            if with_format[0] == "rbac" {
                with_format = args.clone();
                with_format.splice(2..2, ["--format", format]);
            }
            let (code, stdout, stderr) = run(&project.0, &with_format);
            assert_eq!(code, expected, "{with_format:?}: {stdout}{stderr}");
            let document: serde_json::Value = serde_json::from_str(&stdout)
                .unwrap_or_else(|e| panic!("{with_format:?}: {e}: {stdout:?}"));
            assert!(
                document.to_string().contains(rule),
                "{with_format:?}: {document}"
            );
            assert!(stderr.is_empty(), "{with_format:?}: {stderr}");
        }
        let mut github = args.clone();
        let at = if github[0] == "rbac" { 2 } else { 1 };
        github.splice(at..at, ["--format", "github"]);
        let (_, stdout, _) = run(&project.0, &github);
        assert!(
            stdout.lines().all(|l| l.starts_with("::")) && stdout.contains(rule),
            "{github:?}: {stdout}"
        );
        let (_, _, stderr) = run(&project.0, &args);
        assert!(!stderr.contains("All checks passed"), "{args:?}: {stderr}");
    }
}

#[test]
fn a_folder_with_nothing_to_check_is_a_warning_and_a_named_file_a_pass() {
    let project = Scratch::new("nothing");
    project.file("empty/other.yaml", "a: 1\n");
    project.file("job.yaml", JOB);
    let (code, report, _) = run(&project.0, &["check", "empty"]);
    assert_eq!(code, 0);
    assert!(report.contains("IO003"), "{report}");
    let (code, _, _) = run(&project.0, &["check", "--strict", "empty"]);
    assert_eq!(code, 1);
    let (_, report, _) = run(&project.0, &["check", "."]);
    assert!(!report.contains("IO003"), "{report}");
}

#[test]
fn namespaces_are_dns_labels() {
    let project = Scratch::new("namespaces");
    project.file("job.yaml", JOB);
    project.file(
        "rbac.yaml",
        "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: trainer}\n",
    );
    for args in [
        vec!["render", "--namespace", "BAD NS", "job.yaml"],
        vec![
            "check",
            "--rbac",
            "rbac.yaml",
            "--namespace",
            "BAD NS",
            "job.yaml",
        ],
        vec![
            "rbac",
            "render",
            "--service-account",
            "a",
            "--namespace",
            "BAD NS",
        ],
    ] {
        let (code, stdout, stderr) = run(&project.0, &args);
        assert_eq!(code, 2, "{args:?}");
        assert!(
            stdout.is_empty() && stderr.contains("CLI001"),
            "{args:?}: {stderr}"
        );
    }
    let (code, stdout, _) = run(&project.0, &["render", "--namespace", "team-a", "job.yaml"]);
    assert_eq!(code, 0);
    assert!(stdout.contains("namespace: team-a"));
    project.file(
        "bad-ns.yaml",
        JOB.replace("name: train\n", "name: train\nnamespace: BAD NS\n"),
    );
    // check reports on stdout; render keeps stdout for manifests, so nothing reaches it.
    let (code, report, _) = run(&project.0, &["check", "bad-ns.yaml"]);
    assert_eq!(code, 1, "{report}");
    assert!(
        report.contains("K8S001") && report.contains("bad-ns.yaml:4:12"),
        "{report}"
    );
    let (code, stdout, stderr) = run(&project.0, &["render", "bad-ns.yaml"]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stdout.is_empty() && stderr.contains("K8S001"), "{stderr}");
    assert!(stderr.contains("bad-ns.yaml:4:12"), "{stderr}");
}

#[test]
fn render_says_what_a_file_that_is_no_polyaxonfile_is() {
    let project = Scratch::new("not-polyaxon");
    project.file(
        "values.yaml",
        "agent:\n  instance: a\ntimezone: Europe/Berlin\n",
    );
    project.file(
        "rbac.yaml",
        "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: trainer}\n",
    );
    for (file, hint) in [
        ("values.yaml", "--values values.yaml"),
        ("rbac.yaml", "plx rbac check"),
    ] {
        let (code, stdout, stderr) = run(&project.0, &["render", file]);
        assert_eq!(code, 2, "{stderr}");
        assert!(stdout.is_empty() && stderr.contains(hint), "{stderr}");
    }
}

#[test]
fn a_refusal_cannot_be_suppressed_or_ignored() {
    let project = Scratch::new("unsuppressible");
    project.file(
        "op.yaml",
        "# plx: ignore-file[IO002, REF001]\nversion: 1.1\nkind: operation\npathRef: /etc/passwd\n",
    );
    project.file("plx.toml", "ignore = [\"IO\", \"REF\"]\n");
    let (code, report, _) = run(&project.0, &["check", "op.yaml"]);
    assert_eq!(code, 2, "{report}");
    assert!(
        report.contains("IO002") && report.contains("cannot be suppressed"),
        "{report}"
    );
}
