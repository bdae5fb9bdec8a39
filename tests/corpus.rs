//! plx against the real Polyaxon 2.18.0 on 299 real Polyaxonfiles (`ORACLE.tsv`).
//!
//! Compared: plx's `check` verdict with Polyaxon's verdict when required params are not
//! checked (`lint_ok`, i.e. `polyaxon check --lint`), since `plx check` too judges a file
//! without its params. Files that Polyaxon could only judge with hub access are left out.
//! Every disagreement must be listed, with its reason, in `docs/compat.md`.

mod common;

use std::collections::BTreeSet;

use common::{corpus_dir, plx, root};

/// plx must agree with Polyaxon on at least this share of the judged files.
const MIN_AGREEMENT: f64 = 0.94;

struct Row {
    path: String,
    lint_ok: bool,
    error: String,
}

fn oracle() -> Vec<Row> {
    let text = std::fs::read_to_string(corpus_dir().join("ORACLE.tsv")).unwrap();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().expect("header").split('\t').collect();
    let column = |name: &str| {
        header
            .iter()
            .position(|h| *h == name)
            .unwrap_or_else(|| panic!("no {name} column"))
    };
    let (path, lint_ok, error) = (
        column("path"),
        column("lint_ok"),
        column("error_first_line"),
    );
    lines
        .filter(|l| !l.is_empty())
        .map(|line| {
            let fields: Vec<&str> = line.split('\t').collect();
            Row {
                path: fields[path].to_owned(),
                lint_ok: fields[lint_ok] == "true",
                error: fields.get(error).copied().unwrap_or("").to_owned(),
            }
        })
        .collect()
}

/// The files the docs explain: lines of `docs/compat.md` of the form "- `path` ...".
fn documented() -> BTreeSet<String> {
    let text = std::fs::read_to_string(root().join("docs/compat.md")).unwrap();
    text.lines()
        .filter_map(|line| line.strip_prefix("- `"))
        .filter_map(|rest| rest.split('`').next())
        .map(str::to_owned)
        .collect()
}

#[test]
fn plx_agrees_with_polyaxon_on_the_corpus() {
    let dir = corpus_dir();
    let rows: Vec<Row> = oracle()
        .into_iter()
        .filter(|row| !row.error.contains("needs the Polyaxon hub"))
        .collect();
    assert!(rows.len() >= 290, "only {} judged rows", rows.len());
    let mut disagreements = BTreeSet::new();
    for row in &rows {
        let output = plx()
            .arg("check")
            .arg(dir.join(&row.path))
            .output()
            .unwrap();
        let plx_ok = match output.status.code() {
            Some(0) => true,
            Some(1) => false,
            other => panic!("{}: exit {other:?}", row.path),
        };
        if plx_ok != row.lint_ok {
            disagreements.insert(row.path.clone());
        }
    }
    let agreement = 1.0 - disagreements.len() as f64 / rows.len() as f64;
    println!(
        "agreement {:.1}% ({} of {} files)",
        agreement * 100.0,
        rows.len() - disagreements.len(),
        rows.len()
    );
    assert!(
        agreement >= MIN_AGREEMENT,
        "agreement {agreement:.3}: {disagreements:#?}"
    );
    let documented = documented();
    let undocumented: Vec<_> = disagreements.difference(&documented).collect();
    let stale: Vec<_> = documented.difference(&disagreements).collect();
    assert!(
        undocumented.is_empty(),
        "disagreements missing from docs/compat.md: {undocumented:#?}"
    );
    assert!(
        stale.is_empty(),
        "docs/compat.md lists files plx now agrees on: {stale:#?}"
    );
}
