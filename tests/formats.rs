//! Every output format carries the same findings: SARIF validated against the official
//! SARIF 2.1.0 schema, GitHub workflow commands one per finding, at the JSON format's lines
//! and columns.

mod common;

use common::{fixtures, plx, root};

fn stdout(args: &[&str], paths: &[std::path::PathBuf]) -> String {
    let output = plx().args(args).args(paths).output().unwrap();
    // The failing fixtures include a path outside the repository (IO002), which exits 2.
    assert!(matches!(output.status.code(), Some(0..=2)), "{args:?}");
    String::from_utf8(output.stdout).unwrap()
}

/// Every failing fixture that `plx check` reads (RBAC manifests take other commands).
fn failing() -> Vec<std::path::PathBuf> {
    fixtures("invalid")
        .into_iter()
        .chain(fixtures("warnings"))
        .filter(|path| {
            let text =
                String::from_utf8_lossy(&std::fs::read(root().join(path)).unwrap()).into_owned();
            !text.lines().any(|l| l.starts_with("# plx "))
        })
        .collect()
}

fn json_findings(paths: &[std::path::PathBuf]) -> Vec<serde_json::Value> {
    let document = common::report(stdout(&["check", "--format", "json"], paths).as_bytes());
    document["diagnostics"].as_array().unwrap().clone()
}

/// The official schema, with the one erratum a Rust regex engine refuses: the `language`
/// patterns have a stray `]` (`^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$`), which JavaScript
/// reads as a literal. plx never writes `language`, so the correction cannot hide a fault of
/// plx's.
fn sarif_validator() -> jsonschema::Validator {
    const ERRATUM: &str = r#""^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$""#;
    const CORRECTED: &str = r#""^[a-zA-Z]{2}(-[a-zA-Z]{2})?$""#;
    let text =
        std::fs::read_to_string(root().join("schemas/sarif/sarif-schema-2.1.0.json")).unwrap();
    assert_eq!(text.matches(ERRATUM).count(), 2, "the erratum moved");
    let schema: serde_json::Value =
        serde_json::from_str(&text.replace(ERRATUM, CORRECTED)).unwrap();
    jsonschema::draft7::new(&schema).expect("the SARIF schema compiles")
}

#[test]
fn sarif_is_valid_sarif_2_1_0_with_the_same_findings() {
    let validator = sarif_validator();
    let paths = failing();
    let log: serde_json::Value =
        serde_json::from_str(&stdout(&["check", "--format", "sarif"], &paths)).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&log)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");

    let run = &log["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    assert_eq!(rules.len(), plx::rules::RULES.len());
    for rule in rules {
        let code = rule["id"].as_str().unwrap();
        assert!(
            rule["helpUri"]
                .as_str()
                .unwrap()
                .ends_with(&format!("docs/rules/{code}.md"))
        );
        assert!(root().join(format!("docs/rules/{code}.md")).is_file());
    }
    let results = run["results"].as_array().unwrap();
    let findings = json_findings(&paths);
    assert_eq!(results.len(), findings.len());
    for (result, finding) in results.iter().zip(&findings) {
        assert_eq!(result["ruleId"], finding["code"]);
        let index = result["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], finding["code"]);
        let location = &result["locations"][0]["physicalLocation"];
        assert_eq!(location["artifactLocation"]["uri"], finding["file"]);
        assert_eq!(location["region"]["startLine"], finding["line"]);
        assert_eq!(location["region"]["startColumn"], finding["column"]);
    }
}

#[test]
fn the_schema_check_itself_refuses_a_broken_log() {
    let validator = sarif_validator();
    let broken = serde_json::json!({"version": "2.1.0", "runs": [{"tool": {"driver": {}}, "results": [{"level": "fatal"}]}]});
    assert!(!validator.is_valid(&broken));
}

#[test]
fn github_prints_one_command_per_finding_at_its_line_and_column() {
    let paths = failing();
    let text = stdout(&["check", "--format", "github"], &paths);
    let findings = json_findings(&paths);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), findings.len());
    for (line, finding) in lines.iter().zip(&findings) {
        let command = match finding["severity"].as_str().unwrap() {
            "error" => "error",
            "warning" => "warning",
            _ => "notice",
        };
        let mut expected = format!("::{command} file={}", finding["file"].as_str().unwrap());
        if let (Some(l), Some(c)) = (finding["line"].as_u64(), finding["column"].as_u64()) {
            expected.push_str(&format!(
                ",line={l},col={c},endLine={},endColumn={}",
                finding["end_line"], finding["end_column"]
            ));
        }
        expected.push_str(&format!(",title={} ", finding["code"].as_str().unwrap()));
        assert!(line.starts_with(&expected), "{line}\nexpected {expected}");
        assert!(!line.contains('\n'));
    }
}

