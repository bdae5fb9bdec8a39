//! `plx check`: bytes -> YAML tree -> typed Polyaxonfile -> diagnostics.
//!
//! Each stage stops the pipeline only when the next one could not say anything useful:
//! unreadable YAML has no tree; a tree with schema errors is not judged by the semantic
//! rules (their findings would only echo the schema errors).

mod kubernetes;
pub mod params;
mod security;
mod semantic;
mod templates;

use crate::agent::values::AgentValues;
use crate::diagnostic::Diagnostic;
use crate::document::{SourceFile, decode, load};
use crate::model::V1Polyaxonfile;
use crate::yaml::{Limits, Node};

/// Everything `check` learned about one file.
#[derive(Debug)]
pub struct Checked {
    pub source: SourceFile,
    pub diagnostics: Vec<Diagnostic>,
    pub tree: Option<Node>,
    /// The typed file, when it decoded without errors.
    pub polyaxonfile: Option<V1Polyaxonfile>,
    /// The agent's Helm values, when the file is a values file that decoded without errors.
    pub agent_values: Option<AgentValues>,
    /// The params bound to the runnable component's inputs and outputs.
    pub bound: Option<crate::params::Bound>,
    /// The component an operation runs by `pathRef` (or vendored `hubRef`), checked on its own.
    pub referenced: Option<Box<Checked>>,
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
    check_bytes("t.yaml", text.into_bytes())
        .diagnostics
        .iter()
        .filter(|d| d.rule.family == family)
        .map(|d| d.rule.code)
        .collect()
}

/// Keys only the agent chart's values have: a file with one of them and no `kind` is the
/// platform team's values file, not a Polyaxonfile.
pub const AGENT_VALUES_KEYS: &[&str] = &[
    "deploymentChart",
    "agent",
    "artifactsStore",
    "defaultArtifactsStore",
    "connections",
    "gateway",
    "externalServices",
];

/// Whether a tree is the agent's Helm values rather than a Polyaxonfile.
pub fn is_agent_values(tree: &Node) -> bool {
    tree.get("kind").is_none() && AGENT_VALUES_KEYS.iter().any(|key| tree.get(key).is_some())
}

/// The rules that judge a typed Polyaxonfile: the specification's semantics, the API server's
/// rules and the security lint for each run, and the agent's values when given. `render`
/// runs them again on the file as its templates resolve.
pub(crate) fn judge(
    polyaxonfile: &V1Polyaxonfile,
    tree: &Node,
    values: Option<&AgentValues>,
) -> Vec<Diagnostic> {
    let mut diagnostics = semantic::check(polyaxonfile, tree);
    diagnostics.extend(kubernetes::namespaces(polyaxonfile, tree));
    let agent_context = values.and_then(AgentValues::pod_security_context);
    for run in crate::model::runs::runs(polyaxonfile) {
        diagnostics.extend(kubernetes::check(&run, tree));
        diagnostics.extend(security::check(&run, tree, agent_context.as_ref()));
        if let Some(values) = values {
            diagnostics.extend(crate::agent::against::connections(&run, values, tree));
        }
    }
    if let Some(values) = values {
        diagnostics.extend(crate::agent::against::namespace(polyaxonfile, values, tree));
    }
    diagnostics
}

/// How long a chain of references may be: real ones are one or two hops, and a bound keeps a
/// generated chain from costing more than it is worth.
const MAX_REFERENCES: usize = 32;

