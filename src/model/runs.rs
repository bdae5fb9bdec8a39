//! The jobs and services of a file, seen as the pods plx renders from them, with the pointer
//! of every part, for the rules that judge what lands in a manifest.

use k8s_openapi::api::core::v1::{Container, Volume};

use crate::model::{V1Environment, V1Init, V1Polyaxonfile, V1Run, V1Service, V1Termination};
use crate::yaml::tree::{child_pointer, entry_pointer, item_pointer};

/// A Polyaxonfile as it runs: an operation with its component in place, its shortcuts and
/// `runPatch` applied, decoded again.
#[derive(Clone, Debug)]
pub struct Composed {
    pub file: V1Polyaxonfile,
    pub tree: crate::yaml::Node,
}

/// The main container's name when the Polyaxonfile does not give one (Polyaxon's own).
pub const MAIN_CONTAINER: &str = "polyaxon-main";

/// The file level whose `inputs` the params are for: the file itself, or an operation's
/// inline component.
pub fn runnable(file: &V1Polyaxonfile) -> (&V1Polyaxonfile, &'static str) {
    match (&file.run, &file.component) {
        (None, Some(component)) => (component, "/component"),
        _ => (file, ""),
    }
}

/// The workload object a run becomes (`docs/render.md`), or what else holds its pods.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Workload {
    Pod,
    Deployment,
    Job,
    /// A replica of a distributed run (`tfjob` worker, `raycluster` head, ...): a pod template
    /// its operator (Kubeflow, KubeRay, dask-kubernetes) creates and restarts.
    Replica,
    /// A dag's own `environment` and `volumes`, which Polyaxon passes to every operation.
    Shared,
}

impl Workload {
    pub fn kind(self) -> &'static str {
        match self {
            Workload::Deployment => "Deployment",
            Workload::Job => "Job",
            Workload::Pod | Workload::Replica | Workload::Shared => "Pod",
        }
    }
}

/// What a container is to the pod.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    Main,
    Sidecar,
    Init,
}

pub struct PodContainer<'a> {
    pub role: Role,
    pub container: &'a Container,
    pub pointer: String,
}

/// One job or service.
pub struct RunView<'a> {
    /// The pointer of `run` (`/run`, `/component/run`).
    pub at: String,
    pub workload: Workload,
    pub environment: Option<&'a V1Environment>,
    pub volumes: &'a [Volume],
    /// The volumes of the dags around this run, which Polyaxon passes down to it.
    pub inherited_volumes: Vec<&'a Volume>,
    /// `run.connections`: names of the agent's connections.
    pub connections: &'a [String],
    pub init: &'a [V1Init],
    pub sidecars: &'a [Container],
    pub container: Option<&'a Container>,
    pub service: Option<&'a V1Service>,
    /// `termination` and its pointer: the file's own, or the component's.
    pub termination: Option<(&'a V1Termination, String)>,
    /// Whether Polyaxon fills in what the file leaves out of its containers: a `build`
    /// section makes the main container's image, presets and preset files carry any field.
    pub completed_by_polyaxon: bool,
}

impl<'a> RunView<'a> {
    /// The volumes the pod has: its own, then those of the dags around it.
    pub fn pod_volumes(&self) -> impl Iterator<Item = &'a Volume> + '_ {
        self.volumes
            .iter()
            .chain(self.inherited_volumes.iter().copied())
    }

    pub fn environment_pointer(&self) -> String {
        child_pointer(&self.at, "environment")
    }

    /// Main container first, then sidecars, then init containers, as the pod lists them.
    pub fn containers(&self) -> Vec<PodContainer<'a>> {
        let mut out = Vec::new();
        if let Some(container) = self.container {
            out.push(PodContainer {
                role: Role::Main,
                container,
                pointer: child_pointer(&self.at, "container"),
            });
        }
        for (index, container) in self.sidecars.iter().enumerate() {
            out.push(PodContainer {
                role: Role::Sidecar,
                container,
                pointer: item_pointer(&self.at, "sidecars", index),
            });
        }
        for (index, step) in self.init.iter().enumerate() {
            if let Some(container) = &step.container {
                out.push(PodContainer {
                    role: Role::Init,
                    container,
                    pointer: child_pointer(&item_pointer(&self.at, "init", index), "container"),
                });
            }
        }
        out
    }
}

/// Every pod the file runs: its own job, service or the replicas of a distributed run, a
/// dag's shared settings and the runs of its operations and components, and an operation's
/// inline component's.
pub fn runs(file: &V1Polyaxonfile) -> Vec<RunView<'_>> {
    let mut out = Vec::new();
    collect(file, "", None, &[], false, &mut out);
    out
}

/// The replicas of the file's own distributed run, at `prefix`: what `plx render` writes
/// for a tfjob, a pytorchjob or an mpijob.
pub fn replica_views<'a>(file: &'a V1Polyaxonfile, prefix: &str) -> Vec<RunView<'a>> {
    let Some(run) = &file.run else {
        return Vec::new();
    };
    replicas(run, &child_pointer(prefix, "run"))
        .into_iter()
        .map(|(at, parts)| RunView::new(at, Workload::Replica, parts, None, false))
        .collect()
}

/// What a job, a service and each replica of a distributed run hold for their pod.
struct Parts<'a> {
    environment: Option<&'a V1Environment>,
    volumes: &'a [Volume],
    connections: &'a [String],
    init: &'a [V1Init],
    sidecars: &'a [Container],
    container: Option<&'a Container>,
}

