//! Which files a command checks: named files as given, folders walked as git would, and what
//! each file is, by its content.

use std::borrow::Cow;
use std::path::{Path, PathBuf};

use super::display;
use crate::diagnostic::Diagnostic;
use crate::model::agent::AgentValues;
use crate::model::{V1Polyaxonfile, fields_of};
use crate::rules;
use crate::yaml::Node;

/// A file to check: named on the command line (always checked), or found in a folder
/// (checked only when its content is something plx reads).
pub struct Target {
    pub path: PathBuf,
    pub found: bool,
    /// The index of the command-line path it comes from.
    pub named: usize,
}

/// A problem with a path named on the command line: the path as shown, and the problem.
pub type Problem = (String, Diagnostic);

/// The files to check, and the problems with the paths named: folders walked for YAML and
/// JSON files, skipping what `.gitignore`, `.ignore` and hidden folders leave out, as git
/// and ripgrep do.
pub fn targets(paths: &[PathBuf], by_content: bool) -> (Vec<Target>, Vec<Problem>) {
    let mut targets = Vec::new();
    let mut problems = Vec::new();
    for (named, path) in paths.iter().enumerate() {
        if path.is_dir() {
            let mut found: Vec<PathBuf> = Vec::new();
            for entry in ignore::WalkBuilder::new(path).require_git(false).build() {
                match entry {
                    Ok(entry) if entry.file_type().is_some_and(|t| t.is_file()) => {
                        found.push(entry.into_path());
                    }
                    Ok(_) => {}
                    Err(error) => problems.push((
                        display(path),
                        Diagnostic::new(
                            &rules::IO_UNREADABLE_FILE,
                            format!("cannot walk {}: {error}", path.display()),
                        ),
                    )),
                }
            }
            found.retain(|path| {
                matches!(
                    path.extension().and_then(|e| e.to_str()),
                    Some("yaml" | "yml" | "json")
                )
            });
            found.sort();
            targets.extend(found.into_iter().map(|path| Target {
                path,
                found: true,
                named,
            }));
        } else if path.as_os_str() == "-" || path.symlink_metadata().is_ok() {
            targets.push(Target {
                path: path.clone(),
                found: by_content && path.as_os_str() != "-",
                named,
            });
        } else {
            problems.push((
                display(path),
                Diagnostic::new(
                    &rules::IO_UNREADABLE_FILE,
                    format!("cannot read {}: no such file or directory", display(path)),
                )
                .help("name a file or folder that exists (`-` reads standard input)"),
            ));
        }
    }
    (targets, problems)
}

/// The warning for a folder named on the command line under which nothing was checked.
pub fn nothing_to_check(path: &Path) -> Problem {
    let diagnostic = Diagnostic::new(
        &rules::IO_NOTHING_TO_CHECK,
        format!(
            "{} holds no Polyaxonfile, agent values or RBAC manifest",
            path.display()
        ),
    )
    .help("check the path; plx recognises files by their content, in `.yaml`, `.yml` and `.json` files that `.gitignore` does not leave out");
    (display(path), diagnostic)
}

/// What plx reads a file as.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Content {
    Polyaxonfile,
    /// The agent's Helm values.
    AgentValues,
    Rbac,
}

/// How plx reads a file, from its top level alone. This is the one place that decides, for a
/// file named on the command line ([`reading`], on its loaded tree), and for one found in a
/// folder or named with `--by-content` ([`content`], on its first bytes).
#[derive(Debug)]
pub struct Reading {
    pub content: Content,
    /// Whether the top level says what the file is. A file found in a folder is read only
    /// then: any other YAML in a repository (CI configs, other charts' values) is left alone.
    /// A file named on the command line is read as `content` anyway.
    pub recognised: bool,
    keys: Keys,
}

/// The top level of a file, as far as telling what it is goes.
struct TopLevel {
    /// `kind`'s value, when the file has the key (empty when it is not a string).
    kind: Option<String>,
    api_version: bool,
    keys: Vec<String>,
}

/// A file's top-level keys, by whose keys they are: the agent chart's values', a
/// Polyaxonfile's, both, or neither.
#[derive(Debug, Default)]
struct Keys {
    has_kind: bool,
    chart: Vec<String>,
    both: Vec<String>,
    polyaxonfile: Vec<String>,
    /// Keys of neither that are close to a key of the chart's values: misspellings of one.
    misspelt: Vec<String>,
    neither: Vec<String>,
}