/// The component an operation runs by reference, followed through every `pathRef` (and
/// `hubRef` with `--hub-dir`) and checked as a file of its own; its params are judged with the
/// operation's. `Ok(None)`: no reference, or one `check` leaves to Polyaxon (the hub).
fn follow(
    path: &str,
    tree: &Node,
    context: &Context<'_>,
) -> Result<Option<Checked>, Box<Diagnostic>> {
    use crate::compose::refs::{self, Reference};
    let Some((first, span)) = Reference::of(tree) else {
        return Ok(None);
    };
    let fail_with = |rule: &'static crate::rules::Rule, message: String, help: String| {
        Box::new(Diagnostic::new(rule, message).at(span).help(help))
    };
    let fail =
        |message: String, help: String| fail_with(&crate::rules::REF_UNRESOLVED, message, help);
    let reaches = |reference: &Reference| match reference {
        Reference::Path(_) => true,
        Reference::Hub(_) => context.hub_dir.is_some() || context.rendering,
        Reference::Url(_) | Reference::Dag(_) => context.rendering,
    };
    if !reaches(&first) || path == "-" {
        return Ok(None);
    }
    let sources = refs::Sources {
        hub_dir: context.hub_dir.map(std::path::Path::to_path_buf),
    };
    let start = std::fs::canonicalize(path).map_err(|e| {
        fail(
            format!("cannot follow references from `{path}`: {e}"),
            "check the file from disk".to_owned(),
        )
    })?;
    let mut seen = vec![start.clone()];
    let mut reference = first;
    let mut from = start;
    loop {
        let target = refs::resolve(&reference, &from, &sources, &seen)
            .map_err(|u| fail_with(u.rule, u.message, u.help))?;
        let bytes = crate::document::read::read(&target).map_err(|e| {
            fail(
                format!("cannot read `{}`: {e}", refs::shown(&target)),
                "name a Polyaxonfile of the repository".to_owned(),
            )
        })?;
        let shown = target.display().to_string();
        let (_, target_tree, _) = load::load(&shown, bytes.clone(), Limits::default());
        match target_tree.as_ref().and_then(Reference::of) {
            Some(_) if seen.len() >= MAX_REFERENCES => {
                return Err(fail(
                    format!(
                        "more than {MAX_REFERENCES} references lead from this file to its component"
                    ),
                    "point the operation at the component itself".to_owned(),
                ));
            }
            Some((next, _)) if reaches(&next) => {
                seen.push(target.clone());
                from = target;
                reference = next;
            }
            _ => {
                let mut component = check_with(
                    &shown,
                    bytes,
                    &Context {
                        params: &[],
                        rendering: false,
                        presets: &[],
                        ..*context
                    },
                );
                // Its params are the operation's, judged there.
                component
                    .diagnostics
                    .retain(|d| d.rule.family != crate::rules::Family::Params);
                if component.diagnostics.iter().any(Diagnostic::is_error) {
                    return Err(fail(
                        format!("the component `{shown}` has errors"),
                        format!("`plx check {shown}` shows them"),
                    ));
                }
                return Ok(Some(component));
            }
        }
    }
}

