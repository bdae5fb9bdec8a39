//! Polyaxonfile -> plain Kubernetes manifests (k8s-openapi objects), as `kubectl apply` takes
//! them: a Pod, a Deployment (services with `replicas`) or a Job, and a Service for ports.
//! The mapping is documented in `docs/render.md`.

mod compile;
mod connections;
mod dask;
mod init;
mod kubeflow;
mod names;
mod ray;
mod refuse;
mod workload;

use std::collections::BTreeMap;

use serde::Serialize;

use crate::diagnostic::Diagnostic;
use crate::model::{V1Job, V1Polyaxonfile, V1Run, V1Service, runnable};
use crate::params::Bound;
use crate::yaml::{Node, Span};

pub use compile::Identity;

/// What the user asked for on the command line.
#[derive(Clone, Debug, Default)]
pub struct RenderOptions {
    pub namespace: Option<String>,
    pub name: Option<String>,
    /// The agent's Helm values (`--values`), which decide where and as whom runs execute.
    pub agent: Option<AgentOptions>,
    /// The run's identity for `globals` in templates.
    pub identity: Identity,
    /// `plx.toml`'s `[service-accounts]`: run kind -> the account a run gets when its file
    /// names none.
    pub default_service_accounts: BTreeMap<String, String>,
}

/// The service account the agent chart creates for runs (`runs-sa.yaml`).
pub fn runs_service_account(release: &str) -> String {
    format!("{release}-polyaxon-runs-sa")
}

#[derive(Clone, Debug)]
pub struct AgentOptions {
    pub values: crate::model::agent::AgentValues,
    /// The agent's Helm release name: the chart names the runs' account after it.
    pub release: String,
}

impl AgentOptions {
    pub fn runs_service_account(&self) -> String {
        runs_service_account(&self.release)
    }
}

/// What a run renders from: the file as it runs (composed, or as written), the params bound
/// to its inputs, and the file's path (its stem names the objects when nothing else does).
pub struct Input<'a> {
    pub file: &'a V1Polyaxonfile,
    pub tree: &'a Node,
    /// Whether `file` was composed (a referenced component, shortcuts, `runPatch`).
    pub composed: bool,
    pub bound: Option<&'a Bound>,
    pub path: &'a str,
}

/// The rules a run is judged by again once its templates resolve (a param may make an image
/// `:latest` or a port out of range): the findings the resolved file has that the written
/// one did not.
pub type Judge<'a> = &'a dyn Fn(&V1Polyaxonfile, &Node) -> Vec<Diagnostic>;

/// The rendered objects, in the order Helm installs kinds (Services before workloads).
#[derive(Debug)]
pub struct Rendered {
    /// The objects' name.
    pub name: String,
    pub namespace: Option<String>,
    pub objects: Vec<serde_json::Value>,
    /// Warnings about parts of the file that have no plain-Kubernetes form.
    pub warnings: Vec<Diagnostic>,
    /// The service account the file names for its run (not `default`), for the RBAC the
    /// caller writes with it.
    pub account: Option<NamedAccount>,
}

/// A service account a run names, with where it names it.
#[derive(Debug)]
pub struct NamedAccount {
    pub name: String,
    pub span: Span,
}

