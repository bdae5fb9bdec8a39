//! From a field of the typed file back to the text: rules name what they judge with a
//! camelCase JSON pointer (`/run/environment/hostPID`), and this finds it in the tree however
//! the user spelled it (`host_pid`), so every finding has a line and column.

use crate::diagnostic::Diagnostic;
use crate::rules::Rule;
use crate::yaml::tree::{escape_pointer_token, unescape_pointer_token};
use crate::yaml::{Node, NodeKind, Span};

/// Which part of a `key: value` pair a finding points at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    /// The key: "this setting" (`hostNetwork: true`), or a whole object under a key.
    Key,
    /// The value: "this value is wrong".
    Value,
}

/// A place in the file: its span and its JSON pointer with the user's own keys.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Place {
    pub span: Span,
    pub pointer: String,
}

/// How far a pointer reaches into the tree.
struct Reached<'a> {
    node: &'a Node,
    key_span: Option<Span>,
    /// The pointer up to `node`, with the user's own keys.
    written: String,
    /// Whether `node` is the one the whole pointer names.
    complete: bool,
}

fn reach<'a>(tree: &'a Node, pointer: &str) -> Reached<'a> {
    let mut reached = Reached {
        node: tree,
        key_span: None,
        written: String::new(),
        complete: true,
    };
    let tokens = pointer.strip_prefix('/').unwrap_or_default();
    for token in tokens.split('/').filter(|_| !tokens.is_empty()) {
        let token = unescape_pointer_token(token);
        let next = match &reached.node.kind {
            NodeKind::Map(_) => reached
                .node
                .field(&token)
                .map(|entry| (&entry.value, Some(entry.key_span), entry.key.as_str())),
            NodeKind::Seq(items) => token
                .parse::<usize>()
                .ok()
                .and_then(|index| items.get(index))
                .map(|item| (item, None, token.as_str())),
            NodeKind::Scalar { .. } => None,
        };
        let Some((child, key_span, written_token)) = next else {
            reached.complete = false;
            return reached;
        };
        reached.written.push('/');
        reached
            .written
            .push_str(&escape_pointer_token(written_token));
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

/// Finds `pointer`; when part of it is not in the file (a value a default stands for), the
/// nearest enclosing place that is.
pub fn place(tree: &Node, pointer: &str, target: Target) -> Place {
    let reached = reach(tree, pointer);
    let span = match (target, reached.complete) {
        (Target::Value, true) => reached.node.span,
        _ => object_span(reached.node, reached.key_span),
    };
    Place {
        span,
        pointer: reached.written,
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
    at(Diagnostic::new(rule, message), place(tree, pointer, target))
}

/// What stands for a whole object: its key, or, for a list item, its first key.
fn object_span(node: &Node, key_span: Option<Span>) -> Span {
    key_span
        .or_else(|| node.entries()?.first().map(|e| e.key_span))
        .unwrap_or(node.span)
}

/// Sets a diagnostic's span and pointer from a place.
pub fn at(diagnostic: Diagnostic, place: Place) -> Diagnostic {
    diagnostic.at(place.span).pointer(place.pointer)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::{Limits, load};

    #[test]
    fn finds_snake_case_keys_and_falls_back_to_the_parent() {
        let text = "run:\n  environment:\n    host_pid: true\n  sidecars:\n  - image: x\n";
        let tree = load(text, Limits::default()).unwrap();
        let found = place(&tree, "/run/environment/hostPID", Target::Key);
        assert_eq!(found.pointer, "/run/environment/host_pid");
        assert_eq!(&text[found.span.start..found.span.end], "host_pid");
        let found = place(&tree, "/run/environment/hostPID", Target::Value);
        assert_eq!(&text[found.span.start..found.span.end], "true");
        let item = place(&tree, "/run/sidecars/0", Target::Key);
        assert_eq!(&text[item.span.start..item.span.end], "image");
        let missing = place(&tree, "/run/sidecars/0/name", Target::Value);
        assert_eq!(missing.pointer, "/run/sidecars/0");
        assert_eq!(&text[missing.span.start..missing.span.end], "image");
    }
}
