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

/// A diagnostic at `pointer`.
pub fn diagnostic(
    tree: &Node,
    rule: &'static Rule,
    pointer: &str,
    target: Target,
    message: String,
) -> Diagnostic {
    Diagnostic::new(rule, message).at(span(tree, pointer, target))
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
