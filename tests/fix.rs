//! `plx check --fix`, `--diff` and `--unsafe-fixes`: every fixable rule has a fixture in
//! `fixtures/fix/` (`CODE-what.yaml`) with the file `--fix` must make of it
//! (`CODE-what.fixed.yaml`), byte for byte; fixing twice changes nothing, and the fixes reach
//! JSON and SARIF.

mod common;

use std::path::{Path, PathBuf};

use common::{Scratch, plx};

/// The fixtures to fix, each with its expected result.
fn cases() -> Vec<(PathBuf, PathBuf)> {
    common::fixtures("fix")
        .into_iter()
        .filter(|path| !path.to_string_lossy().ends_with(".fixed.yaml"))
        .map(|path| {
            let fixed = path.with_extension("fixed.yaml");
            assert!(
                common::root().join(&fixed).is_file(),
                "{} has no .fixed.yaml",
                path.display()
            );
            (path, fixed)
        })
        .collect()
}

/// The flags a case's rule needs: its fix is safe, or needs `--unsafe-fixes`.
fn flags(path: &Path) -> Vec<&'static str> {
    let rule = plx::rules::find(&common::expected_code(path)).unwrap();
    match rule.fix().expect("a fix fixture's rule has a fix") {
        plx::rules::Applicability::Safe => vec!["--fix"],
        plx::rules::Applicability::Unsafe => vec!["--fix", "--unsafe-fixes"],
    }
}

fn fix_in(scratch: &Scratch, path: &Path, extra: &[&str]) -> (String, std::process::Output) {
    let text = std::fs::read_to_string(common::root().join(path)).unwrap();
    let file = scratch.file("f.yaml", &text);
    let output = plx().arg("check").args(extra).arg(&file).output().unwrap();
    (std::fs::read_to_string(&file).unwrap(), output)
}

#[test]
fn fix_makes_the_expected_file_byte_for_byte_and_a_second_fix_changes_nothing() {
    for (path, fixed) in cases() {
        let scratch = Scratch::new("fix");
        let (after, output) = fix_in(&scratch, &path, &flags(&path));
        let want = std::fs::read_to_string(common::root().join(&fixed)).unwrap();
        assert_eq!(
            after,
            want,
            "{}: {}",
            path.display(),
            String::from_utf8_lossy(&output.stderr)
        );
        // Every comment line of the original is in the result.
        let original = std::fs::read_to_string(common::root().join(&path)).unwrap();
        for line in original.lines().filter(|l| l.trim_start().starts_with('#')) {
            assert!(
                after.contains(line),
                "{}: comment lost: {line}",
                path.display()
            );
        }
        // The rule has fewer findings (a fixture may keep one that has no fix, to show it).
        let code = common::expected_code(&path);
        let count = |file: &Path| {
            let (_, output) = fix_in(&scratch, file, &["--format", "json"]);
            let report = common::report(&output.stdout);
            let found = report["diagnostics"].as_array().unwrap().clone();
            found.iter().filter(|d| d["code"] == code.as_str()).count()
        };
        assert!(
            count(&fixed) < count(&path),
            "{}: no {code} fixed",
            path.display()
        );
        // Fixing the fixed file changes nothing.
        let (twice, _) = fix_in(&scratch, &fixed, &flags(&path));
        assert_eq!(
            twice,
            want,
            "{}: a second --fix changed the file",
            path.display()
        );
    }
}

#[test]
fn unsafe_fixes_wait_for_their_flag() {
    for (path, _) in cases() {
        if flags(&path).len() == 1 {
            continue;
        }
        let scratch = Scratch::new("fix-safe-only");
        let (after, _) = fix_in(&scratch, &path, &["--fix"]);
        let original = std::fs::read_to_string(common::root().join(&path)).unwrap();
        assert_eq!(
            after,
            original,
            "{}: an unsafe fix made without --unsafe-fixes",
            path.display()
        );
    }
}

#[test]
fn diff_shows_the_fix_and_writes_nothing() {
    for (path, fixed) in cases() {
        let scratch = Scratch::new("fix-diff");
        let mut args = flags(&path);
        args[0] = "--diff";
        let (after, output) = fix_in(&scratch, &path, &args);
        let original = std::fs::read_to_string(common::root().join(&path)).unwrap();
        assert_eq!(after, original, "{}: --diff wrote the file", path.display());
        assert_eq!(output.status.code(), Some(1), "{}", path.display());
        let diff = String::from_utf8(output.stdout).unwrap();
        let want = std::fs::read_to_string(common::root().join(&fixed)).unwrap();
        for (old, new) in original.lines().zip(want.lines()).filter(|(o, n)| o != n) {
            assert!(
                diff.contains(&format!("-{old}\n")),
                "{}: {diff}",
                path.display()
            );
            assert!(
                diff.contains(&format!("+{new}\n")),
                "{}: {diff}",
                path.display()
            );
        }
        // Nothing to fix: no diff, exit 0.
        let (_, clean) = fix_in(&scratch, &fixed, &args);
        assert_eq!(clean.status.code(), Some(0), "{}", fixed.display());
        assert!(clean.stdout.is_empty());
    }
}