/// The top-level keys of the agent chart's values (chart 2.15.1, and the keys its
/// documentation still shows), as `AgentValues` reads them.
fn chart_keys() -> &'static [&'static str] {
    fields_of::<AgentValues>()
}

/// Whether `key` is one of `fields`, as written or in the snake_case spelling the decoder
/// also takes.
fn is_one_of(key: &str, fields: &[&str]) -> bool {
    crate::yaml::tree::match_field(key, fields).is_some()
}

impl Keys {
    fn of(top: &TopLevel) -> Self {
        let chart = chart_keys();
        let polyaxonfile = fields_of::<V1Polyaxonfile>();
        let mut keys = Keys {
            has_kind: top.kind.is_some(),
            ..Keys::default()
        };
        for key in top.keys.iter().filter(|key| *key != "kind") {
            let list = match (is_one_of(key, chart), is_one_of(key, polyaxonfile)) {
                (true, true) => &mut keys.both,
                (true, false) => &mut keys.chart,
                (false, true) => &mut keys.polyaxonfile,
                (false, false) => {
                    let near =
                        crate::suggest::closest(key, chart.iter().chain(polyaxonfile).copied());
                    if near.is_some_and(|near| chart.contains(&near)) {
                        &mut keys.misspelt
                    } else {
                        &mut keys.neither
                    }
                }
            };
            if !list.contains(key) {
                list.push(key.clone());
            }
        }
        keys
    }
}

/// The decision. A file with `apiVersion` is an RBAC manifest when its `kind` is one; a file
/// with `kind` is a Polyaxonfile. A mapping without `kind` is the agent's values when all its
/// top-level keys are keys of the chart's values (or misspellings of one: the typo is then
/// reported, not the file left alone). Other mappings without `kind`, named on the command
/// line, are read as whichever they have more keys of alone: the chart's values (with their
/// misspellings) or a Polyaxonfile.
fn decide(top: &TopLevel) -> Reading {
    let kind = top.kind.as_deref();
    if top.api_version {
        let rbac = matches!(
            kind,
            Some(
                "Role"
                    | "ClusterRole"
                    | "RoleBinding"
                    | "ClusterRoleBinding"
                    | "ServiceAccount"
                    | "List"
            )
        );
        return Reading {
            content: if rbac {
                Content::Rbac
            } else {
                Content::Polyaxonfile
            },
            recognised: rbac,
            keys: Keys::default(),
        };
    }
    let keys = Keys::of(top);
    let (content, recognised) = match kind {
        Some(kind) => (
            Content::Polyaxonfile,
            matches!(kind, "component" | "operation") || top.keys.iter().any(|k| k == "version"),
        ),
        None => {
            let recognised = !(keys.chart.is_empty() && keys.both.is_empty())
                && keys.polyaxonfile.is_empty()
                && keys.neither.is_empty();
            // A Polyaxonfile always has `kind` and the agent's values never do: without it, a
            // tie goes to the values.
            let votes = keys.chart.len() + keys.misspelt.len();
            let agent = recognised || (votes > 0 && votes >= keys.polyaxonfile.len());
            let content = if agent {
                Content::AgentValues
            } else {
                Content::Polyaxonfile
            };
            (content, recognised)
        }
    };
    Reading {
        content,
        recognised,
        keys,
    }
}

/// How a loaded file is read.
pub fn reading(tree: &Node) -> Reading {
    let top = TopLevel {
        kind: tree
            .get("kind")
            .map(|entry| entry.value.as_str().unwrap_or_default().to_owned()),
        api_version: tree.get("apiVersion").is_some(),
        keys: tree
            .entries()
            .unwrap_or_default()
            .iter()
            .map(|entry| entry.key.as_str().to_owned())
            .collect(),
    };
    decide(&top)
}

/// How a file is read, by its first bytes: a folder's files are told apart without parsing
/// the ones plx leaves alone.
pub fn content(bytes: &[u8]) -> Reading {
    // The declarations sit at the top of a file: its head is enough.
    let head = &bytes[..bytes.len().min(64 * 1024)];
    // Valid UTF-8 (nearly every file) is borrowed after the fast check; the lossy reading,
    // slower, is for the rest (and for a head cut inside a character).
    let head =
        std::str::from_utf8(head).map_or_else(|_| String::from_utf8_lossy(head), Cow::Borrowed);
    let mut entries = json_entries(&head);
    if entries.is_empty() {
        entries = yaml_entries(&head);
    }
    let value = |key: &str| {
        entries
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.clone())
    };
    let top = TopLevel {
        kind: value("kind"),
        api_version: value("apiVersion").is_some(),
        keys: entries.iter().map(|(key, _)| key.clone()).collect(),
    };
    decide(&top)
}