/// Shortcut values Polyaxon refuses (`resources: {cpu: abc}`, `env: {A: 1}`), at their nodes.
pub(crate) fn shortcut_findings(invalid: &[crate::compose::shortcuts::Invalid]) -> Vec<Diagnostic> {
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

/// A dag's operations that run a component by `pathRef`: each must name a file (relative to
/// this one). Polyaxon refuses the dag otherwise.
fn dag_path_refs(path: &str, tree: &Node) -> Vec<Diagnostic> {
    use crate::compose::refs::{self, Reference};
    // A component's dag, or the dag of an operation's inline component.
    let operations: Vec<&Node> = ["/run/operations", "/component/run/operations"]
        .iter()
        .filter_map(|pointer| match &tree.pointer(pointer)?.node.kind {
            crate::yaml::NodeKind::Seq(operations) => Some(operations),
            _ => None,
        })
        .flatten()
        .collect();
    let Ok(from) = std::fs::canonicalize(path) else {
        return Vec::new();
    };
    operations
        .into_iter()
        .filter_map(|operation| {
            let entry = operation.get("pathRef")?;
            let reference = Reference::Path(entry.value.as_str()?.to_owned());
            let unresolved =
                refs::resolve(&reference, &from, &refs::Sources::default(), &[]).err()?;
            Some(
                Diagnostic::new(unresolved.rule, unresolved.message)
                    .at(entry.value.span)
                    .help(unresolved.help),
            )
        })
        .collect()
}

/// Checks one file's bytes. Never panics and never fails: every problem is a diagnostic.
pub fn check_bytes(path: &str, bytes: Vec<u8>) -> Checked {
    check_with(path, bytes, &Context::default())
}

/// Checks one file's bytes in a context: the agent's values, the params.
pub fn check_with(path: &str, bytes: Vec<u8>, context: &Context<'_>) -> Checked {
    let values = context.values;
    let (source, mut tree, mut diagnostics) = load::load(path, bytes, Limits::default());
    if let Some(tree) = tree.as_mut().filter(|_| !context.presets.is_empty()) {
        crate::compose::presets(tree, context.presets);
    }
    let mut checked = Checked {
        source,
        diagnostics: Vec::new(),
        tree: None,
        polyaxonfile: None,
        agent_values: None,
        bound: None,
        referenced: None,
    };
    let Some(tree) = tree else {
        checked.diagnostics = diagnostics;
        return checked;
    };
    if is_agent_values(&tree) {
        let (agent_values, found) = decode::decode_typed::<AgentValues>(&tree);
        let decoded = !found.iter().any(Diagnostic::is_error);
        diagnostics.extend(found);
        if let Some(agent_values) = agent_values.filter(|_| decoded) {
            // Lint what the file says; use what the chart will run with.
            diagnostics.extend(crate::agent::check::check(&agent_values, &tree));
            checked.agent_values = AgentValues::with_chart_defaults(&tree);
            if let Some(merged) = &checked.agent_values {
                diagnostics.extend(crate::agent::check::artifacts_store(merged, &tree));
            }
        }
    } else if let Some(legacy) = semantic::legacy_format(&tree) {
        diagnostics.push(legacy);
    } else {
        let (polyaxonfile, mut found) = decode::decode_polyaxonfile(&tree);
        diagnostics.append(&mut found);
        if let Some(polyaxonfile) = polyaxonfile {
            if !diagnostics.iter().any(Diagnostic::is_error) {
                let (bound, found) = match follow(path, &tree, context) {
                    Ok(Some(component)) => {
                        let bound = match (&component.polyaxonfile, &component.tree) {
                            (Some(file), Some(component_tree)) => params::bind_to(
                                &polyaxonfile,
                                &tree,
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
                    Ok(None) => {
                        params::bind(&polyaxonfile, &tree, context.params, context.rendering)
                    }
                    Err(unresolved) => (crate::params::Bound::default(), vec![*unresolved]),
                };
                diagnostics.extend(found);
                diagnostics.extend(dag_path_refs(path, &tree));
                diagnostics.extend(templates::check(&tree, &checked.source.text));
                checked.bound = Some(bound);
                // Judge what runs: shortcuts resolved into the run, the runPatch applied.
                let referenced = checked.referenced.as_ref().and_then(|c| c.tree.as_ref());
                match crate::compose::operation(&tree, referenced) {
                    Err(invalid) => diagnostics.extend(shortcut_findings(&invalid)),
                    Ok(None) => diagnostics.extend(judge(&polyaxonfile, &tree, values)),
                    Ok(Some(composed)) => {
                        let (composed_file, found) = decode::decode_polyaxonfile(&composed);
                        match composed_file.filter(|_| !found.iter().any(Diagnostic::is_error)) {
                            Some(composed_file) => diagnostics.extend(
                                judge(&composed_file, &composed, values)
                                    .into_iter()
                                    // A referenced component's findings are its file's.
                                    .filter(|d| !d.span.is_some_and(|s| s.is_elsewhere())),
                            ),
                            None => diagnostics.extend(found),
                        }
                    }
                }
            }
            checked.polyaxonfile = Some(polyaxonfile);
        }
    }
    diagnostics.sort_by_key(|d| (d.span.map(|s| s.start), d.rule.code));
    checked.diagnostics = diagnostics;
    checked.tree = Some(tree);
    checked
}
