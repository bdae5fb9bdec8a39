//! The pinned Kubernetes schema (v1.33), walked alongside a YAML tree: what the typed decoder
//! cannot see because k8s-openapi fills in missing required fields and types enums as plain
//! strings. Unknown fields and types are the decoder's job; this finds missing required
//! fields and values outside an enum, anywhere inside a pod spec, and snake_case spellings of
//! fields below the levels Polyaxon converts to camelCase.
//!
//! The data is `schemas/k8s/v1.33.0-plx.json`, generated from the official sources beside it
//! (see `schemas/k8s/README.md` and `tests/schemas.rs`).

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde::Deserialize;

use crate::yaml::scalar::is_whole_template;
use crate::yaml::tree::{is_snake_spelling, push_pointer_token};
use crate::yaml::{Node, NodeKind, Span};

pub const POD_SPEC: &str = "io.k8s.api.core.v1.PodSpec";
pub const CONTAINER: &str = "io.k8s.api.core.v1.Container";
pub const VOLUME: &str = "io.k8s.api.core.v1.Volume";

/// The schema's texts are borrowed from the embedded JSON (which has no escapes): reading it
/// is a one-time cost of every run, and owned strings made it a fifth of checking one file.
#[derive(Debug, Deserialize)]
struct Definition {
    #[serde(borrow)]
    required: Vec<&'static str>,
    #[serde(borrow)]
    properties: BTreeMap<&'static str, Property>,
}

#[derive(Debug, Deserialize)]
struct Property {
    #[serde(rename = "ref")]
    holds: Option<&'static str>,
    items: Option<&'static str>,
    values: Option<&'static str>,
    #[serde(rename = "enum", borrow)]
    allowed: Option<Vec<&'static str>>,
}

fn definitions() -> &'static BTreeMap<&'static str, Definition> {
    static DEFINITIONS: OnceLock<BTreeMap<&'static str, Definition>> = OnceLock::new();
    DEFINITIONS.get_or_init(|| {
        serde_json::from_str(include_str!("../../schemas/k8s/v1.33.0-plx.json"))
            .expect("the embedded schema subset is valid (tests/schemas.rs generates it)")
    })
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Violation {
    /// A required field is absent; the span is the object's.
    Required { field: String },
    /// A value outside its enum; the span is the value's.
    Unsupported {
        value: String,
        allowed: &'static [&'static str],
    },
    /// The snake_case spelling of `field` where Polyaxon does not convert keys: it reaches
    /// Kubernetes as written, which drops it. The pointer and span are the key's.
    Unconverted { field: String },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    pub violation: Violation,
    /// Where the object (for `Required`) or the value is, with the user's own keys.
    pub pointer: String,
    pub span: Span,
}

/// A node to check against a definition.
pub struct Subject<'a> {
    pub definition: &'static str,
    pub node: &'a Node,
    pub pointer: String,
    /// The span that stands for the whole object: its key, or its first key in a list.
    pub span: Span,
    /// Required fields plx fills in itself at this object (a main container's `name`), or
    /// that its Polyaxon form leaves out (a pod spec's `containers`).
    pub filled: &'a [&'a str],
    /// How deep Polyaxon converts snake_case keys here, when unconverted ones are wanted.
    pub converted: Option<Converted>,
}

/// The levels of an embedded object whose snake_case keys Polyaxon converts to camelCase
/// (measured with its converter: `tests/snake_case.rs`).
#[derive(Clone, Copy, Debug)]
pub struct Converted {
    /// Levels of keys, from the object's own (1) down.
    pub levels: usize,
    /// Keys of the object's own level whose list items are converted too (a container's
    /// `ports`).
    pub lists: &'static [&'static str],
}

/// Where the walk is, and what it knows there.
struct Place<'a> {
    span: Span,
    filled: &'a [&'a str],
    /// Levels of keys still converted from here down, when unconverted keys are wanted.
    levels: Option<usize>,
    lists: &'static [&'static str],
}

/// Checks `subject` and everything nested in it.
pub fn check(subject: Subject<'_>) -> Vec<Finding> {
    let mut findings = Vec::new();
    if let Some(definition) = definitions().get(subject.definition) {
        let place = Place {
            span: subject.span,
            filled: subject.filled,
            levels: subject.converted.map(|c| c.levels),
            lists: subject.converted.map_or(&[], |c| c.lists),
        };
        // One pointer for the whole walk, grown and cut back at each level: a finding copies
        // it, the nodes that are fine cost no allocation.
        let mut pointer = subject.pointer.clone();
        walk(
            definition,
            subject.node,
            &place,
            &mut pointer,
            &mut findings,
        );
    }
    findings
}

