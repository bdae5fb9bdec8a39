//! The YAML fast path (`yaml::block`) against the full parser: on every YAML file of the
//! repository's fixtures, benchmark and docs, on the 299 real Polyaxonfiles of the corpus, and
//! on variations of each, a tree the fast path makes is the tree the full parser makes, spans
//! included. The fast path also has to take most real files, or it is not worth its code.

mod common;

use std::path::{Path, PathBuf};

use common::{corpus_dir, root};
use plx::yaml::{Limits, block, tree};

fn yaml_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            yaml_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "yaml" || e == "yml") {
            out.push(path);
        }
    }
}

/// `Some(true)` when the fast path took `source` and agreed, `None` when it handed it back.
fn agrees(source: &str) -> Option<bool> {
    let fast = block::load(source, Limits::default())?;
    let full = tree::parse_events(source, Limits::default(), true);
    Some(match full {
        Ok(documents) => {
            documents.len() == 1 && format!("{fast:?}") == format!("{:?}", documents[0])
        }
        Err(_) => false,
    })
}

/// Variations that move what the fast path must get right: indentation, comments, blank
/// lines, trailing spaces, a missing final line feed, and each line cut short.
fn variations(source: &str) -> Vec<String> {
    let lines: Vec<&str> = source.lines().collect();
    let mut out = vec![
        source.trim_end_matches('\n').to_owned(),
        lines.iter().map(|l| format!("  {l}\n")).collect(),
        lines.iter().map(|l| format!("{l}   \n")).collect(),
        lines.iter().map(|l| format!("{l}  # note\n\n")).collect(),
        lines.iter().map(|l| format!("{l}\n# note\n")).collect(),
    ];
    for cut in 0..lines.len().min(40) {
        let mut text: String = lines.iter().map(|l| format!("{l}\n")).collect();
        let line = lines[cut];
        let half: String = line.chars().take(line.chars().count() / 2).collect();
        text = text.replacen(&format!("{line}\n"), &format!("{half}\n"), 1);
        out.push(text);
    }
    out
}

#[test]
fn fast_path_trees_are_the_full_parsers() {
    let mut files = Vec::new();
    for dir in ["fixtures", "bench", "docs", "tests"] {
        yaml_files(&root().join(dir), &mut files);
    }
    yaml_files(&corpus_dir(), &mut files);
    let (mut taken, mut total, mut disagree) = (0, 0, Vec::new());
    for path in &files {
        let Ok(source) = std::fs::read_to_string(path) else {
            continue;
        };
        let mut texts = vec![source.clone()];
        texts.extend(variations(&source));
        for (variation, text) in texts.iter().enumerate() {
            match agrees(text) {
                Some(true) => taken += usize::from(variation == 0),
                Some(false) => disagree.push(format!("{} (variation {variation})", path.display())),
                None => {}
            }
        }
        total += 1;
    }
    eprintln!("fast path took {taken} of {total} files");
    assert!(
        disagree.is_empty(),
        "fast path and parser differ on:\n{}",
        disagree.join("\n")
    );
    assert!(total > 400, "only {total} YAML files found");
    assert!(
        taken * 10 >= total * 8,
        "the fast path took only {taken} of {total} files"
    );
}

/// What the fast path takes: each must come out as the full parser's tree.
#[test]
fn the_subset_is_taken_and_agrees() {
    for source in [
        "a: 1\nb:\n  c: x\n  d:\n",
        "# lead\n\n---\na: 1  # note\n...\n# trailing\n",
        "a:\n- x\n-\n- # empty\n- - nested\n  - again\nb: [x, 'it''s', \"q\\\"\\n\", {k: v}, []]\n",
        "items:\n  - name: x\n    args: [--flag=:9125, a b]\n  - {key: k, operator: In}\n",
        "args: [\n  \"--one\",  # first\n  two,\n]\nmore: {\n  k: v}\n",
        "script: |\n  line\n\n   indented\nfolded: >-\n  one\n  two\n\n  three\nkeep: |+\n  x\n\nlast: 1",
        "- |\n  a\n  # not a comment\n# a comment\n- 2\n",
        "url: http://example.com:80/a#b\nneg: -1\nhash: a#b\nempty_flow: {}\n",
        "  indented: root\n  second: 2\n",
        "<<: {merged: 1}\nown: 2\n",
        // Found by the fuzz target: the parser marks a sequence at its key's indentation
        // after the comment on its first `-` line.
        "a:\n- #  c:\n    name: x\n",
    ] {
        let fast = block::load(source, Limits::default())
            .unwrap_or_else(|| panic!("the fast path handed back {source:?}"));
        let full = tree::parse_events(source, Limits::default(), true).unwrap();
        assert_eq!(format!("{fast:?}"), format!("{:?}", full[0]), "{source:?}");
    }
}

/// What the fast path hands back to the full parser: outside the subset, or an error.
#[test]
fn everything_else_is_handed_back() {
    for source in [
        "",
        "# only a comment\n",
        "scalar root\n",
        "[flow, root]\n",
        "a: &anchor 1\nb: *anchor\n",
        "a: !!str 1\n",
        "? complex\n: key\n",
        "a: 1\n---\nb: 2\n",
        "%YAML 1.2\n---\na: 1\n",
        "a:\tb\n",
        "a: 1\r\nb: 2\r\n",
        "\u{feff}a: 1\n",
        "a: multi\n  line plain\n",
        "a: 'multi\n  line'\n",
        "a: \"\\x41\"\n",
        "a: |2\n   x\n",
        "a: |\n\n  leading empty line\n",
        "a: >\n  x\n    more indented\n",
        "a: |\n",
        "a: b: c\n",
        "a: 1\na: 2\n",
        "a:\n  b: 1\n c: 2\n",
        "a: [x\n  y]\n",
        "a: {x: }\n",
        "a: [x: y]\n",
        "a: [unclosed\n",
        "- a\n  b\n",
        &format!("{}: 1\n", "k".repeat(1500)),
        // Deeper than the builder's limit: its error is the full parser's to report.
        &(0..100)
            .map(|i| format!("{}k:\n", " ".repeat(i)))
            .collect::<String>(),
    ] {
        assert!(
            block::load(source, Limits::default()).is_none(),
            "the fast path took {source:?}"
        );
    }
}
