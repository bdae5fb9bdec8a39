//! `plx check DIR`: the walk honours `.gitignore`, `.ignore` and hidden folders, and reads
//! files by content: Polyaxonfiles, the agent's values and RBAC manifests are checked, any
//! other YAML or JSON is left alone.

mod common;

use common::{plx, root};

fn checked_files(dir: &std::path::Path) -> (i32, Vec<String>, usize) {
    let output = plx()
        .args(["check", "--format", "json"])
        .arg(dir)
        .output()
        .unwrap();
    let document = common::report(&output.stdout);
    let mut files: Vec<String> = document["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            std::path::Path::new(d["file"].as_str().unwrap())
                .file_name()
                .unwrap()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    files.dedup();
    let count = document["summary"]["files"].as_u64().unwrap() as usize;
    (output.status.code().unwrap(), files, count)
}

#[test]
fn a_repository_is_walked_by_content_and_ignore_files() {
    let scratch = common::Scratch::new("walk");
    let dir = scratch.0.clone();
    for sub in ["ml", "ops", "ignored", ".hidden", "build"] {
        std::fs::create_dir_all(dir.join(sub)).unwrap();
    }
    let copy = |from: &str, to: &str| {
        std::fs::copy(root().join(from), dir.join(to)).unwrap();
    };
    // Found by content, whatever their names.
    copy(
        "fixtures/invalid/SCH001-typo-nodeSelectr.yaml",
        "ml/train.yml",
    );
    copy("fixtures/invalid/AGENT006-core-dns.yaml", "ops/agent.yaml");
    copy(
        "fixtures/rbac/polyaxon-custom-sa-role.yaml",
        "ops/rbac.yaml",
    );
    // Left alone: other YAML and JSON, ignored and hidden folders.
    std::fs::write(dir.join("ops/ci.yaml"), "on: push\njobs: {}\n").unwrap();
    std::fs::write(dir.join("ml/package.json"), "{\"name\": \"x\"}\n").unwrap();
    copy(
        "fixtures/invalid/SCH001-typo-nodeSelectr.yaml",
        "ignored/old.yaml",
    );
    copy(
        "fixtures/invalid/SCH001-typo-nodeSelectr.yaml",
        ".hidden/old.yaml",
    );
    copy(
        "fixtures/invalid/SCH001-typo-nodeSelectr.yaml",
        "build/out.yaml",
    );
    std::fs::write(dir.join(".gitignore"), "ignored/\n").unwrap();
    std::fs::write(dir.join(".ignore"), "build/\n").unwrap();

    let (code, files, count) = checked_files(&dir);
    assert_eq!(code, 1);
    assert_eq!(count, 3, "{files:?}");
    let mut files = files;
    files.sort();
    assert_eq!(files, ["agent.yaml", "rbac.yaml", "train.yml"]);
    // A file named on the command line is always checked, whatever the ignore files say.
    let (code, files, _) = checked_files(&dir.join("ignored/old.yaml"));
    assert_eq!((code, files), (1, vec!["old.yaml".to_owned()]));
}

/// An override file of the agent's values holds a few of the chart's keys: a folder's walk and
/// `--by-content` recognise it by them, typo and all, and leave another chart's values alone.
#[test]
fn the_agents_values_are_recognised_by_the_charts_keys_in_walks_and_by_content() {
    let scratch = common::Scratch::new("walk-values");
    let dir = scratch.0.clone();
    let copy = |from: &str, to: &str| {
        std::fs::copy(root().join(from), dir.join(to)).unwrap();
    };
    copy("fixtures/agent/partial-values.yaml", "values-prod.yaml");
    copy(
        "fixtures/invalid/SCH001-partial-agent-values-typo.yaml",
        "values-typo.yaml",
    );
    std::fs::write(
        dir.join("values-json.json"),
        "{\n  \"timezone\": \"UTC\",\n  \"ingress\": {\"enabled\": false}\n}\n",
    )
    .unwrap();
    // Another chart's values share some keys with the agent's (`ingress`, `nodeSelector`), not
    // all: left alone.
    std::fs::write(
        dir.join("web-values.yaml"),
        "replicaCount: 2\nimage:\n  repository: nginx\ningress:\n  enabled: true\nnodeSelector: {}\n",
    )
    .unwrap();
    std::fs::write(dir.join("ci.yaml"), "name: ci\non: push\njobs: {}\n").unwrap();
    let expected = ["values-json.json", "values-prod.yaml", "values-typo.yaml"];

    let (code, files, count) = checked_files(&dir);
    assert_eq!((code, count), (1, 3), "{files:?}");
    assert_eq!(files, ["values-typo.yaml"]);
    // `--by-content` reads a named file as a walk reads a found one.
    let mut read = Vec::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if !path.is_file() {
            continue;
        }
        let output = plx()
            .args(["check", "--by-content", "--format", "json"])
            .arg(&path)
            .output()
            .unwrap();
        let document = common::report(&output.stdout);
        if document["summary"]["files"] == 1 {
            read.push(path.file_name().unwrap().to_string_lossy().into_owned());
        }
    }
    read.sort();
    assert_eq!(read, expected);
}

/// Files are checked by several workers, each taking the next file left; the report lists
/// them in the walk's order all the same, run after run.
#[test]
fn a_walk_checked_in_parallel_reports_in_file_order() {
    let scratch = common::Scratch::new("walk-order");
    let dir = scratch.0.clone();
    let findings = root().join("fixtures/invalid/SCH001-typo-nodeSelectr.yaml");
    let clean = root().join("fixtures/valid/job-affinity.yaml");
    for i in 0..60 {
        let from = if i % 3 == 0 { &findings } else { &clean };
        std::fs::copy(from, dir.join(format!("run{i:02}.yaml"))).unwrap();
    }
    let mut expected: Vec<String> = (0..60)
        .filter(|i| i % 3 == 0)
        .map(|i| format!("run{i:02}.yaml"))
        .collect();
    expected.sort();
    for _ in 0..3 {
        let (code, files, count) = checked_files(&dir);
        assert_eq!(code, 1);
        assert_eq!(count, 60);
        assert_eq!(files, expected);
    }
}
