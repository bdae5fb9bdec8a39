//! Polyaxon's `{{ ... }}` templates: found in the YAML tree, parsed with minijinja (Jinja2's
//! syntax), their names checked against what the run declares, and rendered with strict
//! undefined (Polyaxon renders an unknown name as an empty string, silently).

pub mod literal;
pub mod render;
use std::collections::BTreeSet;

use crate::yaml::{Node, NodeKind, Span};

/// How much work one template may do: real templates need a few hundred units; a hostile one
/// (a huge loop) stops with an error instead of hanging.
const FUEL: u64 = 50_000;

/// A scalar of the file that holds template syntax.
#[derive(Clone, Debug)]
pub struct Found<'a> {
    pub node: &'a Node,
    pub text: &'a str,
}

/// Keys Polyaxon never renders at a file's level (or drops before it does).
pub const NOT_RENDERED: &[&str] = &[
    "version",
    "kind",
    "name",
    "description",
    "tags",
    "build",
    "hooks",
    "events",
    "joins",
];

/// Whether a scalar is a template (Jinja2's expression, statement or comment delimiters).
pub fn is_template(text: &str) -> bool {
    text.contains("{{") || text.contains("{%") || text.contains("{#")
}

/// Every template scalar under `node`, in document order.
pub fn find<'a>(node: &'a Node, out: &mut Vec<Found<'a>>) {
    match &node.kind {
        NodeKind::Scalar { text, .. } if is_template(text) => out.push(Found { node, text }),
        NodeKind::Scalar { .. } => {}
        NodeKind::Seq(items) => {
            for item in items {
                find(item, out);
            }
        }
        NodeKind::Map(entries) => {
            for entry in entries {
                find(&entry.value, out);
            }
        }
    }
}

/// The environment every template is parsed and rendered in: Jinja2's syntax, strict
/// undefined, bounded work, no autoescape (the output is YAML values, not HTML).
pub fn environment() -> minijinja::Environment<'static> {
    let mut env = minijinja::Environment::new();
    env.set_undefined_behavior(minijinja::UndefinedBehavior::Strict);
    env.set_fuel(Some(FUEL));
    env.set_auto_escape_callback(|_| minijinja::AutoEscape::None);
    // Polyaxon's one filter of its own: `pattern % value` (`{{ uuids | map("map_format", "%s/outputs") }}`).
    env.add_filter("map_format", |value: minijinja::Value, pattern: String| {
        let text = match value.as_str() {
            Some(text) => text.to_owned(),
            None => value.to_string(),
        };
        pattern.replacen("%s", &text, 1)
    });
    env
}

/// A template that does not parse: Jinja's message and where in the template it is.
#[derive(Debug)]
pub struct SyntaxError {
    pub message: String,
    /// Byte range in the template text, when Jinja knows it.
    pub range: Option<std::ops::Range<usize>>,
}

/// The names a template reads from its context, with their attribute paths
/// (`params.lr`, `globals.run_outputs_path`, `epochs`); names it sets itself are left out.
pub fn references(
    env: &minijinja::Environment<'_>,
    text: &str,
) -> Result<BTreeSet<String>, SyntaxError> {
    let template = env.template_from_str(text).map_err(|error| SyntaxError {
        message: error.detail().unwrap_or("invalid template").to_owned(),
        range: error.range(),
    })?;
    Ok(template.undeclared_variables(true).into_iter().collect())
}

/// Where a referenced name is written in the source: the first occurrence of its first
/// segment inside the scalar's span (so a finding points at `lrr` in `{{ params.lrr }}`), else
/// the whole scalar.
pub fn reference_span(source: &str, node: &Node, reference: &str) -> Span {
    let Some(written) = source.get(node.span.start..node.span.end) else {
        return node.span;
    };
    for needle in [reference, reference.split('.').next().unwrap_or(reference)] {
        if let Some(at) = find_word(written, needle) {
            let start = node.span.start + at;
            return Span::new(start, start + needle.len());
        }
    }
    node.span
}

/// The first occurrence of `needle` in `haystack` that is not part of a longer identifier.
fn find_word(haystack: &str, needle: &str) -> Option<usize> {
    let is_ident = |c: char| c.is_ascii_alphanumeric() || c == '_';
    let mut from = 0;
    while let Some(found) = haystack.get(from..)?.find(needle) {
        let at = from + found;
        let before = haystack[..at].chars().next_back();
        let after = haystack[at + needle.len()..].chars().next();
        let bounded =
            before.is_none_or(|c| !is_ident(c) && c != '.') && after.is_none_or(|c| !is_ident(c));
        if bounded {
            return Some(at);
        }
        from = at + needle.len();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_keep_their_attribute_paths_and_skip_local_names() {
        let env = environment();
        let names = references(
            &env,
            "{% for x in items %}{{ x }}{% endfor %} {{ params.lr }} {{ globals.uuid }} {{ epochs | default(1) }}",
        )
        .unwrap();
        let names: Vec<&str> = names.iter().map(String::as_str).collect();
        assert_eq!(names, ["epochs", "globals.uuid", "items", "params.lr"]);
    }

    #[test]
    fn syntax_errors_say_where() {
        let error = references(&environment(), "{{ params.lr ").unwrap_err();
        assert!(!error.message.is_empty());
    }

    #[test]
    fn reference_spans_point_at_the_name_itself() {
        let source = "args: [\"--lr={{ params.lrr }}\"]\n";
        let tree = crate::yaml::load(source, crate::yaml::Limits::default()).unwrap();
        let node = &tree.get("args").unwrap().value;
        let NodeKind::Seq(items) = &node.kind else {
            panic!("a list")
        };
        let span = reference_span(source, &items[0], "params.lrr");
        assert_eq!(&source[span.start..span.end], "params.lrr");
        // A name that is a suffix of another is not found inside it.
        assert_eq!(find_word("{{ xlr }} {{ lr }}", "lr"), Some(13));
    }
}
