//! `plx check`: bytes -> YAML tree -> typed Polyaxonfile -> diagnostics.
//!
//! Each stage stops the pipeline only when the next one could not say anything useful:
//! unreadable YAML has no tree; a tree with schema errors is not judged by the semantic
//! rules (their findings would only echo the schema errors).

mod dag;
mod kubernetes;
mod operators;
pub mod params;
mod refs;
mod security;
mod semantic;
mod templates;
mod values;

use crate::diagnostic::Diagnostic;
use crate::document::{SourceFile, decode, load};
use crate::model::agent::AgentValues;
use crate::model::{Composed, V1Polyaxonfile};
use crate::yaml::{Limits, Node};

/// Everything `check` learned about one file.
#[derive(Debug)]
pub struct Checked {
    pub source: SourceFile,
    pub diagnostics: Vec<Diagnostic>,
    pub tree: Option<Node>,
    /// The typed file, when it decoded without errors.
    pub polyaxonfile: Option<V1Polyaxonfile>,
    /// The file as it runs, for `render`.
    pub composition: Composition,
    /// The params bound to the runnable component's inputs and outputs.
    pub bound: Option<crate::params::Bound>,
    /// The component an operation runs by `pathRef` (or vendored `hubRef`), checked on its own.
    pub referenced: Option<Box<Checked>>,
}

/// What a Polyaxonfile runs as: as written, or composed (an operation with its component in
/// place, its shortcuts and `runPatch` applied), or nothing when composing it failed (the
/// findings say why).
#[derive(Debug)]
pub enum Composition {
    AsWritten,
    Composed(Box<Composed>),
    Failed(Vec<Diagnostic>),
}

/// What a file is checked with besides its bytes.
#[derive(Clone, Copy, Debug, Default)]
pub struct Context<'a> {
    /// The agent's Helm values (`--values`): connections and namespace must be the agent's.
    pub values: Option<&'a AgentValues>,
    /// `-P` and `--params-file`.
    pub params: &'a [crate::params::Given],
    /// For `render`: a required input without a value is an error, and a component that
    /// cannot be followed (a `hubRef` without `--hub-dir`) too.
    pub rendering: bool,
    /// Where vendored hub components are (`--hub-dir`).
    pub hub_dir: Option<&'a std::path::Path>,
    /// Presets laid over the file before it is judged (`render -f`).
    pub presets: &'a [Node],
}

impl Checked {
    /// The service accounts the file's runs name (`environment.serviceAccountName`), with
    /// the file's `namespace`; `default` is left out (plx grants it nothing).
    pub fn service_accounts(&self) -> Vec<(Option<String>, String)> {
        let Some(file) = &self.polyaxonfile else {
            return Vec::new();
        };
        crate::model::runs::runs(file)
            .iter()
            .filter_map(|run| run.environment?.service_account_name.clone())
            .filter(|name| name != "default")
            .map(|name| (file.namespace.clone(), name))
            .collect()
    }
}

/// The codes of a text's findings in one rule family (`K8S`, `SEC`), for unit tests.
#[cfg(test)]
pub(crate) fn family_codes(text: String, family: crate::rules::Family) -> Vec<&'static str> {
    check_bytes("t.yaml", text.into_bytes(), &Context::default())
        .diagnostics
        .iter()
        .filter(|d| d.rule.family == family)
        .map(|d| d.rule.code)
        .collect()
}

