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
    let document: serde_json::Value =
        serde_json::from_str(&stdout(&["check", "--format", "json"], paths)).unwrap();
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