/// What a run renders to: a job or a service. Every other run kind is refused first.
enum Renderable<'a> {
    Job(&'a V1Job),
    Service(&'a V1Service),
    /// A tfjob, pytorchjob, mpijob, raycluster or daskcluster.
    Distributed(&'a V1Run),
}

/// A replica of a distributed run: the operator's name for its role (a Ray worker group's is
/// the file's), and the replica as completed (connections, init steps, the agent's defaults).
pub struct Role {
    pub name: String,
    pub replica: crate::model::V1Replica,
}

/// Renders a run. The caller must only call this for files without errors.
pub fn render(
    input: &Input<'_>,
    options: &RenderOptions,
    judge: Judge<'_>,
) -> Result<Rendered, Vec<Diagnostic>> {
    let (written_run, prefix) = runnable(input.file);
    let name = match &options.name {
        Some(name) => name.clone(),
        None => names::default_name(
            input.file.name.as_deref().or(written_run.name.as_deref()),
            input.path,
        ),
    };
    let values = options.agent.as_ref().map(|a| &a.values);
    let namespace = options
        .namespace
        .as_deref()
        .or(input.file.namespace.as_deref())
        .or(values.and_then(|v| v.namespace.as_deref()));
    let compiled = compile::compile(
        input,
        &compile::Target {
            name: &name,
            namespace,
            prefix,
            identity: &options.identity,
            values,
        },
        judge,
    )?;
    let (file, tree) = match &compiled {
        Some(compiled) => (&compiled.file, &compiled.tree),
        None => (input.file, input.tree),
    };
    let mut warnings: Vec<Diagnostic> = compiled
        .as_ref()
        .map(|c| c.diagnostics.clone())
        .unwrap_or_default();
    if warnings.iter().any(Diagnostic::is_error) {
        return Err(warnings);
    }
    let (run_file, prefix) = runnable(file);
    let renderable = refuse::renderable(file, run_file, prefix, tree, values)?;
    if let Some(refusal) = refuse::object_name(run_file, &name) {
        return Err(vec![refusal]);
    }
    warnings.extend(refuse::ignored_sections(tree));
    warnings.extend(refuse::operator_decides(run_file, prefix, tree));
    let context = workload::Context {
        name: &name,
        namespace,
        termination: file.termination.as_ref().or(run_file.termination.as_ref()),
        agent_security_context: options
            .agent
            .as_ref()
            .and_then(|agent| agent.values.pod_security_context()),
    };
    let (objects, environment) = workload(renderable, &context, options);
    // `default` is the namespace's own account (SEC012): plx grants it nothing.
    let account = environment
        .as_ref()
        .and_then(|e| e.service_account_name.clone())
        .filter(|account| account != "default")
        .map(|account| NamedAccount {
            name: account,
            span: tree
                .pointer(&format!("{prefix}/run/environment/serviceAccountName"))
                .map(|l| l.node.span)
                .unwrap_or_default(),
        });
    Ok(Rendered {
        namespace: namespace.map(str::to_owned),
        name,
        objects: objects.into_iter().map(to_value).collect(),
        warnings,
        account,
    })
}

/// The workload objects of a job or service, completed with what the agent and the init steps
/// add; and the environment the file gave it (before the agent's defaults).
fn workload(
    renderable: Renderable<'_>,
    context: &workload::Context<'_>,
    options: &RenderOptions,
) -> (Vec<Object>, Option<crate::model::V1Environment>) {
    let defaults = &options.default_service_accounts;
    match renderable {
        Renderable::Service(service) => {
            let mut service = service.clone();
            let own = service.environment.clone();
            complete(
                RunParts {
                    environment: &mut service.environment,
                    init: &mut service.init,
                    volumes: &mut service.volumes,
                    container: &mut service.container,
                    sidecars: &mut service.sidecars,
                    connections: service.connections.as_deref(),
                },
                options.agent.as_ref(),
                defaults.get("service").map(String::as_str),
            );
            (workload::service(context, &service), own)
        }
        Renderable::Job(job) => {
            let mut job = job.clone();
            let own = job.environment.clone();
            complete(
                RunParts {
                    environment: &mut job.environment,
                    init: &mut job.init,
                    volumes: &mut job.volumes,
                    container: &mut job.container,
                    sidecars: &mut job.sidecars,
                    connections: job.connections.as_deref(),
                },
                options.agent.as_ref(),
                defaults.get("job").map(String::as_str),
            );
            (workload::job(context, &job), own)
        }
        Renderable::Distributed(run) => {
            let mut roles = match run {
                V1Run::RayCluster(ray) => ray::roles(ray),
                V1Run::DaskCluster(dask) => dask::roles(dask),
                _ => kubeflow::roles(run),
            };
            let own = roles.iter().find_map(|r| r.replica.environment.clone());
            for Role { replica, .. } in &mut roles {
                complete(
                    RunParts {
                        environment: &mut replica.environment,
                        init: &mut replica.init,
                        volumes: &mut replica.volumes,
                        container: &mut replica.container,
                        sidecars: &mut replica.sidecars,
                        connections: replica.connections.as_deref(),
                    },
                    options.agent.as_ref(),
                    defaults.get(run.kind()).map(String::as_str),
                );
            }
            let objects = match run {
                V1Run::RayCluster(ray) => vec![ray::object(context, ray, &roles)],
                V1Run::DaskCluster(dask) => dask::objects(context, dask, &roles),
                _ => vec![kubeflow::object(context, run, &roles)],
            };
            (objects, own)
        }
    }
}

/// The parts of a job or service that the agent and the init steps add to.
struct RunParts<'a> {
    environment: &'a mut Option<crate::model::V1Environment>,
    init: &'a mut Option<Vec<crate::model::V1Init>>,
    volumes: &'a mut Option<Vec<k8s_openapi::api::core::v1::Volume>>,
    container: &'a mut Option<k8s_openapi::api::core::v1::Container>,
    sidecars: &'a mut Option<Vec<k8s_openapi::api::core::v1::Container>>,
    connections: Option<&'a [String]>,
}

/// A run as it will execute: the project's default service account for its kind
/// (`plx.toml`), the agent's defaults, initializer steps as init containers with
/// their context volumes, and the connections it names mounted.
fn complete(parts: RunParts<'_>, agent: Option<&AgentOptions>, default_account: Option<&str>) {
    let values = agent.map(|a| &a.values);
    if let Some(account) = default_account {
        let environment = parts.environment.get_or_insert_with(Default::default);
        if environment.service_account_name.is_none() {
            environment.service_account_name = Some(account.to_owned());
        }
    }
    with_agent_defaults(parts.environment, agent);
    let added = init::apply(parts.init, values);
    add_volumes(parts.volumes, added.volumes);
    if !added.main_mounts.is_empty() {
        parts
            .container
            .get_or_insert_with(Default::default)
            .volume_mounts
            .get_or_insert_with(Vec::new)
            .extend(added.main_mounts);
    }
    if let (Some(values), Some(names)) = (values, parts.connections) {
        connections::apply(
            connections::mount(names, values),
            parts.volumes,
            (parts.container, parts.sidecars),
            parts.environment,
        );
    }
}

/// Adds volumes to a pod once each: an init step and the main container may use the same
/// connection.
fn add_volumes(
    volumes: &mut Option<Vec<k8s_openapi::api::core::v1::Volume>>,
    new: Vec<k8s_openapi::api::core::v1::Volume>,
) {
    for volume in new {
        let volumes = volumes.get_or_insert_with(Vec::new);
        if !volumes.iter().any(|v| v.name == volume.name) {
            volumes.push(volume);
        }
    }
}

/// What the agent gives a run that does not say otherwise: the chart's runs service account
/// (its security context, when enabled, is the pod's: `workload::Context`). RBAC is rendered only for an account the
/// file names itself: the chart creates and binds its own.
fn with_agent_defaults(
    environment: &mut Option<crate::model::V1Environment>,
    agent: Option<&AgentOptions>,
) {
    let Some(agent) = agent else {
        return;
    };
    let environment = environment.get_or_insert_with(Default::default);
    if environment.service_account_name.is_none() {
        environment.service_account_name = Some(agent.runs_service_account());
    }
}

/// A rendered object of any kind.
pub enum Object {
    /// An operator's custom resource (a Kubeflow TFJob, ...), built as JSON.
    Custom(serde_json::Value),
    Pod(k8s_openapi::api::core::v1::Pod),
    Deployment(k8s_openapi::api::apps::v1::Deployment),
    Job(k8s_openapi::api::batch::v1::Job),
    Service(k8s_openapi::api::core::v1::Service),
}

fn to_value(object: Object) -> serde_json::Value {
    fn value<T: Serialize>(object: &T) -> serde_json::Value {
        serde_json::to_value(object).expect("k8s-openapi objects serialize")
    }
    match object {
        Object::Custom(o) => o,
        Object::Pod(o) => value(&o),
        Object::Deployment(o) => value(&o),
        Object::Job(o) => value(&o),
        Object::Service(o) => value(&o),
    }
}

/// The objects as one YAML stream.
pub fn to_yaml(objects: &[serde_json::Value]) -> Result<String, String> {
    crate::yaml::emit::to_stream(objects)
}

/// The objects as one JSON document: a `v1` `List`, as `kubectl get -o json` prints several.
pub fn to_json(objects: &[serde_json::Value]) -> String {
    let mut list = serde_json::Map::new();
    list.insert("apiVersion".into(), "v1".into());
    list.insert("kind".into(), "List".into());
    list.insert("items".into(), serde_json::Value::Array(objects.to_vec()));
    let mut text = serde_json::to_string_pretty(&list).expect("JSON values serialize");
    text.push('\n');
    text
}

/// plx's own labels: stable for a given name, so they alone make up selectors.
pub fn selector_labels(name: &str) -> BTreeMap<String, String> {
    BTreeMap::from([
        ("app.kubernetes.io/instance".to_owned(), name.to_owned()),
        ("app.kubernetes.io/name".to_owned(), name.to_owned()),
    ])
}
