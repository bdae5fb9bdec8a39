//! `plx migrate`: the translations of the fixtures in fixtures/migrate/ pinned by snapshots,
//! determinism, what is refused, and the corpus' 65 Polyaxon 0.x files: each translation
//! `plx check`s without errors except those docs/migrate.md lists, and the verdicts of the
//! real Polyaxon 2.18 (tests/corpus/migrated.jsonl, from tests/corpus/generate_migrated.py)
//! are the numbers docs/migrate.md states.

mod common;

use std::path::Path;

use common::{Scratch, corpus_dir, plx, root};

/// The fixtures, by name.
fn fixtures() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(root().join("fixtures/migrate"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".yaml"))
        .collect();
    names.sort();
    names
}

/// `plx migrate ARGS`: exit code, stdout, stderr.
fn migrate(args: &[&str]) -> (i32, String, String) {
    let output = plx().arg("migrate").args(args).output().unwrap();
    (
        output.status.code().unwrap(),
        String::from_utf8(output.stdout).unwrap(),
        String::from_utf8(output.stderr).unwrap(),
    )
}

#[test]
fn fixtures_migrate_to_pinned_translations() {
    for name in fixtures() {
        let path = format!("fixtures/migrate/{name}");
        let (code, yaml, findings) = migrate(&[&path, "--format", "concise"]);
        assert_eq!(code, 0, "{name}: {findings}");
        insta::assert_snapshot!(
            format!("migrate__{}", name.trim_end_matches(".yaml")),
            format!("{yaml}\n# findings\n{findings}")
        );
    }
}

#[test]
fn migrating_is_deterministic_and_joins_documents() {
    let paths: Vec<String> = fixtures()
        .iter()
        .map(|n| format!("fixtures/migrate/{n}"))
        .collect();
    let args: Vec<&str> = paths.iter().map(String::as_str).collect();
    let (code, first, _) = migrate(&args);
    assert_eq!(code, 0);
    let (_, second, _) = migrate(&args);
    assert_eq!(first, second);
    assert_eq!(first.matches("\n---\n").count(), paths.len() - 1);
    let (_, alone, _) = migrate(&[&paths[0]]);
    assert!(first.starts_with(&alone));
}

#[test]
fn a_1_1_file_is_refused() {
    let (code, yaml, findings) = migrate(&["fixtures/valid/job-dns.yaml"]);
    assert_eq!(code, 1, "{findings}");
    assert!(yaml.is_empty());
    assert!(findings.contains("MIG002"), "{findings}");
    assert!(
        findings.contains("is not Polyaxon 0.x's `version: 1`"),
        "{findings}"
    );
}

#[test]
fn output_and_in_place_write_files() {
    let scratch = Scratch::new("migrate-files");
    let source = std::fs::read_to_string(root().join("fixtures/migrate/tensorboard.yaml")).unwrap();
    let file = scratch.file("tensorboard.yaml", &source);
    let out = scratch.0.join("out.yaml");
    let (code, stdout, _) = migrate(&[file.to_str().unwrap(), "-o", out.to_str().unwrap()]);
    assert_eq!(code, 0);
    assert!(stdout.is_empty());
    let (code, _, _) = migrate(&["--in-place", file.to_str().unwrap()]);
    assert_eq!(code, 0);
    let written = std::fs::read_to_string(&out).unwrap();
    assert_eq!(written, std::fs::read_to_string(&file).unwrap());
    assert!(written.starts_with("version: 1.1\nkind: component\n"));
    let (code, _, stderr) = migrate(&[file.to_str().unwrap(), file.to_str().unwrap(), "-o", "x"]);
    assert_eq!(code, 2, "{stderr}");
}