macro_rules! parts {
    ($run:expr) => {
        Parts {
            environment: $run.environment.as_ref(),
            volumes: $run.volumes.as_deref().unwrap_or_default(),
            connections: $run.connections.as_deref().unwrap_or_default(),
            init: $run.init.as_deref().unwrap_or_default(),
            sidecars: $run.sidecars.as_deref().unwrap_or_default(),
            container: $run.container.as_ref(),
        }
    };
}

/// The file's own job or service (not its inline component's, nor replicas), at `prefix`:
/// what `plx render` writes.
pub fn view<'a>(
    file: &'a V1Polyaxonfile,
    prefix: &str,
    termination: Option<(&'a V1Termination, String)>,
) -> Option<RunView<'a>> {
    let at = child_pointer(prefix, "run");
    let completed_by_polyaxon = completed_by_polyaxon(file);
    match &file.run {
        Some(V1Run::Job(job)) => Some(RunView::new(
            at,
            Workload::Job,
            parts!(job),
            termination,
            completed_by_polyaxon,
        )),
        Some(V1Run::Service(service)) => {
            let workload = if service.replicas.as_ref().and_then(|r| r.value()).is_some() {
                Workload::Deployment
            } else {
                Workload::Pod
            };
            let mut view = RunView::new(
                at,
                workload,
                parts!(service),
                termination,
                completed_by_polyaxon,
            );
            view.service = Some(service);
            Some(view)
        }
        _ => None,
    }
}

/// A `build` section makes the main container's image, presets and preset files carry any
/// field.
fn completed_by_polyaxon(file: &V1Polyaxonfile) -> bool {
    file.build.is_some() || file.presets.is_some() || file.is_preset == Some(true)
}

/// Whether what an operation's inline `component` leaves out comes from elsewhere: the
/// operation's `build` or presets, or the component it references (`hubRef: kaniko` next to
/// the component it resolved to).
pub fn completes_its_component(operation: &V1Polyaxonfile) -> bool {
    completed_by_polyaxon(operation)
        || operation.hub_ref.is_some()
        || operation.path_ref.is_some()
        || operation.url_ref.is_some()
        || operation.dag_ref.is_some()
}

impl<'a> RunView<'a> {
    fn new(
        at: String,
        workload: Workload,
        parts: Parts<'a>,
        termination: Option<(&'a V1Termination, String)>,
        completed_by_polyaxon: bool,
    ) -> Self {
        RunView {
            at,
            workload,
            environment: parts.environment,
            volumes: parts.volumes,
            inherited_volumes: Vec::new(),
            connections: parts.connections,
            init: parts.init,
            sidecars: parts.sidecars,
            container: parts.container,
            service: None,
            termination,
            completed_by_polyaxon,
        }
    }
}

/// The replicas of a distributed run, each a pod template at its key.
fn replicas<'a>(run: &'a V1Run, at: &str) -> Vec<(String, Parts<'a>)> {
    if let V1Run::RayCluster(ray) = run {
        let head = ray
            .head
            .as_ref()
            .map(|head| (child_pointer(at, "head"), parts!(head)));
        let workers = ray.workers.iter().flatten().map(|(name, worker)| {
            (
                entry_pointer(&child_pointer(at, "workers"), name),
                parts!(worker),
            )
        });
        return head.into_iter().chain(workers).collect();
    }
    let roles = run.replica_roles();
    roles
        .into_iter()
        .filter_map(|(role, replica)| Some((child_pointer(at, role), parts!(replica?))))
        .collect()
}

fn collect<'a>(
    file: &'a V1Polyaxonfile,
    prefix: &str,
    outer_termination: Option<(&'a V1Termination, String)>,
    dag_volumes: &[&'a Volume],
    completed_from_outside: bool,
    out: &mut Vec<RunView<'a>>,
) {
    // An operation's `termination` overrides its component's, as in render.
    let termination = outer_termination.or_else(|| {
        file.termination
            .as_ref()
            .map(|t| (t, child_pointer(prefix, "termination")))
    });
    let completed_by_polyaxon = completed_by_polyaxon(file) || completed_from_outside;
    let at = child_pointer(prefix, "run");
    let mut own = Vec::new();
    own.extend(view(file, prefix, termination.clone()));
    if let Some(run) = &file.run {
        for (at, parts) in replicas(run, &at) {
            own.push(RunView::new(
                at,
                Workload::Replica,
                parts,
                None,
                completed_by_polyaxon,
            ));
        }
    }
    for mut view in own {
        view.completed_by_polyaxon |= completed_by_polyaxon;
        view.inherited_volumes = dag_volumes.to_vec();
        out.push(view);
    }
    if let Some(V1Run::Dag(dag)) = &file.run {
        let shared = Parts {
            environment: dag.environment.as_ref(),
            volumes: dag.volumes.as_deref().unwrap_or_default(),
            connections: dag.connections.as_deref().unwrap_or_default(),
            init: &[],
            sidecars: &[],
            container: None,
        };
        let mut inner: Vec<&'a Volume> = dag_volumes.to_vec();
        inner.extend(shared.volumes);
        let mut view = RunView::new(at.clone(), Workload::Shared, shared, None, false);
        view.inherited_volumes = dag_volumes.to_vec();
        out.push(view);
        for (key, files) in [
            ("operations", &dag.operations),
            ("components", &dag.components),
        ] {
            for (index, child) in files.iter().flatten().enumerate() {
                collect(
                    child,
                    &item_pointer(&at, key, index),
                    None,
                    &inner,
                    false,
                    out,
                );
            }
        }
    }
    if let Some(component) = &file.component {
        collect(
            component,
            &child_pointer(prefix, "component"),
            termination,
            dag_volumes,
            completed_by_polyaxon || completes_its_component(file),
            out,
        );
    }
}