#[test]
fn every_fixable_rule_has_a_fixture_and_says_so_on_its_page() {
    let cases = cases();
    for rule in plx::rules::RULES {
        let fixture = cases
            .iter()
            .any(|(path, _)| common::expected_code(path) == rule.code);
        let page = rule.explanation;
        match rule.fix() {
            Some(applicability) => {
                assert!(fixture, "{}: no fixture in fixtures/fix/", rule.code);
                assert!(
                    page.contains(&format!("\nFix: {applicability}")),
                    "{}: the page does not say `Fix: {applicability}`",
                    rule.code
                );
            }
            None => assert!(
                !page.contains("\nFix: "),
                "{}: says it has a fix",
                rule.code
            ),
        }
    }
}

/// JSON carries each fix's edits, and applying them to the file gives what `--fix` writes
/// (for a file fixed in one round); SARIF carries them as `fixes`.
#[test]
fn json_and_sarif_carry_the_fix() {
    let path = Path::new("fixtures/fix/YAML005-node-selector.yaml");
    let output = plx()
        .args(["check", "--format", "json"])
        .arg(path)
        .current_dir(common::root())
        .output()
        .unwrap();
    let report = common::report(&output.stdout);
    let text = std::fs::read_to_string(common::root().join(path)).unwrap();
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let offset = |line: u64, column: u64| {
        let start: usize = lines[..line as usize - 1].iter().map(|l| l.len()).sum();
        let prefix: String = lines[line as usize - 1]
            .chars()
            .take(column as usize - 1)
            .collect();
        start + prefix.len()
    };
    let mut edits: Vec<(usize, usize, String)> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|d| d.get("fix"))
        .flat_map(|fix| fix["edits"].as_array().unwrap().clone())
        .map(|e| {
            let at = |l: &str, c: &str| offset(e[l].as_u64().unwrap(), e[c].as_u64().unwrap());
            (
                at("line", "column"),
                at("end_line", "end_column"),
                e["content"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    edits.sort();
    let mut fixed = text.clone();
    for (start, end, content) in edits.iter().rev() {
        fixed.replace_range(start..end, content);
    }
    let want =
        std::fs::read_to_string(common::root().join(path.with_extension("fixed.yaml"))).unwrap();
    assert_eq!(fixed, want);
    let sarif = plx()
        .args(["check", "--format", "sarif"])
        .arg(path)
        .current_dir(common::root())
        .output()
        .unwrap();
    let log: serde_json::Value = serde_json::from_slice(&sarif.stdout).unwrap();
    let fixes = &log["runs"][0]["results"][0]["fixes"][0];
    let replacement = &fixes["artifactChanges"][0]["replacements"][0];
    assert_eq!(replacement["insertedContent"]["text"], "\"yes\"");
    assert_eq!(replacement["deletedRegion"]["startLine"], 9);
}

#[test]
fn fix_refuses_standard_input() {
    let output = plx().args(["check", "--fix", "-"]).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("CLI001"));
}

/// Every failing fixture (hostile ones included: alias bombs, deep nesting, invalid UTF-8),
/// fixed with every fix: plx does not crash, and a file it changes has no more YAML or
/// unknown-key errors than before (a fix never breaks a file).
#[test]
fn fixing_any_fixture_never_breaks_it() {
    let breaks = |output: &std::process::Output| -> usize {
        let report = common::report(&output.stdout);
        let found = report["diagnostics"].as_array().unwrap().clone();
        found
            .iter()
            .filter(|d| d["severity"] == "error")
            .filter(|d| {
                let code = d["code"].as_str().unwrap();
                code.starts_with("YAML") || code == "SCH001"
            })
            .count()
    };
    let scratch = Scratch::new("fix-all");
    for path in common::fixtures("invalid")
        .into_iter()
        .chain(common::fixtures("warnings"))
    {
        let bytes = std::fs::read(common::root().join(&path)).unwrap();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let file = scratch.file(&name, &bytes);
        let check = || {
            plx()
                .args(["check", "--format", "json"])
                .arg(&file)
                .output()
                .unwrap()
        };
        let before = breaks(&check());
        let fixed = plx()
            .args(["check", "--fix", "--unsafe-fixes", "--format", "json"])
            .arg(&file)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&fixed.stderr);
        assert!(!stderr.contains("panicked"), "{name}: {stderr}");
        assert!(matches!(fixed.status.code(), Some(0..=2)), "{name}");
        assert!(breaks(&check()) <= before, "{name}: a fix made an error");
    }
}

/// `--fix` writes only regular files: a symbolic link (which may lead out of the repository)
/// is checked but not written through.
#[test]
fn fix_does_not_write_through_a_symbolic_link() {
    let scratch = Scratch::new("fix-link");
    let outside = Scratch::new("fix-link-target");
    let original = "version: 1.1\nkind: component\nrun:\n  kind: job\n  environment:\n    nodeSelector: {gpu: yes}\n  container: {image: busybox:1.36, command: [sh]}\n";
    let target = outside.file("target.yaml", original);
    let link = scratch.0.join("link.yaml");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    let output = plx().args(["check", "--fix"]).arg(&link).output().unwrap();
    assert_eq!(std::fs::read_to_string(&target).unwrap(), original);
    assert!(String::from_utf8_lossy(&output.stderr).contains("is a symbolic link"));
}

/// A diff is not a findings report: with `--format json` (one document on stdout) it is a
/// usage error, reported as that one document.
#[test]
fn diff_with_a_machine_format_is_a_usage_error() {
    let output = plx()
        .args(["check", "--diff", "--format", "json"])
        .arg(common::root().join("fixtures/fix/YAML005-node-selector.yaml"))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let report = common::report(&output.stdout);
    assert_eq!(common::codes(&report), ["CLI001"]);
}