/// What a line whose first character is one of these holds is not a top-level key: an
/// indented line, a comment, a list item, a directive, an anchor or alias, a tag, a complex key
/// or a block scalar.
const NOT_A_KEY_START: [char; 12] = [' ', '\t', '#', '-', '%', '[', '&', '*', '!', '?', '|', '>'];

/// The top-level keys of YAML written in block style, and their values when on the same line:
/// the lines that start with a key. The first line of a flow mapping (`{kind: component, ...`)
/// gives its first key.
fn yaml_entries(head: &str) -> Vec<(String, String)> {
    unindented_lines(head)
        .filter_map(|line| {
            let line = line.trim_start_matches('{');
            if line.starts_with(NOT_A_KEY_START) {
                return None;
            }
            let (key, rest) = match line.strip_prefix(['"', '\'']) {
                Some(quoted) => {
                    let close = quoted.find(['"', '\''])?;
                    (&quoted[..close], &quoted[close + 1..])
                }
                None => {
                    let end = line.find(':')?;
                    (line[..end].trim_end(), &line[end..])
                }
            };
            let plain = !key.is_empty() && !key.starts_with(NOT_A_KEY_START);
            let value = rest.strip_prefix(':')?;
            (plain && (value.is_empty() || value.starts_with([' ', '\t']))).then(|| {
                let value = value.trim().trim_matches(['"', '\'', ',', '}']);
                (key.to_owned(), value.to_owned())
            })
        })
        .collect()
}

/// The lines of `head` (as `str::lines` gives them) but those whose first character is one of
/// [`NOT_A_KEY_START`]: most lines are indented, and this finds line starts with memchr and
/// looks at one byte of each.
fn unindented_lines(head: &str) -> impl Iterator<Item = &str> {
    let bytes = head.as_bytes();
    let starts = std::iter::once(0).chain(memchr::memchr_iter(b'\n', bytes).map(|at| at + 1));
    starts
        .filter(|&start| {
            bytes
                .get(start)
                .is_some_and(|&b| !NOT_A_KEY_START.contains(&char::from(b)))
        })
        .map(|start| head[start..].lines().next().unwrap_or_default())
}

/// The top-level keys of a JSON object, and their values when they are strings: the keys read
/// before the head ends, or before the text stops being JSON.
fn json_entries(head: &str) -> Vec<(String, String)> {
    struct Entries<'a>(&'a mut Vec<(String, String)>);
    impl<'de> serde::de::Visitor<'de> for Entries<'_> {
        type Value = ();
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("a JSON object")
        }
        fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
            while let Some(key) = map.next_key::<String>()? {
                let value: serde_json::Value = map.next_value()?;
                let value = value.as_str().unwrap_or_default().to_owned();
                self.0.push((key, value));
            }
            Ok(())
        }
    }
    let mut entries = Vec::new();
    if head.trim_start().starts_with('{') {
        let mut reader = serde_json::Deserializer::from_str(head);
        // A head cut mid-file, or YAML flow style, stops the reader: the keys read so far stand.
        let _ = serde::Deserializer::deserialize_map(&mut reader, Entries(&mut entries));
    }
    entries
}

impl Reading {
    /// Whether its keys could have meant the other reading: only keys of both a Polyaxonfile
    /// and the chart's values, keys of neither or misspelt, or chart keys in a Polyaxonfile.
    pub fn ambiguous(&self) -> bool {
        let keys = &self.keys;
        match self.content {
            // Keys of both decide only when no key is the chart's alone.
            Content::AgentValues => {
                keys.chart.is_empty()
                    || !(keys.misspelt.is_empty()
                        && keys.polyaxonfile.is_empty()
                        && keys.neither.is_empty())
            }
            Content::Polyaxonfile => {
                !keys.chart.is_empty() || (!keys.has_kind && !keys.misspelt.is_empty())
            }
            Content::Rbac => false,
        }
    }

