//! The jobs and services of a file, seen as the pods plx renders from them, with the pointer
//! of every part, for the rules that judge what lands in a manifest.

use k8s_openapi::api::core::v1::{Container, Volume};

use crate::model::{V1Environment, V1Init, V1Polyaxonfile, V1Run, V1Service, V1Termination};

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

/// The workload object a run becomes (`docs/render.md`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Workload {
    Pod,
    Deployment,
    Job,
}

impl Workload {
    pub fn kind(self) -> &'static str {
        match self {
            Workload::Pod => "Pod",
            Workload::Deployment => "Deployment",
            Workload::Job => "Job",
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
    pub fn environment_pointer(&self) -> String {
        format!("{}/environment", self.at)
    }

    /// Main container first, then sidecars, then init containers, as the pod lists them.
    pub fn containers(&self) -> Vec<PodContainer<'a>> {
        let mut out = Vec::new();
        if let Some(container) = self.container {
            out.push(PodContainer {
                role: Role::Main,
                container,
                pointer: format!("{}/container", self.at),
            });
        }
        for (index, container) in self.sidecars.iter().enumerate() {
            out.push(PodContainer {
                role: Role::Sidecar,
                container,
                pointer: format!("{}/sidecars/{index}", self.at),
            });
        }
        for (index, step) in self.init.iter().enumerate() {
            if let Some(container) = &step.container {
                out.push(PodContainer {
                    role: Role::Init,
                    container,
                    pointer: format!("{}/init/{index}/container", self.at),
                });
            }
        }
        out
    }
}

/// Every job and service in the file: its own `run`, and an operation's inline component's.
pub fn runs(file: &V1Polyaxonfile) -> Vec<RunView<'_>> {
    let mut out = Vec::new();
    collect(file, "", None, &mut out);
    out
}

/// The file's own job or service (not its inline component's), at `prefix`.
pub fn view<'a>(
    file: &'a V1Polyaxonfile,
    prefix: &str,
    termination: Option<(&'a V1Termination, String)>,
) -> Option<RunView<'a>> {
    let at = format!("{prefix}/run");
    let completed_by_polyaxon =
        file.build.is_some() || file.presets.is_some() || file.is_preset == Some(true);
    match &file.run {
        Some(V1Run::Job(job)) => Some(RunView {
            at,
            workload: Workload::Job,
            environment: job.environment.as_ref(),
            volumes: job.volumes.as_deref().unwrap_or_default(),
            connections: job.connections.as_deref().unwrap_or_default(),
            init: job.init.as_deref().unwrap_or_default(),
            sidecars: job.sidecars.as_deref().unwrap_or_default(),
            container: job.container.as_ref(),
            service: None,
            termination,
            completed_by_polyaxon,
        }),
        Some(V1Run::Service(service)) => Some(RunView {
            at,
            workload: if service.replicas.as_ref().and_then(|r| r.value()).is_some() {
                Workload::Deployment
            } else {
                Workload::Pod
            },
            environment: service.environment.as_ref(),
            volumes: service.volumes.as_deref().unwrap_or_default(),
            connections: service.connections.as_deref().unwrap_or_default(),
            init: service.init.as_deref().unwrap_or_default(),
            sidecars: service.sidecars.as_deref().unwrap_or_default(),
            container: service.container.as_ref(),
            service: Some(service),
            termination,
            completed_by_polyaxon,
        }),
        _ => None,
    }
}

fn collect<'a>(
    file: &'a V1Polyaxonfile,
    prefix: &str,
    outer_termination: Option<(&'a V1Termination, String)>,
    out: &mut Vec<RunView<'a>>,
) {
    // An operation's `termination` overrides its component's, as in render.
    let termination = outer_termination.or_else(|| {
        file.termination
            .as_ref()
            .map(|t| (t, format!("{prefix}/termination")))
    });
    out.extend(view(file, prefix, termination.clone()));
    if let Some(component) = &file.component {
        collect(component, &format!("{prefix}/component"), termination, out);
    }
}
