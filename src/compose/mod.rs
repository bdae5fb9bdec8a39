//! Operations composed with the component they run, as Polyaxon compiles them: a `pathRef`
//! (or a vendored `hubRef`) followed to its file, the operation's fields, `runPatch` and the
//! presets laid over the component with their `patchStrategy`.

pub mod patch;
pub mod refs;
pub mod shortcuts;

use crate::model::PatchStrategy;
use crate::yaml::tree::{child_pointer, item_pointer};
use crate::yaml::{Entry, Node, NodeKind, Span, Style};

const REFERENCE_KEYS: &[&str] = &["pathRef", "hubRef", "urlRef", "dagRef"];

/// A level's `patchStrategy` (`post_merge` unless it says otherwise).
fn strategy(level: &Node) -> PatchStrategy {
    match level.get("patchStrategy").and_then(|e| e.value.as_str()) {
        Some("replace") => PatchStrategy::Replace,
        Some("isnull") => PatchStrategy::Isnull,
        Some("pre_merge") => PatchStrategy::PreMerge,
        _ => PatchStrategy::PostMerge,
    }
}

/// A file as it runs: its referenced component (when followed) in place under `component`,
/// the component's shortcuts and then the operation's resolved into the run, and the
/// operation's `runPatch` laid over it, each with its level's `patchStrategy`. `None` when
/// there is nothing to compose.
pub fn operation(
    tree: &Node,
    referenced: Option<&Node>,
) -> Result<Option<Node>, Vec<shortcuts::Invalid>> {
    let has_shortcut = |level: &Node| shortcuts::KEYS.iter().any(|k| level.get(k).is_some());
    let inline = tree.get("component").map(|e| &e.value);
    let needed = referenced.is_some()
        || tree.get("runPatch").is_some()
        || has_shortcut(tree)
        || inline.is_some_and(has_shortcut);
    if !needed {
        return Ok(None);
    }
    let op_strategy = strategy(tree);
    let mut composed = tree.clone();
    let NodeKind::Map(entries) = &mut composed.kind else {
        return Ok(None);
    };
    if let Some(component) = referenced {
        entries.retain(|e| !REFERENCE_KEYS.contains(&e.key.as_str()));
        entries.push(Entry {
            key: "component".into(),
            key_span: Span::ELSEWHERE,
            key_style: Style::Plain,
            value: patch::foreign(component),
        });
    }
    let run_patch = entries
        .iter()
        .position(|e| e.key == "runPatch")
        .map(|index| entries.remove(index).value);
    let has_component = entries.iter().any(|e| e.key == "component");
    let invalid = if has_component {
        component_shortcuts(&mut composed, op_strategy)
    } else {
        shortcuts::apply(&mut composed, op_strategy)
            .err()
            .unwrap_or_default()
    };
    if !invalid.is_empty() {
        return Err(invalid);
    }
    if let Some(run_patch) = run_patch {
        let target = match component_of(&mut composed) {
            Some(component) => run_of(component),
            None => run_of(&mut composed),
        };
        if let Some(run) = target {
            patch::patch(run, &run_patch, "run", op_strategy);
        }
    }
    Ok(Some(composed))
}

/// Where a file's dags hold their operations: its own run, or an operation's inline
/// component's.
const DAG_RUNS: [&str; 2] = ["/run", "/component/run"];

/// The operations of the file's dags, each with its pointer.
pub fn dag_operation_nodes(tree: &Node) -> Vec<(String, &Node)> {
    let mut out = Vec::new();
    for run in DAG_RUNS {
        let Some(NodeKind::Seq(operations)) = tree
            .pointer(&child_pointer(run, "operations"))
            .map(|l| &l.node.kind)
        else {
            continue;
        };
        for (index, operation) in operations.iter().enumerate() {
            out.push((item_pointer(run, "operations", index), operation));
        }
    }
    out
}

/// The operations of the file's dags composed in place, each as [`operation`] composes a
/// file: with the component it runs, which is `followed` (by the operation's pointer) or the
/// dag's own component its `dagRef` names. Whether anything changed.
pub fn dag_operations(
    tree: &mut Node,
    followed: &[(String, Node)],
) -> Result<bool, Vec<shortcuts::Invalid>> {
    let mut changed = false;
    let mut invalid = Vec::new();
    for run_pointer in DAG_RUNS {
        let Some(run) = descend(tree, run_pointer) else {
            continue;
        };
        let components = run
            .get("components")
            .map(|e| e.value.clone())
            .unwrap_or(Node {
                kind: NodeKind::Seq(Vec::new()),
                span: Span::ELSEWHERE,
            });
        let Some(NodeKind::Seq(operations)) = value_mut(run, "operations").map(|n| &mut n.kind)
        else {
            continue;
        };
        for (index, operation) in operations.iter_mut().enumerate() {
            if !matches!(operation.kind, NodeKind::Map(_)) {
                continue;
            }
            let pointer = item_pointer(run_pointer, "operations", index);
            let referenced = followed
                .iter()
                .find(|(at, _)| *at == pointer)
                .map(|(_, component)| component)
                .or_else(|| dag_component(operation, &components));
            match self::operation(operation, referenced) {
                Ok(Some(composed)) => {
                    *operation = composed;
                    changed = true;
                }
                Ok(None) => {}
                Err(mut found) => invalid.append(&mut found),
            }
        }
    }
    if invalid.is_empty() {
        Ok(changed)
    } else {
        Err(invalid)
    }
}

