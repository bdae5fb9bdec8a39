//! Choosing rules: `--select`, `--ignore`, `--fail-on`, `plx.toml` found above the checked
//! file, inline suppressions and `--no-inline-ignores`.

mod common;

use std::path::Path;

use common::{Scratch, plx, root};

/// The codes `plx check` reports for a file, and its exit code.
fn codes(args: &[&str], path: &Path) -> (i32, Vec<String>) {
    let output = plx()
        .args(["check", "--format", "json"])
        .args(args)
        .arg(path)
        .output()
        .unwrap();
    let document = common::report(&output.stdout);
    let codes = document["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| format!("{} {}", d["code"].as_str().unwrap(), d["line"]))
        .collect();
    (output.status.code().unwrap(), codes)
}

/// A job with two warnings: SEC009 (`:latest`, line 10) and SEC011 (no resources, line 8).
const JOB: &str = "version: 1.1\nkind: component\nname: smoke\nrun:\n  kind: job\n  environment:\n    securityContext: {runAsNonRoot: true, runAsUser: 1000}\n  container:\n    name: main\n    image: busybox:latest\n    command: [echo, hi]\n";

#[test]
fn an_inline_ignore_silences_exactly_its_rule_on_its_line() {
    let project = Scratch::new("inline");
    let plain = project.file("jobs/plain.yaml", JOB);
    assert_eq!(codes(&[], &plain).1, ["SEC011 8", "SEC009 10"]);
    let trailing = project.file(
        "jobs/trailing.yaml",
        JOB.replace(
            "busybox:latest",
            "busybox:latest  # plx: ignore[SEC009] smoke test",
        ),
    );
    assert_eq!(codes(&[], &trailing).1, ["SEC011 8"]);
    // The line before works too; another rule on that line is not silenced.
    let before = project.file(
        "jobs/before.yaml",
        JOB.replace(
            "    image:",
            "    # plx: ignore[SEC011] wrong line\n    image:",
        ),
    );
    assert_eq!(
        codes(&[], &before).1,
        ["SEC011 8", "IGN002 10", "SEC009 11"]
    );
    // A file-level suppression covers the file; rules can be named by name too.
    let file_level = project.file(
        "jobs/file.yaml",
        format!("# plx: ignore-file[mutable-image-tag, SEC011] a throwaway smoke test\n{JOB}"),
    );
    assert_eq!(codes(&[], &file_level), (0, vec![]));
    // CI can refuse them all.
    assert_eq!(
        codes(&["--no-inline-ignores"], &file_level).1,
        ["SEC011 9", "SEC009 11"]
    );
}

#[test]
fn an_unknown_code_in_an_ignore_is_reported() {
    let project = Scratch::new("unknown");
    let path = project.file(
        "jobs/typo.yaml",
        JOB.replace("busybox:latest", "busybox:latest  # plx: ignore[SEC09]"),
    );
    assert_eq!(codes(&[], &path).1, ["SEC011 8", "SEC009 10", "IGN001 10"]);
}

#[test]
fn select_ignore_and_fail_on_choose_what_counts() {
    let project = Scratch::new("flags");
    let path = project.file("jobs/job.yaml", JOB);
    assert_eq!(
        codes(&["--select", "SEC009"], &path),
        (0, vec!["SEC009 10".into()])
    );
    assert_eq!(codes(&["--ignore", "SEC"], &path), (0, vec![]));
    assert_eq!(
        codes(&["--ignore", "missing-resources"], &path).1,
        ["SEC009 10"]
    );
    assert_eq!(codes(&["--fail-on", "warning"], &path).0, 1);
    assert_eq!(
        codes(&["--fail-on", "warning", "--ignore", "SEC"], &path).0,
        0
    );
    let output = plx()
        .args(["check", "--select", "NOPE"])
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("selects no rule"));
}

#[test]
fn plx_toml_is_found_above_the_file_and_flags_win() {
    let project = Scratch::new("toml");
    let path = project.file("jobs/nested/job.yaml", JOB);
    project.file("plx.toml", "ignore = [\"SEC011\"]\nfail-on = \"warning\"\n");
    assert_eq!(codes(&[], &path), (1, vec!["SEC009 10".into()]));
    // A nearer one wins over it.
    project.file("jobs/plx.toml", "select = [\"SEC011\"]\n");
    assert_eq!(codes(&[], &path), (0, vec!["SEC011 8".into()]));
    // The command line wins over both.
    assert_eq!(codes(&["--select", "SEC009"], &path).1, ["SEC009 10"]);
    // An explicit file replaces the search.
    let other = project.file("other.toml", "ignore = [\"SEC\"]\n");
    assert_eq!(
        codes(&["--config", other.to_str().unwrap()], &path),
        (0, vec![])
    );
    // A broken one is a usage error, not a silent default.
    project.file("jobs/plx.toml", "selekt = [\"SEC\"]\n");
    let output = plx().args(["check"]).arg(&path).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stdout).contains("plx.toml"));
}

#[test]
fn render_honours_the_same_choices_and_the_default_service_account() {
    let project = Scratch::new("render");
    let path = project.file("jobs/job.yaml", JOB);
    project.file(
        "plx.toml",
        "fail-on = \"warning\"\nignore = [\"SEC\"]\n[service-accounts]\njob = \"polyaxon-jobs\"\n",
    );
    let output = plx().arg("render").arg(&path).output().unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(
        stdout.contains("serviceAccountName: polyaxon-jobs"),
        "{stdout}"
    );
    // The platform's account is its own to grant: no RBAC is written for it.
    assert!(!stdout.contains("kind: Role"), "{stdout}");
    let strict = plx()
        .args(["render", "--ignore", "SEC011"])
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(strict.status.code(), Some(1));
    assert!(strict.stdout.is_empty());
}

#[test]
fn the_repository_has_no_config_of_its_own_that_changes_the_fixtures() {
    assert!(!root().join("plx.toml").exists());
    assert!(!root().join("fixtures/plx.toml").exists());
}

#[test]
fn the_rbac_profile_comes_from_plx_toml_unless_a_flag_names_one() {
    let project = Scratch::new("profile");
    let path = project.file(
        "jobs/notebook.yaml",
        std::fs::read_to_string(root().join("fixtures/valid/service-service-account.yaml"))
            .unwrap(),
    );
    project.file("plx.toml", "profile = \"skypilot\"\n");
    // SkyPilot's profile has a cluster-wide part, which needs the account's namespace.
    let output = plx().arg("render").arg(&path).output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("the `skypilot` profile"));
    let output = plx()
        .args(["render", "--profile", "polyaxon"])
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&output.stdout).contains("kind: RoleBinding"));
}