fn walk(
    definition: &'static Definition,
    node: &Node,
    place: &Place<'_>,
    pointer: &mut String,
    out: &mut Vec<Finding>,
) {
    let Some(entries) = node.entries() else {
        // A type error the decoder reports.
        return;
    };
    for field in &definition.required {
        if !place.filled.contains(field) && node.field(field).is_none() {
            out.push(Finding {
                violation: Violation::Required {
                    field: (*field).to_owned(),
                },
                pointer: pointer.clone(),
                span: place.span,
            });
        }
    }
    let inner = place.levels.map(|levels| levels.saturating_sub(1));
    for entry in entries {
        let Some((name, property)) = property(definition, &entry.key) else {
            continue;
        };
        let depth = pointer.len();
        push_token(pointer, &entry.key);
        if place.levels == Some(0) && name != entry.key {
            out.push(Finding {
                violation: Violation::Unconverted {
                    field: name.to_owned(),
                },
                pointer: pointer.clone(),
                span: entry.key_span,
            });
            // What is under it is dropped with it.
            pointer.truncate(depth);
            continue;
        }
        if let Some(allowed) = &property.allowed {
            unsupported(&entry.value, allowed, pointer, out);
        }
        if let Some(child) = child(&property.holds) {
            walk(
                child,
                &entry.value,
                &Place::below(entry.key_span, inner),
                pointer,
                out,
            );
        }
        let levels = if place.lists.contains(&name) {
            place.levels
        } else {
            inner
        };
        nested(property, &entry.value, (levels, inner), pointer, out);
        pointer.truncate(depth);
    }
}

/// The items of a list property and the values of a map property, each walked as an object
/// of its definition. A list's items are objects of the list's level (`levels.0`), a map's
/// values of the level below (`levels.1`).
fn nested(
    property: &'static Property,
    value: &Node,
    (list_levels, inner): (Option<usize>, Option<usize>),
    pointer: &mut String,
    out: &mut Vec<Finding>,
) {
    if let (Some(child), NodeKind::Seq(items)) = (child(&property.items), &value.kind) {
        for (index, item) in items.iter().enumerate() {
            let span = item
                .entries()
                .and_then(|e| e.first())
                .map_or(item.span, |e| e.key_span);
            let here = pointer.len();
            push_token(pointer, &index.to_string());
            walk(child, item, &Place::below(span, list_levels), pointer, out);
            pointer.truncate(here);
        }
    }
    if let (Some(child), Some(values)) = (child(&property.values), value.entries()) {
        for value in values {
            let here = pointer.len();
            push_token(pointer, &value.key);
            let place = Place::below(value.key_span, inner);
            walk(child, &value.value, &place, pointer, out);
            pointer.truncate(here);
        }
    }
}

/// `/token` at the end of a JSON pointer, escaped.
fn push_token(pointer: &mut String, token: &str) {
    pointer.push('/');
    push_pointer_token(pointer, token);
}

impl Place<'_> {
    fn below(span: Span, levels: Option<usize>) -> Self {
        Place {
            span,
            filled: &[],
            levels,
            lists: &[],
        }
    }
}

/// The property a key names, by its own name: written as is, or in snake_case.
fn property(
    definition: &'static Definition,
    key: &str,
) -> Option<(&'static str, &'static Property)> {
    definition
        .properties
        .get_key_value(key)
        .or_else(|| {
            definition
                .properties
                .iter()
                .find(|(name, _)| is_snake_spelling(key, name))
        })
        .map(|(name, property)| (*name, property))
}

fn child(name: &Option<&'static str>) -> Option<&'static Definition> {
    definitions().get((*name)?)
}

fn unsupported(
    value: &Node,
    allowed: &'static [&'static str],
    pointer: &str,
    out: &mut Vec<Finding>,
) {
    let Some(text) = value.as_str() else {
        return;
    };
    // An empty string is the field's zero value, which the API server defaults or ignores.
    if value.is_null() || text.is_empty() || is_whole_template(text) || allowed.contains(&text) {
        return;
    }
    out.push(Finding {
        violation: Violation::Unsupported {
            value: text.to_owned(),
            allowed,
        },
        pointer: pointer.to_owned(),
        span: value.span,
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::{Limits, load};

    fn findings(definition: &'static str, yaml: &str, filled: &[&str]) -> Vec<Finding> {
        let tree = load(yaml, Limits::default()).unwrap();
        check(Subject {
            definition,
            node: &tree,
            pointer: String::new(),
            span: tree.span,
            filled,
            converted: None,
        })
    }

    #[test]
    fn finds_enums_and_required_fields_at_any_depth() {
        let found = findings(
            CONTAINER,
            "image: x\nimage_pull_policy: Sometimes\nenv:\n- value: v\nlivenessProbe:\n  httpGet:\n    path: /\n    scheme: FTP\n",
            &[],
        );
        let described: Vec<_> = found
            .iter()
            .map(|f| (f.pointer.as_str(), f.violation.clone()))
            .collect();
        assert_eq!(described.len(), 5, "{described:#?}");
        assert!(found.iter().any(|f| f.pointer == "/image_pull_policy"));
        assert!(found.iter().any(|f| f.pointer == "/env/0"
            && f.violation
                == Violation::Required {
                    field: "name".into()
                }));
        assert!(
            found
                .iter()
                .any(|f| f.pointer == "/livenessProbe/httpGet/scheme")
        );
        assert!(found.iter().any(|f| f.pointer == "/livenessProbe/httpGet"));
    }

    #[test]
    fn filled_fields_and_templates_pass() {
        assert!(
            findings(
                CONTAINER,
                "image: x\nimagePullPolicy: '{{ policy }}'\n",
                &["name"]
            )
            .is_empty()
        );
    }
}