/// The dag's component an operation's `dagRef` names.
fn dag_component<'a>(operation: &Node, components: &'a Node) -> Option<&'a Node> {
    let name = operation.get("dagRef")?.value.as_str()?;
    let NodeKind::Seq(components) = &components.kind else {
        return None;
    };
    components
        .iter()
        .find(|c| c.get("name").and_then(|e| e.value.as_str()) == Some(name))
        .filter(|c| matches!(c.kind, NodeKind::Map(_)))
}

/// The node at a pointer of plain keys (`/component/run`), to change it.
fn descend<'a>(node: &'a mut Node, pointer: &str) -> Option<&'a mut Node> {
    pointer
        .split('/')
        .skip(1)
        .try_fold(node, |node, key| value_mut(node, key))
}

fn value_mut<'a>(node: &'a mut Node, key: &str) -> Option<&'a mut Node> {
    match &mut node.kind {
        NodeKind::Map(entries) => entries
            .iter_mut()
            .find(|e| e.key == key)
            .map(|e| &mut e.value),
        _ => None,
    }
}

/// The shortcuts of an operation with a component: the component's own, then the
/// operation's, which apply to the component's run after its own. What Polyaxon refuses.
fn component_shortcuts(composed: &mut Node, op_strategy: PatchStrategy) -> Vec<shortcuts::Invalid> {
    let mut invalid = Vec::new();
    let component = component_of(composed).expect("the caller found it");
    let own = strategy(component);
    if let Err(mut found) = shortcuts::apply(component, own) {
        invalid.append(&mut found);
    }
    let mut moved: Vec<Entry> = Vec::new();
    entries_of(composed).retain(|e| {
        let shortcut = shortcuts::KEYS.contains(&e.key.as_str());
        if shortcut {
            moved.push(e.clone());
        }
        !shortcut
    });
    if moved.is_empty() {
        return invalid;
    }
    let component = component_of(composed).expect("the caller found it");
    let mut operation_level = Node {
        kind: NodeKind::Map(moved),
        span: Span::ELSEWHERE,
    };
    if let (Some(run), NodeKind::Map(level)) = (component.get("run"), &mut operation_level.kind) {
        level.push(run.clone());
    }
    if let Err(mut found) = shortcuts::apply(&mut operation_level, op_strategy) {
        invalid.append(&mut found);
    }
    if let (Some(run), NodeKind::Map(level)) =
        (operation_level.get("run").cloned(), &mut component.kind)
    {
        match level.iter_mut().find(|e| e.key == "run") {
            Some(existing) => *existing = run,
            None => level.push(run),
        }
    }
    invalid
}

fn entries_of(node: &mut Node) -> &mut Vec<Entry> {
    match &mut node.kind {
        NodeKind::Map(entries) => entries,
        _ => unreachable!("a file's top level is a mapping"),
    }
}

fn component_of(node: &mut Node) -> Option<&mut Node> {
    entries_of(node)
        .iter_mut()
        .find(|e| e.key == "component")
        .map(|e| &mut e.value)
}

fn run_of(node: &mut Node) -> Option<&mut Node> {
    value_mut(node, "run")
}

/// Presets (`-f preset.yaml`, in order) laid over the file, each with its own
/// `patchStrategy`; a preset's `runPatch` is merged into the file's, which applies it later.
pub fn presets(tree: &mut Node, presets: &[Node]) {
    const NOT_PATCHED: &[&str] = &["version", "kind", "isPreset", "patchStrategy"];
    for preset in presets {
        let strategy = strategy(preset);
        let Some(preset_entries) = preset.entries() else {
            continue;
        };
        let entries = entries_of(tree);
        for entry in preset_entries {
            if NOT_PATCHED.contains(&entry.key.as_str()) {
                continue;
            }
            match entries.iter_mut().find(|e| e.key == entry.key) {
                Some(existing) => patch::patch(
                    &mut existing.value,
                    &patch::foreign(&entry.value),
                    &entry.key,
                    strategy,
                ),
                None => entries.push(Entry {
                    key: entry.key.clone(),
                    key_span: Span::ELSEWHERE,
                    key_style: entry.key_style,
                    value: patch::foreign(&entry.value),
                }),
            }
        }
    }
}
