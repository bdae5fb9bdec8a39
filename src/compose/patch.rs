//! Polyaxon's `patchStrategy`, on YAML trees: how an operation's `runPatch`, its own fields and
//! presets are laid over a component. Objects of Polyaxon's and Kubernetes' models are always
//! patched field by field; the strategy decides at the leaves, and for lists and free-form
//! mappings (labels, node selectors, resource quantities):
//!
//! - `replace`: the new value wins;
//! - `isnull`: the new value only fills what is unset;
//! - `post_merge`: scalars take the new value, lists append what they lack, mappings merge
//!   with the new keys winning;
//! - `pre_merge`: scalars keep the old value, lists put the new items first, mappings merge
//!   with the old keys winning.

use crate::model::PatchStrategy;
use crate::yaml::{Entry, Node, NodeKind, Span};

/// Mappings whose keys are data, not fields: merged or replaced as a whole.
const FREE_FORM: &[&str] = &[
    "nodeSelector",
    "node_selector",
    "labels",
    "annotations",
    "limits",
    "requests",
    "env",
    "params",
];

/// Lays `new` over `old`. `key` is the field both sit at (`""` at the top). What comes from
/// `new` keeps its spans: a caller laying another file's node over this one makes it
/// [`foreign`] first.
pub fn patch(old: &mut Node, new: &Node, key: &str, strategy: PatchStrategy) {
    if new.is_null() {
        // An explicit null clears the field under replace and post_merge.
        if matches!(strategy, PatchStrategy::Replace | PatchStrategy::PostMerge) {
            *old = new.clone();
        }
        return;
    }
    if old.is_null() {
        *old = new.clone();
        return;
    }
    match (&mut old.kind, &new.kind) {
        (NodeKind::Map(old_entries), NodeKind::Map(new_entries)) if !FREE_FORM.contains(&key) => {
            for entry in new_entries {
                match old_entries.iter_mut().find(|e| e.key == entry.key) {
                    Some(existing) => {
                        patch(&mut existing.value, &entry.value, &entry.key, strategy)
                    }
                    None => old_entries.push(entry.clone()),
                }
            }
        }
        (NodeKind::Map(old_entries), NodeKind::Map(new_entries)) => match strategy {
            PatchStrategy::Replace => *old = new.clone(),
            PatchStrategy::Isnull => {}
            PatchStrategy::PostMerge => deep_update(old_entries, new_entries, true),
            PatchStrategy::PreMerge => deep_update(old_entries, new_entries, false),
        },
        (NodeKind::Seq(old_items), NodeKind::Seq(new_items)) => match strategy {
            PatchStrategy::Replace => *old = new.clone(),
            PatchStrategy::Isnull => {}
            PatchStrategy::PostMerge => {
                for item in new_items {
                    if !old_items.iter().any(|o| same(o, item)) {
                        old_items.push(item.clone());
                    }
                }
            }
            PatchStrategy::PreMerge => {
                let mut merged: Vec<Node> = new_items.to_vec();
                merged.extend(
                    old_items
                        .iter()
                        .filter(|o| !new_items.iter().any(|n| same(o, n)))
                        .cloned(),
                );
                *old_items = merged;
            }
        },
        _ => {
            if matches!(strategy, PatchStrategy::Replace | PatchStrategy::PostMerge) {
                *old = new.clone();
            }
        }
    }
}

/// Mappings merged key by key, `new_wins` deciding the keys both have.
fn deep_update(old: &mut Vec<Entry>, new: &[Entry], new_wins: bool) {
    for entry in new {
        match old.iter_mut().find(|e| e.key == entry.key) {
            Some(existing) => match (&mut existing.value.kind, &entry.value.kind) {
                (NodeKind::Map(inner_old), NodeKind::Map(inner_new)) => {
                    deep_update(inner_old, inner_new, new_wins)
                }
                _ if new_wins => existing.value = entry.value.clone(),
                _ => {}
            },
            None => old.push(entry.clone()),
        }
    }
}

/// Two nodes with the same content, wherever they were written.
fn same(a: &Node, b: &Node) -> bool {
    a.to_json() == b.to_json()
}

/// A node from another file: its spans would point into the wrong text, so it has none.
pub fn foreign(node: &Node) -> Node {
    let kind = match &node.kind {
        NodeKind::Scalar { text, style } => NodeKind::Scalar {
            text: text.clone(),
            style: *style,
        },
        NodeKind::Seq(items) => NodeKind::Seq(items.iter().map(foreign).collect()),
        NodeKind::Map(entries) => NodeKind::Map(entries.iter().map(foreign_entry).collect()),
    };
    Node {
        kind,
        span: Span::ELSEWHERE,
    }
}

fn foreign_entry(entry: &Entry) -> Entry {
    Entry {
        key: entry.key.clone(),
        key_span: Span::ELSEWHERE,
        key_style: entry.key_style,
        value: foreign(&entry.value),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree(text: &str) -> Node {
        crate::yaml::load(text, crate::yaml::Limits::default()).unwrap()
    }

    const BASE: &str = "tags: [a, b]\nqueue: q1\ntermination: {maxRetries: 1, ttl: 10}\nenvironment: {nodeSelector: {k1: v1, k2: v2}}\ncontainer: {image: base, args: [a1, a2], resources: {limits: {cpu: 1}}}\n";
    const NEW: &str = "tags: [b, c]\nqueue: q2\ntermination: {maxRetries: 5}\nenvironment: {nodeSelector: {k2: NEW, k3: v3}}\ncontainer: {image: new, args: [a2, a3], resources: {limits: {memory: 1Gi}}}\n";

    fn patched(strategy: PatchStrategy) -> serde_json::Value {
        let mut old = tree(BASE);
        patch(&mut old, &tree(NEW), "", strategy);
        old.to_json()
    }

    #[test]
    fn strategies_match_polyaxons_measured_results() {
        let replace = patched(PatchStrategy::Replace);
        assert_eq!(replace["tags"], serde_json::json!(["b", "c"]));
        assert_eq!(
            replace["termination"],
            serde_json::json!({"maxRetries": 5, "ttl": 10})
        );
        assert_eq!(
            replace["environment"]["nodeSelector"],
            serde_json::json!({"k2": "NEW", "k3": "v3"})
        );
        assert_eq!(
            replace["container"]["resources"]["limits"],
            serde_json::json!({"memory": "1Gi"})
        );

        assert_eq!(patched(PatchStrategy::Isnull), tree(BASE).to_json());

        let post = patched(PatchStrategy::PostMerge);
        assert_eq!(post["tags"], serde_json::json!(["a", "b", "c"]));
        assert_eq!(post["queue"], "q2");
        assert_eq!(
            post["container"]["args"],
            serde_json::json!(["a1", "a2", "a3"])
        );
        assert_eq!(
            post["environment"]["nodeSelector"],
            serde_json::json!({"k1": "v1", "k2": "NEW", "k3": "v3"})
        );
        assert_eq!(post["container"]["image"], "new");

        let pre = patched(PatchStrategy::PreMerge);
        assert_eq!(pre["tags"], serde_json::json!(["b", "c", "a"]));
        assert_eq!(pre["queue"], "q1");
        assert_eq!(pre["termination"]["maxRetries"], 1);
        assert_eq!(
            pre["container"]["args"],
            serde_json::json!(["a2", "a3", "a1"])
        );
        assert_eq!(pre["container"]["image"], "base");
        assert_eq!(
            pre["environment"]["nodeSelector"],
            serde_json::json!({"k2": "v2", "k3": "v3", "k1": "v1"})
        );
    }
}
