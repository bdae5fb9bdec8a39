//! One direction through the code (`docs/architecture.md`): every `crate::…` path in `src/`
//! names a module of a lower layer, so no module imports one above it, no rule family imports
//! another, and there is no import cycle between modules. And no function is longer than 80
//! lines. A new module must take its place in [`LAYERS`].

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// `src/`'s top-level modules, from the bottom up. A module may use the modules of the layers
/// below its own, and none of its own layer.
const LAYERS: &[&[&str]] = &[
    // The rule registry, spelling help, and the YAML layer: they use nothing of plx.
    &["rules", "shell", "suggest", "yaml"],
    &["diagnostic"],
    // Bytes to a located, typed document, within the trust boundary.
    &["document"],
    // What the documents mean: Polyaxon's types, Kubernetes' rules, `plx.toml`.
    &["model", "k8s", "config"],
    &["params", "compose"],
    &["template"],
    // The rule families and the renderer: none uses another.
    &["check", "agent", "rbac", "render", "suppress", "migrate"],
    // The output formats the commands hand findings to.
    &["report"],
    &["schema"],
    &["cli"],
    &["commands"],
];

const MAX_FUNCTION_LINES: usize = 80;

fn sources() -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut stack = vec![common::root().join("src")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

/// The top-level module a file belongs to (`src/check/kubernetes.rs` -> `check`); `None` for
/// the crate roots.
fn module_of(path: &Path) -> Option<String> {
    let relative = path.strip_prefix(common::root().join("src")).unwrap();
    let first = relative.components().next()?.as_os_str().to_str()?;
    let name = first.trim_end_matches(".rs");
    (!matches!(name, "lib" | "main")).then(|| name.to_owned())
}

/// The file's code with comments removed and the insides of strings and char literals
/// blanked (line breaks kept), so that neither a `crate::` nor a brace in text counts.
fn scrub(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        if c == '/' && next == Some('/') {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if c == '"' || (c == 'r' && matches!(next, Some('"' | '#'))) {
            // A string, or a raw string with as many `#` as it opens with.
            let hashes = if c == 'r' {
                i += 1;
                let mut n = 0;
                while chars.get(i) == Some(&'#') {
                    n += 1;
                    i += 1;
                }
                n
            } else {
                0
            };
            if chars.get(i) != Some(&'"') {
                out.push(c);
                continue;
            }
            out.push('"');
            i += 1;
            while i < chars.len() {
                let closes =
                    chars[i] == '"' && (0..hashes).all(|k| chars.get(i + 1 + k) == Some(&'#'));
                if chars[i] == '\\' && hashes == 0 {
                    i += 2;
                    continue;
                }
                if closes {
                    i += 1 + hashes;
                    break;
                }
                if chars[i] == '\n' {
                    out.push('\n');
                }
                i += 1;
            }
            out.push('"');
        } else if c == '\'' && (chars.get(i + 2) == Some(&'\'') || next == Some('\\')) {
            // A char literal (`'{'`, `'\n'`), not a lifetime.
            let end = (i + 1..chars.len())
                .find(|&j| chars[j] == '\'' && j > i + 1)
                .unwrap_or(i + 1);
            out.push_str("' '");
            i = end + 1;
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

/// Every `crate::module` a file names, with the line it names it on.
fn uses(text: &str) -> Vec<(String, usize)> {
    let mut out = Vec::new();
    for (index, line) in scrub(text).lines().enumerate() {
        let mut rest = line;
        while let Some(at) = rest.find("crate::") {
            let after = &rest[at + "crate::".len()..];
            let name: String = after
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            if !name.is_empty() {
                out.push((name, index + 1));
            }
            rest = after;
        }
    }
    out
}

fn layer(module: &str) -> Option<usize> {
    LAYERS.iter().position(|layer| layer.contains(&module))
}

#[test]
fn every_module_uses_only_the_layers_below_its_own() {
    let mut wrong = Vec::new();
    let mut edges: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for path in sources() {
        let Some(module) = module_of(&path) else {
            continue;
        };
        let Some(own) = layer(&module) else {
            wrong.push(format!(
                "src/{module} is in no layer of tests/architecture.rs"
            ));
            continue;
        };
        let text = std::fs::read_to_string(&path).unwrap();
        for (used, line) in uses(&text) {
            if used == module {
                continue;
            }
            edges.entry(module.clone()).or_default().push(used.clone());
            match layer(&used) {
                Some(theirs) if theirs < own => {}
                Some(_) => wrong.push(format!(
                    "{}:{line}: `{module}` uses `{used}`, which is not below it",
                    path.strip_prefix(common::root()).unwrap().display()
                )),
                None => wrong.push(format!("`{used}` is in no layer of tests/architecture.rs")),
            }
        }
    }
    wrong.sort();
    wrong.dedup();
    assert!(wrong.is_empty(), "{wrong:#?}");
    // The layers hold every module, and each is used by something above it or is a root.
    for layer in LAYERS {
        for module in *layer {
            let file = common::root().join("src").join(module);
            assert!(
                file.is_dir() || file.with_extension("rs").is_file(),
                "tests/architecture.rs names `{module}`, which src/ does not have"
            );
        }
    }
}

#[test]
fn no_function_is_longer_than_80_lines() {
    let mut long = Vec::new();
    for path in sources() {
        let text = scrub(&std::fs::read_to_string(&path).unwrap());
        let lines: Vec<&str> = text.lines().collect();
        for (start, line) in lines.iter().enumerate() {
            let trimmed = line.trim_start();
            let signature = [
                "fn ",
                "pub fn ",
                "pub(crate) fn ",
                "pub(super) fn ",
                "const fn ",
            ]
            .iter()
            .any(|p| trimmed.starts_with(p));
            if !signature {
                continue;
            }
            let mut depth = 0i64;
            let mut opened = false;
            for (offset, body) in lines[start..].iter().enumerate() {
                for c in body.chars() {
                    match c {
                        '{' => {
                            depth += 1;
                            opened = true;
                        }
                        '}' => depth -= 1,
                        _ => {}
                    }
                }
                if !opened && body.trim_end().ends_with(';') {
                    break;
                }
                if opened && depth <= 0 {
                    if offset + 1 > MAX_FUNCTION_LINES {
                        long.push(format!(
                            "{}:{}: {} lines",
                            path.strip_prefix(common::root()).unwrap().display(),
                            start + 1,
                            offset + 1
                        ));
                    }
                    break;
                }
            }
        }
    }
    assert!(
        long.is_empty(),
        "functions over {MAX_FUNCTION_LINES} lines: {long:#?}"
    );
}
