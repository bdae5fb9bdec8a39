//! From a field of the typed file back to the text: rules name what they judge with a
//! camelCase JSON pointer (`/run/environment/hostPID`), and this finds it in the tree however
//! the user spelled it (`host_pid`), so every finding has a line and column.

use crate::diagnostic::Diagnostic;
use crate::rules::Rule;
use crate::yaml::tree::unescape_pointer_token;
use crate::yaml::{Node, NodeKind, Span};

/// Which part of a `key: value` pair a finding points at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    /// The key: "this setting" (`hostNetwork: true`), or a whole object under a key.
    Key,
    /// The value: "this value is wrong".
    Value,
}

/// How far a pointer reaches into the tree.
struct Reached<'a> {
    node: &'a Node,
    key_span: Option<Span>,
    /// Whether `node` is the one the whole pointer names.
    complete: bool,
}

fn reach<'a>(tree: &'a Node, pointer: &str) -> Reached<'a> {
    let mut reached = Reached {
        node: tree,
        key_span: None,
        complete: true,
    };
    let tokens = pointer.strip_prefix('/').unwrap_or_default();
    for token in tokens.split('/').filter(|_| !tokens.is_empty()) {
        let token = unescape_pointer_token(token);
        let next = match &reached.node.kind {
            NodeKind::Map(_) => reached
                .node
                .field(&token)
                .map(|entry| (&entry.value, Some(entry.key_span))),
            NodeKind::Seq(items) => token
                .parse::<usize>()
                .ok()
                .and_then(|index| items.get(index))
                .map(|item| (item, None)),
            NodeKind::Scalar { .. } => None,
        };
        let Some((child, key_span)) = next else {
            reached.complete = false;
            return reached;
        };
        reached.node = child;
        reached.key_span = key_span;
    }
    reached
}

/// The node `pointer` names, however its keys are spelled.
pub fn node<'a>(tree: &'a Node, pointer: &str) -> Option<&'a Node> {
    let reached = reach(tree, pointer);
    reached.complete.then_some(reached.node)
}

/// Where `pointer` is written; when part of it is not in the file (a value a default stands
/// for), the nearest enclosing place that is.
pub fn span(tree: &Node, pointer: &str, target: Target) -> Span {
    let reached = reach(tree, pointer);
    match (target, reached.complete) {
        (Target::Value, true) => reached.node.span,
        _ => object_span(reached.node, reached.key_span),
    }
}

/// The findings of the rules that judge one tree: the one way a rule reports a finding, at
/// the place of a JSON pointer (however the user spelled its keys).
pub struct Findings<'t> {
    tree: &'t Node,
    found: Vec<Diagnostic>,
}

impl<'t> Findings<'t> {
    pub fn new(tree: &'t Node) -> Self {
        Self {
            tree,
            found: Vec::new(),
        }
    }

    /// The tree the findings are about.
    pub fn tree(&self) -> &'t Node {
        self.tree
    }

    /// Where `pointer` is written (for a finding's secondary labels).
    pub fn span(&self, pointer: &str, target: Target) -> Span {
        span(self.tree, pointer, target)
    }

    /// Reports a finding of `rule` at `pointer`'s key or value; its help and labels follow.
    pub fn at(
        &mut self,
        rule: &'static Rule,
        pointer: &str,
        target: Target,
        message: impl Into<String>,
    ) -> Finding<'_> {
        let diagnostic = Diagnostic::new(rule, message).at(span(self.tree, pointer, target));
        self.found.push(diagnostic);
        Finding(self.found.last_mut().expect("just pushed"))
    }

    /// Reports a finding located otherwise (a span of its own, or none).
    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.found.push(diagnostic);
    }

    pub fn into_vec(self) -> Vec<Diagnostic> {
        self.found
    }
}

/// A finding just reported, to add its help and labels to.
pub struct Finding<'a>(&'a mut Diagnostic);

impl Finding<'_> {
    pub fn help(self, help: impl Into<String>) -> Self {
        self.0.help = Some(help.into());
        self
    }

    pub fn label(self, span: Span, message: impl Into<String>) -> Self {
        self.0.labels.push(crate::diagnostic::Label {
            span,
            message: message.into(),
        });
        self
    }

    /// A fix that replaces what the finding points at (a key, a value) with `replacement`.
    pub fn replaced_by(
        self,
        applicability: crate::diagnostic::Applicability,
        replacement: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        if let Some(span) = self.0.span {
            self.0.fix = Some(crate::diagnostic::Fix::replace(
                applicability,
                span,
                replacement,
                message,
            ));
        }
        self
    }
}

/// What stands for a whole object: its key, or, for a list item, its first key.
fn object_span(node: &Node, key_span: Option<Span>) -> Span {
    key_span
        .or_else(|| node.entries()?.first().map(|e| e.key_span))
        .unwrap_or(node.span)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::{Limits, load};

    #[test]
    fn finds_snake_case_keys_and_falls_back_to_the_parent() {
        let text = "run:\n  environment:\n    host_pid: true\n  sidecars:\n  - image: x\n";
        let tree = load(text, Limits::default()).unwrap();
        let found = span(&tree, "/run/environment/hostPID", Target::Key);
        assert_eq!(&text[found.start..found.end], "host_pid");
        let found = span(&tree, "/run/environment/hostPID", Target::Value);
        assert_eq!(&text[found.start..found.end], "true");
        let item = span(&tree, "/run/sidecars/0", Target::Key);
        assert_eq!(&text[item.start..item.end], "image");
        let missing = span(&tree, "/run/sidecars/0/name", Target::Value);
        assert_eq!(&text[missing.start..missing.end], "image");
    }
}
