//! The rule catalog: `plx rules`, `plx explain` and `docs/rules/` come from one registry and
//! cannot drift apart. The examples on the K8S and SEC pages are complete Polyaxonfiles, run
//! here: each Example must trigger its rule, each "Use instead" must not.

mod common;

use common::{plx, root};
use plx::rules::RULES;

fn stdout(args: &[&str]) -> String {
    let output = plx().args(args).output().unwrap();
    assert!(output.status.success(), "plx {args:?}");
    String::from_utf8(output.stdout).unwrap()
}

#[test]
fn the_docs_index_is_the_generated_catalog() {
    let page = std::fs::read_to_string(root().join("docs/rules/README.md")).unwrap();
    assert!(
        page == stdout(&["rules", "--format", "markdown"]),
        "docs/rules/README.md is stale: run `plx rules --format markdown > docs/rules/README.md`"
    );
}

#[test]
fn every_listed_rule_has_its_page_in_explain() {
    let listed: serde_json::Value =
        serde_json::from_str(&stdout(&["rules", "--format", "json"])).unwrap();
    let listed = listed.as_array().unwrap();
    assert_eq!(listed.len(), RULES.len());
    for rule in listed {
        let code = rule["code"].as_str().unwrap();
        let page = std::fs::read_to_string(root().join(format!("docs/rules/{code}.md"))).unwrap();
        assert_eq!(stdout(&["explain", code]), page, "{code}");
        assert_eq!(stdout(&["explain", rule["name"].as_str().unwrap()]), page);
    }
    let text = stdout(&["rules"]);
    assert_eq!(text.lines().count(), RULES.len());
    plx().args(["explain", "NOPE999"]).assert().code(2);
}

#[test]
fn each_page_states_its_rule_as_the_registry_does() {
    let mut pages = Vec::new();
    for entry in std::fs::read_dir(root().join("docs/rules")).unwrap() {
        let path = entry.unwrap().path();
        let stem = path.file_stem().unwrap().to_str().unwrap().to_owned();
        if stem != "README" {
            pages.push(stem);
        }
    }
    for page in &pages {
        let rule =
            plx::rules::find(page).unwrap_or_else(|| panic!("docs/rules/{page}.md has no rule"));
        let text = rule.explanation;
        assert!(
            text.starts_with(&format!("# {} {}\n", rule.code, rule.name)),
            "{page}"
        );
        assert!(
            text.contains(&format!("\nSeverity: {}\n", rule.severity)),
            "{page}: severity differs from the registry"
        );
        for section in [
            "## What it does",
            "## Why is this bad?",
            "## Example",
            "## References",
        ] {
            assert!(text.contains(section), "{page} lacks {section}");
        }
    }
    assert_eq!(pages.len(), RULES.len());
}

/// The first fenced YAML block after `heading`.
fn yaml_after<'a>(page: &'a str, heading: &str) -> Option<&'a str> {
    let section = &page[page.find(heading)? + heading.len()..];
    let start = section.find("```yaml\n")? + "```yaml\n".len();
    let end = section[start..].find("```")?;
    Some(&section[start..start + end])
}

fn check_stdin(yaml: &str) -> (i32, Vec<String>) {
    let output = plx()
        .args(["check", "--format", "json", "-"])
        .write_stdin(yaml)
        .output()
        .unwrap();
    let document: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let codes = document["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap().to_owned())
        .collect();
    (output.status.code().unwrap(), codes)
}

#[test]
fn kubernetes_and_security_examples_fire_and_their_fixes_pass() {
    for rule in RULES
        .iter()
        .filter(|r| r.code.starts_with("K8S") || r.code.starts_with("SEC"))
    {
        let page = rule.explanation;
        let example = yaml_after(page, "## Example").expect("an Example block");
        let (_, codes) = check_stdin(example);
        assert!(
            codes.contains(&rule.code.to_owned()),
            "{}: Example gives {codes:?}",
            rule.code
        );
        let fixed = yaml_after(page, "## Use instead").expect("a Use instead block");
        let (exit, codes) = check_stdin(fixed);
        assert_eq!(exit, 0, "{}: Use instead gives {codes:?}", rule.code);
        assert!(
            !codes.contains(&rule.code.to_owned()),
            "{}: Use instead gives {codes:?}",
            rule.code
        );
    }
}
