//! A Polyaxonfile against the agent's values (`--values`): what only the deployment knows.
//! Polyaxon's own `check` verifies neither: a run naming a connection the agent does not
//! have fails when it is scheduled, not when it is written.

use crate::diagnostic::Diagnostic;
use crate::document::locate::{Findings, Target};
use crate::model::V1Polyaxonfile;
use crate::model::agent::AgentValues;
use crate::model::runs::RunView;
use crate::rules;
use crate::yaml::Node;
use crate::yaml::scalar::is_whole_template;
use crate::yaml::tree::{child_pointer, item_pointer};

/// The connection names a run may use: the agent's connections and its artifacts store.
pub fn connection_names(values: &AgentValues) -> Vec<&str> {
    values
        .connections
        .iter()
        .flatten()
        .chain(values.artifacts_store.as_ref())
        .chain(
            values
                .artifacts_store
                .is_none()
                .then_some(values.default_artifacts_store.as_ref())
                .flatten(),
        )
        .filter_map(|c| c.name.as_deref())
        .collect()
}

/// Every connection a run names (`run.connections`, `init[].connection`) must be the agent's.
pub fn connections(run: &RunView<'_>, values: &AgentValues, tree: &Node) -> Vec<Diagnostic> {
    let known = connection_names(values);
    let named = run
        .connections
        .iter()
        .enumerate()
        .map(|(i, name)| (item_pointer(&run.at, "connections", i), name.as_str()))
        .chain(run.init.iter().enumerate().filter_map(|(i, step)| {
            let name = step.connection.as_deref()?;
            Some((
                child_pointer(&item_pointer(&run.at, "init", i), "connection"),
                name,
            ))
        }));
    let mut findings = Findings::new(tree);
    for (pointer, name) in named {
        if known.contains(&name) || is_whole_template(name) {
            continue;
        }
        let help = if known.is_empty() {
            "the agent's values define no connections".to_owned()
        } else {
            format!(
                "the agent's connections are {}",
                known
                    .iter()
                    .map(|k| format!("`{k}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        };
        findings
            .at(
                &rules::AGENT_UNKNOWN_CONNECTION,
                &pointer,
                Target::Value,
                format!("the agent has no connection `{name}`"),
            )
            .help(crate::suggest::after_did_you_mean(
                name,
                known.iter().copied(),
                help,
            ));
    }
    findings.into_vec()
}

/// A file's `namespace` must be one the agent manages.
pub fn namespace(file: &V1Polyaxonfile, values: &AgentValues, tree: &Node) -> Vec<Diagnostic> {
    let Some(namespace) = file.namespace.as_deref() else {
        return Vec::new();
    };
    let managed: Vec<&str> = values
        .namespace
        .as_deref()
        .into_iter()
        .chain(
            values
                .agent
                .as_ref()
                .and_then(|a| a.additional_namespaces.as_deref())
                .into_iter()
                .flatten()
                .map(String::as_str),
        )
        .collect();
    if managed.is_empty() || managed.contains(&namespace) {
        return Vec::new();
    }
    let mut findings = Findings::new(tree);
    findings
        .at(
            &rules::AGENT_UNMANAGED_NAMESPACE,
            "/namespace",
            Target::Value,
            format!("the agent does not manage namespace `{namespace}`"),
        )
        .help(format!(
            "the agent runs operations in {}; use one of them, or add `{namespace}` to `agent.additionalNamespaces`",
            managed
                .iter()
                .map(|m| format!("`{m}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    findings.into_vec()
}