    /// Which keys decided how the file is read, in a sentence: `None` when no key points to
    /// the agent's values (a Polyaxonfile, or RBAC manifests, as such).
    pub fn why(&self) -> Option<String> {
        let keys = &self.keys;
        if self.content != Content::AgentValues && !self.ambiguous() {
            return None;
        }
        let (what, decider) = match (self.content, keys.has_kind, self.recognised) {
            (Content::AgentValues, _, true) => (
                "the agent's Helm values",
                "it has no `kind` (a Polyaxonfile has one)",
            ),
            (Content::AgentValues, _, false) => (
                "the agent's Helm values",
                "it has no `kind` (a Polyaxonfile has one), and no fewer of its keys are the chart's than a Polyaxonfile's",
            ),
            (_, true, _) => (
                "a Polyaxonfile",
                "it has `kind` (the agent's values have none)",
            ),
            (_, false, _) => (
                "a Polyaxonfile",
                "it has no `kind`, but fewer of its keys are the agent chart's than a Polyaxonfile's",
            ),
        };
        let mut clauses = vec![decider.to_owned()];
        clauses.extend(keys.clauses());
        Some(format!(
            "This file is read as {what}: {}.",
            clauses.join("; ")
        ))
    }
}

impl Keys {
    /// Whose each of the keys is, in words.
    fn clauses(&self) -> Vec<String> {
        let chart_side: Vec<String> = self.chart.iter().chain(&self.both).cloned().collect();
        let also = if self.both.is_empty() {
            String::new()
        } else if self.chart.is_empty() {
            " (and of a Polyaxonfile, which has `kind`)".to_owned()
        } else {
            format!(" ({} also of a Polyaxonfile)", listed(&self.both))
        };
        [
            (
                &chart_side,
                "a top-level key",
                "top-level keys",
                "of the agent chart's values",
            ),
            (
                &self.misspelt,
                "likely a misspelling",
                "likely misspellings",
                "of one",
            ),
            (&self.polyaxonfile, "a key", "keys", "of a Polyaxonfile"),
            (&self.neither, "a key", "keys", "of neither"),
        ]
        .into_iter()
        .enumerate()
        .filter(|(_, (keys, ..))| !keys.is_empty())
        .map(|(index, (keys, one, more, whose))| {
            let verb = if keys.len() == 1 {
                format!("is {one}")
            } else {
                format!("are {more}")
            };
            let also = if index == 0 { also.as_str() } else { "" };
            format!("{} {verb} {whose}{also}", listed(keys))
        })
        .collect()
    }
}

