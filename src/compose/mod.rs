//! Operations composed with the component they run, as Polyaxon compiles them: a `pathRef`
//! (or a vendored `hubRef`) followed to its file, the operation's fields, `runPatch` and the
//! presets laid over the component with their `patchStrategy`.

pub mod patch;
pub mod refs;

use crate::model::PatchStrategy;
use crate::yaml::{Entry, Node, NodeKind, Span, Style};

const REFERENCE_KEYS: &[&str] = &["pathRef", "hubRef", "urlRef", "dagRef"];

/// An operation as it runs: its referenced component (when followed) in place under
/// `component`, and its `runPatch` laid over the component's `run` with its `patchStrategy`
/// (`post_merge` unless it says otherwise). `None` when there is nothing to compose.
pub fn operation(tree: &Node, referenced: Option<&Node>) -> Option<Node> {
    let has_patch = tree.get("runPatch").is_some();
    if referenced.is_none() && !has_patch {
        return None;
    }
    let mut composed = tree.clone();
    let NodeKind::Map(entries) = &mut composed.kind else {
        return None;
    };
    if let Some(component) = referenced {
        entries.retain(|e| !REFERENCE_KEYS.contains(&e.key.as_str()));
        entries.push(Entry {
            key: "component".to_owned(),
            key_span: Span::default(),
            key_style: Style::Plain,
            value: patch::foreign(component),
        });
    }
    let strategy = match tree.get("patchStrategy").and_then(|e| e.value.as_str()) {
        Some("replace") => PatchStrategy::Replace,
        Some("isnull") => PatchStrategy::Isnull,
        Some("pre_merge") => PatchStrategy::PreMerge,
        _ => PatchStrategy::PostMerge,
    };
    let run_patch = entries
        .iter()
        .position(|e| e.key == "runPatch")
        .map(|index| entries.remove(index).value);
    if let Some(run_patch) = run_patch {
        let run = entries
            .iter_mut()
            .find(|e| e.key == "component")
            .and_then(|component| match &mut component.value.kind {
                NodeKind::Map(inner) => inner.iter_mut().find(|e| e.key == "run"),
                _ => None,
            });
        match run {
            Some(run) => patch::patch(&mut run.value, &run_patch, "run", strategy),
            // An operation with a `run` of its own patches that.
            None => {
                if let Some(run) = entries.iter_mut().find(|e| e.key == "run") {
                    patch::patch(&mut run.value, &run_patch, "run", strategy);
                }
            }
        }
    }
    Some(composed)
}