/// The corpus' 0.x files: the rows of ORACLE.tsv whose `kind` Polyaxon 2.18 does not know.
fn corpus_v0_files(corpus: &Path) -> Vec<String> {
    let table = std::fs::read_to_string(corpus.join("ORACLE.tsv")).unwrap();
    let mut files: Vec<String> = table
        .lines()
        .skip(1)
        .filter(|line| line.contains("is not a supported value"))
        .filter_map(|line| line.split('\t').next().map(str::to_owned))
        .collect();
    files.sort();
    files
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap().flatten() {
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// docs/migrate.md: the files it lists as not migrating, and the numbers it states.
fn documented() -> (Vec<String>, String) {
    let page = std::fs::read_to_string(root().join("docs/migrate.md")).unwrap();
    let section = &page[page.find("## Files that do not migrate").unwrap()..];
    let listed = section
        .lines()
        .filter_map(|line| line.strip_prefix("- `"))
        .filter_map(|line| line.split('`').next().map(str::to_owned))
        .collect();
    (listed, page)
}

#[test]
fn corpus_v0_files_migrate_to_files_plx_checks() {
    let corpus = corpus_dir();
    let files = corpus_v0_files(&corpus);
    assert_eq!(files.len(), 65);
    let scratch = Scratch::new("migrate-corpus");
    copy_dir(&corpus, &scratch.0);
    let (listed, page) = documented();
    let mut passing = 0;
    for file in &files {
        let path = scratch.0.join(file);
        let path = path.to_str().unwrap();
        let migrated = migrate(&["--in-place", path]).0 == 0;
        let checked = migrated
            && plx()
                .args(["check", "--format", "concise", path])
                .output()
                .unwrap()
                .status
                .success();
        assert_eq!(
            !checked,
            listed.contains(file),
            "{file}: passes plx check: {checked}; docs/migrate.md lists it: {}",
            listed.contains(file)
        );
        passing += usize::from(checked);
    }
    assert!(
        page.contains(&format!("| `plx check` without errors | {passing} of 65 |")),
        "docs/migrate.md does not state {passing} of 65 for plx check"
    );
}

#[test]
fn polyaxon_verdicts_are_the_documented_numbers() {
    let verdicts = std::fs::read_to_string(root().join("tests/corpus/migrated.jsonl")).unwrap();
    let rows: Vec<serde_json::Value> = verdicts
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    assert_eq!(rows.len(), 65);
    let count = |key: &str| rows.iter().filter(|r| r[key] == true).count();
    let (listed, page) = documented();
    for (label, key) in [
        ("translated", "migrated"),
        ("Polyaxon 2.18's full check", "check_ok"),
    ] {
        let line = format!("| {label} | {} of 65 |", count(key));
        assert!(page.contains(&line), "docs/migrate.md lacks `{line}`");
    }
    for row in &rows {
        let path = row["path"].as_str().unwrap();
        assert_eq!(
            row["check_ok"] != true,
            listed.iter().any(|l| l == path),
            "{path}: Polyaxon's verdict and docs/migrate.md disagree"
        );
    }
}

/// Untrusted input: every failing fixture (alias bombs, deep nesting, invalid UTF-8, wrong
/// types) and hostile 0.x files end with a finding and an exit code, never a crash, and
/// nothing on stdout when a file is refused.
#[test]
fn hostile_files_are_refused_cleanly() {
    let scratch = Scratch::new("migrate-hostile");
    let hostile = [
        ("wrong-types.yaml", "version: 1\nkind: experiment\nrun: 7\nbuild: [1, 2]\nenvironment: {resources: {gpu: {requests: x}}}\n".to_owned()),
        ("deep.yaml", format!("version: 1\nkind: experiment\ndeclarations: {}{}\n", "{a: ".repeat(5_000), "}".repeat(5_000))),
        ("hptuning.yaml", "version: 1\nkind: group\nhptuning: {matrix: {lr: {range: [0, 1, 0]}, x: {linspace: 'a:b:c'}}, concurrency: -1}\nbuild: {image: a}\nrun: {cmd: [1, {a: b}]}\n".to_owned()),
    ];
    let mut files: Vec<std::path::PathBuf> = hostile
        .iter()
        .map(|(name, text)| scratch.file(name, text))
        .collect();
    files.extend(
        common::fixtures("invalid")
            .into_iter()
            .map(|path| root().join(path)),
    );
    for file in files {
        let output = plx().arg("migrate").arg(&file).output().unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        let code = output.status.code();
        assert!(!stderr.contains("panicked"), "{}: {stderr}", file.display());
        assert!(matches!(code, Some(0..=2)), "{}: {code:?}", file.display());
        if code != Some(0) {
            assert!(output.stdout.is_empty(), "{}", file.display());
        }
        // What is not carried over is said, never dropped in silence.
        if file.ends_with("hptuning.yaml") {
            assert!(stderr.contains("MIG001"), "{stderr}");
        }
    }
}
