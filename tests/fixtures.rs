//! Every rule has a failing fixture (`fixtures/invalid`, errors; `fixtures/warnings`,
//! warnings and info) and a passing one (`fixtures/fixed`), named after its code. A failing
//! fixture lists what it must produce and where (`# expect: CODE line:column`); snapshots pin
//! the whole output, in JSON and text.

mod common;

use std::path::Path;

use common::{check_json, codes, expected_code, fixtures, plx, snapshot_name};
use plx::rules::RULES;

/// Render-stage rules: `check` accepts these files, `render` refuses them.
fn is_render_rule(code: &str) -> bool {
    code.starts_with("RND")
}

/// The exit code of a fixture's errors: 2 for a usage or I/O problem (a path that leads
/// outside the repository), 1 for findings in the file.
fn expected_exit(code: &str) -> i32 {
    if plx::rules::find(code).unwrap().is_usage() {
        2
    } else {
        1
    }
}

/// The command a fixture is checked with, from its `# plx ...` line (as on the rule pages),
/// else `check`.
fn command(path: &Path) -> Option<Vec<String>> {
    let text =
        String::from_utf8_lossy(&std::fs::read(common::root().join(path)).unwrap()).into_owned();
    text.lines()
        .find_map(|line| line.strip_prefix("# plx "))
        .map(|args| args.split_whitespace().map(str::to_owned).collect())
}

/// Runs the fixture's command with `--format json`: the exit code and the document.
fn run_json(path: &Path, extra: &[&str]) -> (i32, serde_json::Value) {
    let Some(args) = command(path) else {
        return check_json(path, extra);
    };
    let output = plx()
        .args(&args)
        .args(["--format", "json"])
        .args(extra)
        .arg(path)
        .output()
        .unwrap();
    (
        output.status.code().unwrap(),
        common::report(&output.stdout),
    )
}

/// `# expect: CODE line:column` comment lines: every finding the fixture must produce, and
/// where. A fixture without them must produce only its own rule (the YAML fixtures whose
/// point is that the file is empty or unreadable cannot carry a comment).
fn expectations(path: &Path) -> Option<Vec<(String, u64, u64)>> {
    let bytes = std::fs::read(common::root().join(path)).unwrap();
    let text = String::from_utf8_lossy(&bytes);
    let expected: Vec<_> = text
        .lines()
        .filter_map(|line| line.strip_prefix("# expect: "))
        .map(|spec| {
            let (code, position) = spec.trim().split_once(' ').expect("CODE line:column");
            let (line, column) = position.split_once(':').expect("line:column");
            (
                code.to_owned(),
                line.parse().unwrap(),
                column.parse().unwrap(),
            )
        })
        .collect();
    (!expected.is_empty()).then_some(expected)
}