/// The rules that judge a typed Polyaxonfile: the specification's semantics, the API server's
/// rules and the security lint for each run, and the agent's values when given. `render`
/// runs them again on the file as its templates resolve.
pub fn judge(
    polyaxonfile: &V1Polyaxonfile,
    tree: &Node,
    values: Option<&AgentValues>,
) -> Vec<Diagnostic> {
    let unconverted = kubernetes::unconverted(polyaxonfile, tree);
    if unconverted.is_empty() {
        return judge_kept(polyaxonfile, tree, values);
    }
    // The rules judge what Polyaxon keeps: without the keys Kubernetes drops.
    let mut kept = tree.clone();
    for (pointer, _) in &unconverted {
        kept.remove(pointer);
    }
    let mut diagnostics: Vec<Diagnostic> = unconverted.into_iter().map(|(_, d)| d).collect();
    match decode::decode_typed::<V1Polyaxonfile>(&kept) {
        (Some(file), found) if !found.iter().any(Diagnostic::is_error) => {
            diagnostics.extend(judge_kept(&file, &kept, values));
        }
        // Without a key, an object can miss a required field: the schema said so already.
        _ => diagnostics.extend(judge_kept(polyaxonfile, tree, values)),
    }
    diagnostics
}

fn judge_kept(
    polyaxonfile: &V1Polyaxonfile,
    tree: &Node,
    values: Option<&AgentValues>,
) -> Vec<Diagnostic> {
    let mut diagnostics = semantic::check(polyaxonfile, tree);
    diagnostics.extend(dag::check(polyaxonfile, tree));
    diagnostics.extend(operators::check(polyaxonfile, tree));
    diagnostics.extend(kubernetes::namespaces(polyaxonfile, tree));
    let agent_context = values.and_then(AgentValues::pod_security_context);
    for run in crate::model::runs::runs(polyaxonfile) {
        diagnostics.extend(kubernetes::check(&run, tree));
        diagnostics.extend(security::check(&run, tree, agent_context.as_ref()));
        if let Some(values) = values {
            diagnostics.extend(values::connections(&run, values, tree));
        }
    }
    if let Some(values) = values {
        diagnostics.extend(values::namespace(polyaxonfile, values, tree));
    }
    diagnostics
}

/// Checks a Polyaxonfile's bytes. Never panics and never fails: every problem is a
/// diagnostic.
pub fn check_bytes(path: &str, bytes: Vec<u8>, context: &Context<'_>) -> Checked {
    let (source, tree, diagnostics) = load::load(path, bytes, Limits::default());
    polyaxonfile(source, tree, diagnostics, context)
}

/// Checks a loaded Polyaxonfile (or finds it is a Polyaxon 0.x file); `diagnostics` are the
/// loader's.
pub fn polyaxonfile(
    source: SourceFile,
    tree: Option<Node>,
    mut diagnostics: Vec<Diagnostic>,
    context: &Context<'_>,
) -> Checked {
    let mut checked = Checked {
        source,
        diagnostics: Vec::new(),
        tree: None,
        polyaxonfile: None,
        composition: Composition::AsWritten,
        bound: None,
        referenced: None,
    };
    let Some(mut tree) = tree else {
        checked.diagnostics = diagnostics;
        return checked;
    };
    if !context.presets.is_empty() {
        crate::compose::presets(&mut tree, context.presets);
    }
    if let Some(legacy) = semantic::legacy_format(&tree) {
        diagnostics.push(legacy);
    } else {
        let (polyaxonfile, found) = decode::decode_typed::<V1Polyaxonfile>(&tree);
        diagnostics.extend(found);
        if let Some(polyaxonfile) = polyaxonfile {
            if !diagnostics.iter().any(Diagnostic::is_error) {
                diagnostics.extend(judge_file(&mut checked, &polyaxonfile, &tree, context));
            } else {
                checked.composition = compose(&tree, None);
            }
            checked.polyaxonfile = Some(polyaxonfile);
        }
    }
    diagnostics.sort_by_key(|d| (d.span.map(|s| s.start), d.rule.code));
    checked.diagnostics = diagnostics;
    checked.tree = Some(tree);
    checked
}

