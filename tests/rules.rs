//! The rule catalog: `plx rules`, `plx explain` and `docs/rules/` come from one registry and
//! cannot drift apart. Each page's Example and "Use instead" are complete files, run here as
//! the rule's primary failing and passing cases.

mod common;

use common::{Scratch, plx, root};
use plx::rules::RULES;
use plx::rules::{Family, Severity};

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

/// What a page's example is checked with: its `# plx ...` line, else `plx render` for a
/// render rule and `plx check` for the others.
fn example_args(rule: &plx::rules::Rule, text: &str) -> Vec<String> {
    let written = text
        .lines()
        .find_map(|line| line.strip_prefix("# plx "))
        .map(|args| args.split_whitespace().map(str::to_owned).collect());
    written.unwrap_or_else(|| match rule.family {
        Family::Render => vec!["render".to_owned()],
        _ => vec!["check".to_owned()],
    })
}

/// Runs an example: its exit code, its findings' codes, and its JSON document (`None` for
/// `render`, whose findings are text).
fn run_example(
    scratch: &Scratch,
    rule: &plx::rules::Rule,
    name: &str,
    text: &str,
) -> (i32, Vec<String>, String) {
    let path = format!("fixtures/examples/{name}.yaml");
    scratch.file(&path, text);
    let mut args = example_args(rule, text);
    if args[0] != "render" {
        args.extend(["--format".to_owned(), "json".to_owned()]);
    }
    let output = plx()
        .current_dir(&scratch.0)
        .args(&args)
        .arg(&path)
        .output()
        .unwrap();
    let code = output.status.code().unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    let codes = if args[0] == "render" {
        plx::rules::RULES
            .iter()
            .filter(|r| stderr.contains(&format!("{}(", r.code)))
            .map(|r| r.code.to_owned())
            .collect()
    } else {
        let document: serde_json::Value =
            serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{name}: {e}: {stdout}"));
        common::codes(&document)
    };
    let shown = if args[0] == "render" { stderr } else { stdout };
    (code, codes, shown)
}

/// Every rule's page has an Example that triggers it and a "Use instead" that passes: the
/// rule's primary failing and passing cases (fixtures/ holds the additional ones). The
/// output of each is pinned by a snapshot.
#[test]
fn every_rule_example_fires_and_its_fix_passes() {
    let scratch = common::example_repository();
    for rule in RULES
        .iter()
        .filter(|r| !common::NOT_FILES.contains(&r.code))
    {
        let page = rule.explanation;
        let example = common::yaml_in(page, "## Example")
            .unwrap_or_else(|| panic!("{}: no yaml Example", rule.code));
        let (exit, codes, shown) = run_example(&scratch, rule, rule.code, example);
        assert!(
            codes.contains(&rule.code.to_owned()),
            "{}: Example gives {codes:?}: {shown}",
            rule.code
        );
        let expected_exit = match (rule.severity, rule.is_usage()) {
            (Severity::Error, true) => 2,
            (Severity::Error, false) => 1,
            _ => 0,
        };
        assert_eq!(exit, expected_exit, "{}: {shown}", rule.code);
        insta::assert_snapshot!(format!("example__{}", rule.code), shown);
        // A warning fails the run with `--strict`; an info finding never does.
        if rule.severity != Severity::Error {
            let mut strict = example_args(rule, example);
            strict.extend([
                "--strict".to_owned(),
                "fixtures/examples/".to_owned() + rule.code + ".yaml",
            ]);
            let output = plx()
                .current_dir(&scratch.0)
                .args(&strict)
                .output()
                .unwrap();
            let fails = rule.severity == Severity::Warning;
            assert_eq!(
                output.status.code(),
                Some(i32::from(fails)),
                "{} --strict",
                rule.code
            );
        }
        let fixed = common::yaml_in(page, "## Use instead")
            .unwrap_or_else(|| panic!("{}: no yaml Use instead", rule.code));
        let (exit, codes, shown) =
            run_example(&scratch, rule, &format!("{}-fixed", rule.code), fixed);
        assert_eq!(exit, 0, "{}: Use instead: {shown}", rule.code);
        assert!(
            !codes.contains(&rule.code.to_owned()),
            "{}: Use instead gives {codes:?}",
            rule.code
        );
    }
}
