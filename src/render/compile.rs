//! The run as Polyaxon resolves it before it becomes manifests: templates rendered with the
//! params and globals, the result typed and judged again by every rule (a param may make an
//! image `:latest` or a port out of range), and inputs with `toEnv` added as variables.

use k8s_openapi::api::core::v1::EnvVar;

use super::{Input, Judge};
use crate::diagnostic::Diagnostic;
use crate::model::runnable;
use crate::model::{V1Polyaxonfile, V1Run};
use crate::params::Bound;
use crate::rules;
use crate::template::render::{self as templates, RunIdentity};
use crate::yaml::Node;

/// Who and where the run is, for `globals` (`--uuid`, `--owner`, `--project`).
#[derive(Clone, Debug)]
pub struct Identity {
    /// `None`: a UUIDv5 of the run's name, stable across renders.
    pub uuid: Option<String>,
    pub owner: String,
    pub project: String,
}

impl Default for Identity {
    fn default() -> Self {
        Self {
            uuid: None,
            owner: "plx".to_owned(),
            project: "default".to_owned(),
        }
    }
}

/// A file as it will run, and the findings that only its resolved form has.
pub struct Compiled {
    pub file: V1Polyaxonfile,
    pub tree: Node,
    pub diagnostics: Vec<Diagnostic>,
}

pub struct Target<'a> {
    pub name: &'a str,
    pub namespace: Option<&'a str>,
    pub prefix: &'a str,
    pub identity: &'a Identity,
    pub values: Option<&'a crate::model::agent::AgentValues>,
}

/// `None` when the file has nothing to resolve (no templates, no `toEnv` params) and was not
/// composed (a composed file is judged as it runs).
pub fn compile(
    input: &Input<'_>,
    target: &Target<'_>,
    judge: Judge<'_>,
) -> Result<Option<Compiled>, Vec<Diagnostic>> {
    let (file, tree) = (input.file, input.tree);
    let Some(bound) = input.bound else {
        return Ok(None);
    };
    let mut templated = Vec::new();
    if let Some(level) = tree.pointer(target.prefix) {
        crate::template::find(level.node, &mut templated);
    }
    let to_env = bound.ios.iter().any(|item| item.io.to_env.is_some());
    if templated.is_empty() && !to_env && !input.composed {
        return Ok(None);
    }
    let (run_file, _) = runnable(file);
    let run = identity(run_file, target);
    let connections = connection_schemas(target.values);
    let context = templates::context(bound, templates::globals(&run), connections)
        .map_err(|message| vec![Diagnostic::new(&rules::TPL_UNDEFINED_NAME, message)])?;
    let env = templates::environment();
    let resolved = templates::substitute(tree, target.prefix, &env, &context).map_err(|failures| {
        failures
            .into_iter()
            .map(|failure| {
                Diagnostic::new(
                    &rules::TPL_UNDEFINED_NAME,
                    format!("this template does not render: {}", first_line(&failure.message)),
                )
                .at(failure.node.span)
                .help("every name it reads must have a value: pass the params it needs (`-P name=value`)")
            })
            .collect::<Vec<_>>()
    })?;
    let (resolved_file, mut diagnostics) =
        crate::document::decode::decode_typed::<crate::model::V1Polyaxonfile>(&resolved);
    let Some(mut resolved_file) =
        resolved_file.filter(|_| !diagnostics.iter().any(Diagnostic::is_error))
    else {
        return Err(diagnostics);
    };
    diagnostics.extend(judge(&resolved_file, &resolved));
    add_to_env(&mut resolved_file, target.prefix, bound);
    Ok(Some(Compiled {
        file: resolved_file,
        tree: resolved,
        diagnostics,
    }))
}

fn first_line(text: &str) -> &str {
    text.lines().next().unwrap_or(text)
}

fn identity(run_file: &V1Polyaxonfile, target: &Target<'_>) -> RunIdentity {
    let uuid = target.identity.uuid.clone().unwrap_or_else(|| {
        uuid::Uuid::new_v5(
            &uuid::Uuid::NAMESPACE_OID,
            format!("plx/{}", target.name).as_bytes(),
        )
        .simple()
        .to_string()
    });
    let (ports, service_prefix) = match &run_file.run {
        Some(V1Run::Service(service)) => {
            let ports = service
                .ports
                .as_ref()
                .and_then(|p| p.value().cloned())
                .unwrap_or_default();
            let rewrite = service
                .rewrite_path
                .as_ref()
                .and_then(|r| r.value().copied())
                == Some(true);
            let external = service
                .is_external
                .as_ref()
                .and_then(|r| r.value().copied())
                == Some(true);
            let prefix = match (rewrite, external) {
                (false, false) => "services/v1",
                (true, false) => "rewrite-services/v1",
                (false, true) => "external/v1",
                (true, true) => "rewrite-external/v1",
            };
            (Some(ports), prefix)
        }
        _ => (None, "services/v1"),
    };
    RunIdentity {
        name: target.name.to_owned(),
        uuid,
        owner: target.identity.owner.clone(),
        project: target.identity.project.clone(),
        namespace: target.namespace.map(str::to_owned),
        ports,
        service_prefix,
    }
}

/// `connections` and `init` in templates: each connection's `schema` by name.
fn connection_schemas(values: Option<&crate::model::agent::AgentValues>) -> serde_json::Value {
    let mut out = serde_json::Map::new();
    if let Some(values) = values {
        for connection in values.catalog() {
            if let Some(name) = &connection.name {
                out.insert(
                    name.clone(),
                    connection
                        .schema
                        .clone()
                        .unwrap_or_else(|| serde_json::json!({})),
                );
            }
        }
    }
    serde_json::Value::Object(out)
}

/// Inputs and outputs with `toEnv: NAME` become a variable of the main container, their value
/// as text (JSON for numbers, lists and mappings), as Polyaxon's converter adds them.
fn add_to_env(file: &mut V1Polyaxonfile, prefix: &str, bound: &Bound) {
    let run = if prefix.is_empty() {
        file.run.as_mut()
    } else {
        file.component.as_mut().and_then(|c| c.run.as_mut())
    };
    let container = match run {
        Some(V1Run::Job(job)) => &mut job.container,
        Some(V1Run::Service(service)) => &mut service.container,
        _ => return,
    };
    for item in &bound.ios {
        let (Some(name), Some(value)) = (
            &item.io.to_env,
            item.value.as_ref().filter(|v| !v.is_null()),
        ) else {
            continue;
        };
        let value = match value {
            serde_json::Value::String(text) => text.clone(),
            other => other.to_string(),
        };
        container
            .get_or_insert_with(Default::default)
            .env
            .get_or_insert_with(Vec::new)
            .push(EnvVar {
                name: name.clone(),
                value: Some(value),
                value_from: None,
            });
    }
}