/// `a`, `b` and 3 more.
fn listed(keys: &[String]) -> String {
    const SHOWN: usize = 5;
    let mut shown: Vec<String> = keys.iter().take(SHOWN).map(|k| format!("`{k}`")).collect();
    if keys.len() > SHOWN {
        shown.push(format!("{} more", keys.len() - SHOWN));
    }
    shown.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::{Limits, load};

    fn read(text: &str) -> Reading {
        reading(&load(text, Limits::default()).unwrap())
    }

    #[test]
    fn the_chart_keys_are_the_top_level_keys_of_the_charts_values() {
        // The chart's values.yaml 2.15.1, as shared/reference/polyaxon-agent-chart has it.
        let text = include_str!("../../fixtures/agent/chart-2.15.1-values.yaml");
        let tree = load(text, Limits::default()).unwrap();
        let mut chart: Vec<&str> = tree
            .entries()
            .unwrap()
            .iter()
            .map(|entry| entry.key.as_str())
            .collect();
        // The one key the model has beyond the chart: documented, no longer read (AGENT001).
        let mut model: Vec<&str> = chart_keys()
            .iter()
            .copied()
            .filter(|key| *key != "deploymentVersion")
            .collect();
        chart.sort_unstable();
        model.sort_unstable();
        assert_eq!(model, chart);
        assert!(chart_keys().contains(&"deploymentVersion"));
    }

    #[test]
    fn a_mapping_of_chart_keys_only_is_the_agents_values() {
        let partial = read("ingress:\n  enabled: true\ntimezone: UTC\n");
        assert_eq!(partial.content, Content::AgentValues);
        assert!(partial.recognised && !partial.ambiguous());
        // A misspelt chart key keeps it the values, so the typo is reported.
        let typo = read("ingress:\n  enabled: true\ntimezon: UTC\n");
        assert_eq!(typo.content, Content::AgentValues);
        assert!(typo.recognised && typo.ambiguous());
        let why = typo.why().unwrap();
        assert!(why.contains("`timezon` is likely a misspelling"), "{why}");
        // snake_case spellings are the decoder's too.
        assert!(read("artifacts_store: {}\n").recognised);
    }

    #[test]
    fn other_yaml_is_not_recognised() {
        for text in [
            "replicaCount: 1\nimage: {repository: nginx}\ningress: {enabled: false}\nnodeSelector: {}\ntolerations: []\n",
            "name: ci\non: push\njobs: {}\n",
            "version: '3'\nservices: {}\n",
            "apiVersion: v2\nname: chart\n",
            "kind: Kustomization\nresources: []\n",
            "{}\n",
        ] {
            assert!(!read(text).recognised, "{text}");
            assert!(!content(text.as_bytes()).recognised, "{text}");
        }
    }

    #[test]
    fn a_mix_is_read_by_its_keys_and_says_which_decided() {
        let shared = read("namespace: ml\nconnections: [a]\n");
        assert_eq!(shared.content, Content::AgentValues);
        assert!(shared.ambiguous());
        let why = shared.why().unwrap();
        assert!(
            why.contains("(and of a Polyaxonfile, which has `kind`)"),
            "{why}"
        );
        let values = read("agent: {}\nfoo: 1\n");
        assert_eq!(values.content, Content::AgentValues);
        assert!(!values.recognised);
        assert!(values.why().unwrap().contains("`foo` is a key of neither"));
        let polyaxonfile = read("version: 1.1\nrun: {}\ningress: {}\n");
        assert_eq!(polyaxonfile.content, Content::Polyaxonfile);
        let why = polyaxonfile.why().unwrap();
        assert!(
            why.contains("fewer of its keys are the agent chart's"),
            "{why}"
        );
        let with_kind = read("version: 1.1\nkind: component\ningress: {}\n");
        assert_eq!(with_kind.content, Content::Polyaxonfile);
        assert!(with_kind.recognised && with_kind.ambiguous());
        assert!(with_kind.why().unwrap().contains("it has `kind`"));
        assert!(read("version: 1.1\nkind: component\n").why().is_none());
    }

    #[test]
    fn json_is_read_by_its_top_level_keys_however_it_is_laid_out() {
        for text in [
            "{\n  \"version\": 1.1,\n  \"kind\": \"component\",\n  \"run\": {\"kind\": \"job\"}\n}\n",
            "{\"version\":1.1,\"kind\":\"component\"}",
        ] {
            let found = content(text.as_bytes());
            assert!(found.recognised && found.content == Content::Polyaxonfile);
        }
        let values = content(b"{\"deploymentChart\": \"agent\", \"timezone\": \"UTC\"}");
        assert!(values.recognised && values.content == Content::AgentValues);
    }

    /// The shortcut keeps exactly the lines `str::lines` gives that do not start with one of
    /// `NOT_A_KEY_START`: blank lines, `\r\n`, a last line with and without its break, a
    /// multi-byte first character.
    #[test]
    fn unindented_lines_are_the_lines_that_may_start_with_a_key() {
        for text in [
            "",
            "\n",
            "kind: component\nrun:\n  kind: job\n",
            "a: 1\r\n  b: 2\r\n\r\n#c\n- d\n{e: 1}\né: 2\n\tf\nlast",
            "\n\nx:\n",
        ] {
            let expected: Vec<&str> = text
                .lines()
                .filter(|line| !line.starts_with(NOT_A_KEY_START))
                .collect();
            let kept: Vec<&str> = unindented_lines(text).collect();
            assert_eq!(kept, expected, "{text:?}");
        }
    }

    /// A folder's file is judged by its first bytes and then read by its tree: both readings
    /// are the one decision, on the same keys.
    #[test]
    fn the_first_bytes_and_the_tree_read_every_fixture_alike() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
        let mut stack = vec![root];
        let mut compared = 0;
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(&dir).unwrap().flatten() {
                let path = entry.path();
                if path.is_dir() {
                    stack.push(path);
                    continue;
                }
                let bytes = std::fs::read(&path).unwrap();
                let Ok(text) = std::str::from_utf8(&bytes) else {
                    continue;
                };
                let Ok(tree) = load(text, Limits::default()) else {
                    continue;
                };
                let (head, tree) = (content(&bytes), reading(&tree));
                if head.content == Content::Rbac {
                    continue;
                }
                let shown = path.display();
                assert_eq!(head.content, tree.content, "{shown}");
                assert_eq!(head.recognised, tree.recognised, "{shown}");
                compared += 1;
            }
        }
        assert!(compared > 100, "{compared}");
    }
}