fn found(document: &serde_json::Value) -> Vec<(String, u64, u64)> {
    let mut found: Vec<_> = document["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap().to_owned(),
                d["line"].as_u64().unwrap_or(0),
                d["column"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    found.sort();
    found
}

/// The fixture produces exactly what it expects, or, without expectations, only its rule.
fn assert_expected(path: &Path, document: &serde_json::Value) {
    match expectations(path) {
        Some(mut expected) => {
            expected.sort();
            assert_eq!(found(document), expected, "{}", path.display());
        }
        None => assert_eq!(
            codes(document),
            vec![expected_code(path)],
            "{}",
            path.display()
        ),
    }
}

#[test]
fn each_invalid_fixture_reports_exactly_its_rule() {
    for path in fixtures("invalid") {
        let code = expected_code(&path);
        let (exit, document) = run_json(&path, &[]);
        if is_render_rule(&code) {
            assert_eq!(exit, 0, "{}: check should accept it", path.display());
            assert_eq!(codes(&document), Vec::<String>::new(), "{}", path.display());
        } else {
            assert_eq!(exit, expected_exit(&code), "{}", path.display());
            assert_expected(&path, &document);
            for diagnostic in document["diagnostics"].as_array().unwrap() {
                assert_eq!(diagnostic["severity"], "error", "{}", path.display());
            }
        }
        insta::assert_json_snapshot!(format!("check_json__{}", snapshot_name(&path)), document);
    }
}

#[test]
fn each_warning_fixture_warns_and_fails_only_with_strict() {
    for path in fixtures("warnings") {
        let code = expected_code(&path);
        let (exit, document) = run_json(&path, &[]);
        if is_render_rule(&code) {
            assert_eq!(exit, 0, "{}", path.display());
            assert!(codes(&document).is_empty(), "{}", path.display());
            let output = plx().arg("render").arg(&path).output().unwrap();
            assert_eq!(output.status.code(), Some(0), "{}", path.display());
            let stderr = String::from_utf8_lossy(&output.stderr);
            assert!(stderr.contains(&code), "{}: {stderr}", path.display());
        } else {
            assert_eq!(exit, 0, "{}", path.display());
            assert_expected(&path, &document);
            // `--strict` fails on warnings; an info finding never fails.
            let warns = document["diagnostics"]
                .as_array()
                .unwrap()
                .iter()
                .any(|d| d["severity"] == "warning");
            let (strict_exit, _) = run_json(&path, &["--strict"]);
            assert_eq!(strict_exit, i32::from(warns), "{}", path.display());
            insta::assert_json_snapshot!(format!("check_json__{}", snapshot_name(&path)), document);
        }
        if command(&path).is_some() {
            continue;
        }
        let strict = plx()
            .args(["render", "--strict"])
            .arg(&path)
            .output()
            .unwrap();
        let fails = plx::rules::find(&code).unwrap().severity != plx::rules::Severity::Info;
        assert_eq!(
            strict.status.code(),
            Some(i32::from(fails)),
            "{}",
            path.display()
        );
        assert_eq!(strict.stdout.is_empty(), fails, "{}", path.display());
    }
}

#[test]
fn each_fixed_fixture_passes_its_rule() {
    for path in fixtures("fixed") {
        let code = expected_code(&path);
        let command = if is_render_rule(&code) {
            "render"
        } else {
            "check"
        };
        if command == "render" {
            let output = plx().arg("render").arg(&path).output().unwrap();
            let stderr = String::from_utf8_lossy(&output.stderr);
            assert_eq!(
                output.status.code(),
                Some(0),
                "{}: {stderr}",
                path.display()
            );
            assert!(!stderr.contains(&code), "{}: {stderr}", path.display());
            continue;
        }
        let (exit, document) = run_json(&path, &[]);
        assert_eq!(exit, 0, "{}: {document:#}", path.display());
        assert!(
            !codes(&document).contains(&code),
            "{}: {document:#}",
            path.display()
        );
    }
}

#[test]
fn human_output_points_at_the_line() {
    for path in fixtures("invalid").into_iter().chain(fixtures("warnings")) {
        let args = command(&path).unwrap_or_else(|| {
            let command = if is_render_rule(&expected_code(&path)) {
                "render"
            } else {
                "check"
            };
            vec![command.to_owned()]
        });
        let output = plx().args(&args).arg(&path).output().unwrap();
        // render reports on stderr (its stdout is for manifests); the checks on stdout.
        let report = if args[0] == "render" {
            output.stderr
        } else {
            output.stdout
        };
        let report = String::from_utf8(report).expect("the report is UTF-8");
        insta::assert_snapshot!(
            format!("{}_text__{}", args[0], snapshot_name(&path)),
            report
        );
    }
}

#[test]
fn render_of_any_invalid_fixture_prints_nothing_and_exits_1() {
    for path in fixtures("invalid")
        .into_iter()
        .filter(|p| command(p).is_none())
    {
        let output = plx().arg("render").arg(&path).output().unwrap();
        assert_eq!(
            output.status.code(),
            Some(expected_exit(&expected_code(&path))),
            "{}",
            path.display()
        );
        assert!(
            output.stdout.is_empty(),
            "{}: stdout not empty",
            path.display()
        );
        assert!(
            !output.stderr.is_empty(),
            "{}: no diagnostic on stderr",
            path.display()
        );
    }
}

/// Every fixture is a case of a rule, named after its code (the rule pages hold each rule's
/// primary cases, `tests/rules.rs`; these are the additional ones).
#[test]
fn every_fixture_is_named_after_a_rule() {
    for path in fixtures("invalid")
        .into_iter()
        .chain(fixtures("warnings"))
        .chain(fixtures("fixed"))
    {
        let code = expected_code(&path);
        assert!(
            RULES.iter().any(|r| r.code == code),
            "{} names no rule",
            path.display()
        );
    }
}

#[test]
fn the_nodeselector_typo_points_at_the_key() {
    let path = std::path::Path::new("fixtures/invalid/SCH001-typo-nodeSelectr.yaml");
    let (exit, document) = check_json(path, &[]);
    assert_eq!(exit, 1);
    let diagnostics = document["diagnostics"].as_array().unwrap();
    assert_eq!(diagnostics.len(), 1);
    let finding = &diagnostics[0];
    let text = std::fs::read_to_string(common::root().join(path)).unwrap();
    let (line_no, line) = text
        .lines()
        .enumerate()
        .find(|(_, l)| l.trim_start().starts_with("nodeSelectr"))
        .expect("fixture has the typo");
    assert_eq!(finding["line"], line_no + 1);
    assert_eq!(finding["column"], line.find("nodeSelectr").unwrap() + 1);
    assert!(finding["help"].as_str().unwrap().contains("nodeSelector"));
}