/// Everything a decoded Polyaxonfile without errors is judged by: its references, params
/// and templates, then the rules, on the file as it runs (composed).
fn judge_file(
    checked: &mut Checked,
    polyaxonfile: &V1Polyaxonfile,
    tree: &Node,
    context: &Context<'_>,
) -> Vec<Diagnostic> {
    let path = checked.source.path.clone();
    let (bound, mut diagnostics) = match refs::follow(&path, tree, context) {
        Ok(Some(component)) => {
            let bound = match (&component.polyaxonfile, &component.tree) {
                (Some(file), Some(component_tree)) => params::bind_to(
                    polyaxonfile,
                    tree,
                    Some(params::Referenced {
                        file,
                        tree: component_tree,
                    }),
                    context.params,
                    context.rendering,
                ),
                _ => (crate::params::Bound::default(), Vec::new()),
            };
            checked.referenced = Some(Box::new(component));
            bound
        }
        Ok(None) => params::bind(polyaxonfile, tree, context.params, context.rendering),
        Err(unresolved) => (crate::params::Bound::default(), vec![*unresolved]),
    };
    let (dag_components, found) = refs::dag_operations(&path, tree, context);
    diagnostics.extend(found);
    diagnostics.extend(templates::check(tree, &checked.source.text));
    checked.bound = Some(bound);
    // Judge what runs: shortcuts resolved into the run, the runPatch applied.
    let referenced = checked.referenced.as_ref().and_then(|c| c.tree.as_ref());
    checked.composition = compose(tree, referenced);
    if let Some(composition) = compose_dag_operations(&checked.composition, tree, &dag_components) {
        checked.composition = composition;
    }
    match &checked.composition {
        Composition::AsWritten => diagnostics.extend(judge(polyaxonfile, tree, context.values)),
        Composition::Composed(composed) => diagnostics.extend(
            judge(&composed.file, &composed.tree, context.values)
                .into_iter()
                // A referenced component's findings are its file's.
                .filter(|d| !d.span.is_some_and(|s| s.is_elsewhere())),
        ),
        Composition::Failed(found) => diagnostics.extend(found.iter().cloned()),
    }
    diagnostics
}

/// The file as it runs: its component in place, its shortcuts and `runPatch` applied.
fn compose(tree: &Node, referenced: Option<&Node>) -> Composition {
    match crate::compose::operation(tree, referenced) {
        Err(invalid) => Composition::Failed(shortcut_findings(&invalid)),
        Ok(None) => Composition::AsWritten,
        Ok(Some(composed)) => decoded(composed),
    }
}

/// The file as it runs with its dags' operations composed too (each with the component it
/// runs by `dagRef`, `pathRef` or inline), when any of them needs it.
fn compose_dag_operations(
    composition: &Composition,
    tree: &Node,
    followed: &[(String, Node)],
) -> Option<Composition> {
    let base = match composition {
        Composition::AsWritten => tree,
        Composition::Composed(composed) => &composed.tree,
        Composition::Failed(_) => return None,
    };
    // Most files have no dag: no copy of the tree to find that out.
    if crate::compose::dag_operation_nodes(base).is_empty() {
        return None;
    }
    let mut composed = base.clone();
    match crate::compose::dag_operations(&mut composed, followed) {
        Ok(false) => None,
        Err(invalid) => Some(Composition::Failed(shortcut_findings(&invalid))),
        Ok(true) => Some(decoded(composed)),
    }
}

/// A composed tree, typed again.
fn decoded(tree: Node) -> Composition {
    let (file, found) = decode::decode_typed::<V1Polyaxonfile>(&tree);
    match file.filter(|_| !found.iter().any(Diagnostic::is_error)) {
        Some(file) => Composition::Composed(Box::new(Composed { file, tree })),
        None => Composition::Failed(found),
    }
}

/// Shortcut values Polyaxon refuses (`resources: {cpu: abc}`, `env: {A: 1}`), at their nodes.
fn shortcut_findings(invalid: &[crate::compose::shortcuts::Invalid]) -> Vec<Diagnostic> {
    invalid
        .iter()
        .map(|i| {
            let mut diagnostic =
                Diagnostic::new(&crate::rules::SCH_INVALID_VALUE, i.message.clone()).help(
                    "see the shortcuts in `docs/params.md`, or write the run in full under `run`",
                );
            if !i.span.is_elsewhere() {
                diagnostic = diagnostic.at(i.span);
            }
            diagnostic
        })
        .collect()
}
