//! Reading a 0.x mapping key by key, so that whatever the translation does not take is
//! reported (MIG001) at its key instead of silently dropped.

use serde_json::Value;

use crate::diagnostic::Diagnostic;
use crate::rules;
use crate::yaml::{Entry, Node, NodeKind};

/// The findings of one translation.
#[derive(Default)]
pub struct Notes(pub Vec<Diagnostic>);

impl Notes {
    /// `path` (`build.build_steps`) has no place in a 1.1 component: left out, with `help`.
    pub fn dropped(&mut self, entry: &Entry, path: &str, help: &str) {
        self.0.push(
            Diagnostic::new(
                &rules::MIG_NO_EQUIVALENT,
                format!("`{path}` has no equivalent in a Polyaxon 1.1 component; it is left out"),
            )
            .at(entry.key_span)
            .help(help),
        );
    }

    /// A value that was carried over changed, as `message` says.
    pub fn changed(&mut self, node: &Node, message: String, help: &str) {
        self.0.push(
            Diagnostic::new(&rules::MIG_NO_EQUIVALENT, message)
                .at(node.span)
                .help(help),
        );
    }

    /// The file cannot be translated (MIG002).
    pub fn refuse(&mut self, node: &Node, message: String, help: &str) {
        self.0.push(
            Diagnostic::new(&rules::MIG_NOT_MIGRATABLE, message)
                .at(node.span)
                .help(help),
        );
    }
}

/// What to do instead of the 0.x keys a 1.1 component has no place for, by their path.
const INSTEAD: &[(&str, &str)] = &[
    (
        "build.build_steps",
        "bake these steps into the image (a Dockerfile your CI builds) and set that image; Polyaxon 1.1 components run images, they do not build them",
    ),
    (
        "build.dockerfile",
        "build the image outside Polyaxon (or in an operation's `build` section with the hub's kaniko component) and set `run.container.image`",
    ),
    (
        "build.context",
        "build the image outside Polyaxon (or in an operation's `build` section with the hub's kaniko component) and set `run.container.image`",
    ),
    (
        "build.commit",
        "to run a given commit, clone it with a `run.init` git step (`init: [{git: {url: ..., revision: ...}}]`)",
    ),
    (
        "build.ref",
        "to run a given ref, clone it with a `run.init` git step (`init: [{git: {url: ..., revision: ...}}]`)",
    ),
    (
        "environment.persistence",
        "declare the volumes as connections in the agent's values and list them in `run.connections`",
    ),
    (
        "environment.outputs",
        "to read another run's outputs, add a `run.init` step with `artifacts` (or pass the run as an input)",
    ),
    (
        "environment.mxnet",
        "Polyaxon 2.x runs MXNet through Kubeflow's MXJob (`run.kind: mxjob`), which plx does not check; the component runs as a single job",
    ),
    (
        "environment.horovod",
        "write a `run.kind: mpijob` with a launcher and workers (Kubeflow's MPI operator); the component runs as a single job",
    ),
    (
        "logging",
        "Polyaxon 1.1 has no per-run log level: set it in the code or through an environment variable in `run.container.env`",
    ),
    (
        "framework",
        "Polyaxon 1.1 takes the framework from `run.kind` (job, tfjob, pytorchjob, ...); add it to `tags` to keep it visible",
    ),
];

const UNKNOWN: &str = "plx knows no 1.1 place for this 0.x key: move what it did into the component by hand, or delete it";

/// A mapping of the 0.x file whose keys are taken one by one; [`Section::finish`] reports
/// the rest.
pub struct Section<'a> {
    path: String,
    entries: &'a [Entry],
    taken: Vec<bool>,
}

impl<'a> Section<'a> {
    /// The mapping at `path` (`""` for the file); a node that is no mapping has no keys.
    pub fn new(node: &'a Node, path: &str) -> Self {
        let entries = node.entries().unwrap_or_default();
        Self {
            path: path.to_owned(),
            entries,
            taken: vec![false; entries.len()],
        }
    }

    /// The entry for `key`, now taken.
    pub fn entry(&mut self, key: &str) -> Option<&'a Entry> {
        let index = self.entries.iter().position(|e| e.key == key)?;
        self.taken[index] = true;
        Some(&self.entries[index])
    }

    /// The value of `key`, now taken.
    pub fn take(&mut self, key: &str) -> Option<&'a Node> {
        self.entry(key).map(|e| &e.value)
    }

    /// The path of a key of this mapping, as messages show it.
    pub fn path_of(&self, key: &str) -> String {
        if self.path.is_empty() {
            key.to_owned()
        } else {
            format!("{}.{key}", self.path)
        }
    }

    /// Reports every key not taken.
    pub fn finish(self, notes: &mut Notes) {
        for (entry, taken) in self.entries.iter().zip(&self.taken) {
            if !*taken {
                let path = self.path_of(&entry.key);
                let help = INSTEAD
                    .iter()
                    .find(|(known, _)| *known == path)
                    .map_or(UNKNOWN, |(_, help)| help);
                notes.dropped(entry, &path, help);
            }
        }
    }
}

/// A scalar's text, when the node is one.
pub fn text(node: &Node) -> Option<&str> {
    match &node.kind {
        NodeKind::Scalar { text, .. } if !node.is_null() => Some(text),
        _ => None,
    }
}

/// A sequence's items; none for any other node.
pub fn items(node: &Node) -> &[Node] {
    match &node.kind {
        NodeKind::Seq(items) => items,
        _ => &[],
    }
}

/// A 0.x snake_case key as 1.1 and Kubernetes spell it (`toleration_seconds` ->
/// `tolerationSeconds`); a camelCase key stays as it is.
pub fn camel(key: &str) -> String {
    let mut out = String::with_capacity(key.len());
    let mut upper = false;
    for c in key.chars() {
        if c == '_' && !out.is_empty() {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// The node as JSON with every mapping key camelCased, except the keys of label maps
/// (`matchLabels`), which are data.
pub fn camel_json(node: &Node) -> Value {
    match &node.kind {
        NodeKind::Map(entries) => Value::Object(
            entries
                .iter()
                .map(|e| {
                    let key = camel(&e.key);
                    let value = if key == "matchLabels" {
                        e.value.to_json()
                    } else {
                        camel_json(&e.value)
                    };
                    (key, value)
                })
                .collect(),
        ),
        NodeKind::Seq(items) => Value::Array(items.iter().map(camel_json).collect()),
        NodeKind::Scalar { .. } => node.to_json(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snake_keys_become_camel_case() {
        assert_eq!(camel("toleration_seconds"), "tolerationSeconds");
        assert_eq!(
            camel("required_during_scheduling_ignored_during_execution"),
            "requiredDuringSchedulingIgnoredDuringExecution"
        );
        assert_eq!(camel("nodeSelector"), "nodeSelector");
        assert_eq!(camel("_private"), "_private");
    }
}