#[test]
fn concise_prints_one_line_per_finding_at_its_line_and_column() {
    let paths = failing();
    let findings = json_findings(&paths);
    let text = stdout(&["check", "--format", "concise"], &paths);
    // The last lines: the summary, and what `--fix` would fix.
    let text = text.trim_end();
    let text = match text.rsplit_once('\n') {
        Some((rest, hint)) if hint.contains("fixable with") => rest,
        _ => text,
    };
    let (lines, summary) = text.rsplit_once('\n').unwrap();
    assert!(summary.starts_with("Found "), "{summary}");
    let lines: Vec<&str> = lines.lines().collect();
    assert_eq!(lines.len(), findings.len());
    for (line, finding) in lines.iter().zip(&findings) {
        let place = match (finding["file"].as_str(), finding["line"].as_u64()) {
            (None, _) => String::new(),
            (Some(file), Some(at)) => format!("{file}:{at}:{}: ", finding["column"]),
            (Some(file), None) => format!("{file}: "),
        };
        let message = finding["message"].as_str().unwrap();
        assert_eq!(
            *line,
            format!("{place}{} {message}", finding["code"].as_str().unwrap())
        );
    }
}

#[test]
fn statistics_count_the_findings_of_each_rule() {
    let paths = failing();
    let findings = json_findings(&paths);
    let mut counts = std::collections::BTreeMap::<String, u64>::new();
    for finding in &findings {
        *counts
            .entry(finding["code"].as_str().unwrap().to_owned())
            .or_default() += 1;
    }
    let document =
        common::report(stdout(&["check", "--format", "json", "--statistics"], &paths).as_bytes());
    let listed: std::collections::BTreeMap<String, u64> = document["statistics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|row| {
            (
                row["code"].as_str().unwrap().to_owned(),
                row["count"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(listed, counts);
    for format in ["text", "concise"] {
        let table = stdout(&["check", "--statistics", "--format", format], &paths);
        for (code, count) in &counts {
            let row = table
                .lines()
                .find(|l| l.split_whitespace().nth(1) == Some(code));
            let row = row.unwrap_or_else(|| panic!("{format}: no row for {code}: {table}"));
            assert_eq!(
                row.split_whitespace().next(),
                Some(count.to_string().as_str())
            );
        }
        assert!(
            !table.contains('│'),
            "{format}: statistics replace the snippets"
        );
    }
    let refused = plx()
        .args(["check", "--statistics", "--format", "sarif"])
        .args(&paths[..1])
        .output()
        .unwrap();
    assert_eq!(refused.status.code(), Some(2));
}

#[test]
fn the_report_goes_to_stdout_or_to_the_output_file() {
    let scratch = common::Scratch::new("output-file");
    let path = &failing()[..1];
    for format in ["text", "concise", "json", "sarif", "github"] {
        let on_stdout = plx()
            .args(["check", "--format", format])
            .args(path)
            .output()
            .unwrap();
        assert!(on_stdout.stderr.is_empty(), "{format}");
        assert!(!on_stdout.stdout.is_empty(), "{format}");
        let file = scratch.0.join(format!("report.{format}"));
        let to_file = plx()
            .args(["check", "--format", format, "--output-file"])
            .arg(&file)
            .args(path)
            .output()
            .unwrap();
        assert_eq!(to_file.status.code(), on_stdout.status.code(), "{format}");
        assert!(
            to_file.stdout.is_empty() && to_file.stderr.is_empty(),
            "{format}"
        );
        assert_eq!(std::fs::read(&file).unwrap(), on_stdout.stdout, "{format}");
    }
}

#[test]
fn colour_follows_the_flag_then_the_environment() {
    let path = &failing()[..1];
    let coloured = |flag: &str, env: &[(&str, &str)]| {
        let mut command = plx();
        command.env_remove("NO_COLOR");
        for (name, value) in env {
            command.env(name, value);
        }
        let output = command
            .args(["check", "--color", flag])
            .args(path)
            .output()
            .unwrap();
        output.stdout.contains(&0x1b)
    };
    assert!(coloured("always", &[("NO_COLOR", "1")]));
    assert!(!coloured("never", &[("FORCE_COLOR", "1")]));
    // Not a terminal: plain, unless forced; NO_COLOR wins over forcing.
    assert!(!coloured("auto", &[]));
    assert!(coloured("auto", &[("FORCE_COLOR", "1")]));
    assert!(coloured("auto", &[("CLICOLOR_FORCE", "1")]));
    assert!(!coloured("auto", &[("FORCE_COLOR", "0")]));
    assert!(!coloured(
        "auto",
        &[("FORCE_COLOR", "1"), ("NO_COLOR", "1")]
    ));
}
