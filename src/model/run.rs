use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{Container, Volume};
use serde::Deserialize;

use super::environment::V1Environment;
use super::flow::V1EarlyStopping;
use super::init::V1Init;
use super::polyaxonfile::V1Polyaxonfile;
use super::values::{Any, Templated, kind_schema};

/// `run`: what the operation runs, tagged by its `kind`. Each kind is boxed: a run's fields
/// are kilobytes (a tfjob's four replicas), and a file is moved between the stages that check
/// it. Each is read by [`read_apart`], so that the readers of all kinds do not share one stack
/// frame.
#[derive(Clone, Debug, Deserialize)]
pub enum V1Run {
    #[serde(rename = "job", deserialize_with = "read_apart")]
    Job(Box<V1Job>),
    #[serde(rename = "service", deserialize_with = "read_apart")]
    Service(Box<V1Service>),
    #[serde(rename = "dag", deserialize_with = "read_apart")]
    Dag(Box<V1Dag>),
    #[serde(rename = "tfjob", deserialize_with = "read_apart")]
    TfJob(Box<V1TfJob>),
    #[serde(rename = "pytorchjob", deserialize_with = "read_apart")]
    PytorchJob(Box<V1PytorchJob>),
    #[serde(rename = "mpijob", deserialize_with = "read_apart")]
    MpiJob(Box<V1MpiJob>),
    #[serde(rename = "daskcluster", deserialize_with = "read_apart")]
    DaskCluster(Box<V1DaskCluster>),
    #[serde(rename = "raycluster", deserialize_with = "read_apart")]
    RayCluster(Box<V1RayCluster>),
    #[serde(rename = "notifier", deserialize_with = "read_apart")]
    Notifier(Box<V1Job>),
    #[serde(rename = "cleaner", deserialize_with = "read_apart")]
    Cleaner(Box<V1Job>),
    #[serde(rename = "tuner", deserialize_with = "read_apart")]
    Tuner(Box<V1Job>),
}

/// Reads one run kind in a stack frame of its own. Inlined, the readers of all eleven kinds
/// kept every field's slot of every kind in `V1Run`'s 52 KB frame; apart, the stack that one
/// `plx check` touches went from 52 to 44 pages (docs/performance.md).
#[inline(never)]
fn read_apart<'de, D, T>(deserializer: D) -> Result<Box<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    T::deserialize(deserializer).map(Box::new)
}

/// One schema per run kind: the kind's fields, with `kind` naming it (plx's reader tags `run`
/// by its `kind` key).
impl schemars::JsonSchema for V1Run {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "V1Run".into()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let kinds = vec![
            kind_schema::<V1Job>(generator, "job"),
            kind_schema::<V1Service>(generator, "service"),
            kind_schema::<V1Dag>(generator, "dag"),
            kind_schema::<V1TfJob>(generator, "tfjob"),
            kind_schema::<V1PytorchJob>(generator, "pytorchjob"),
            kind_schema::<V1MpiJob>(generator, "mpijob"),
            kind_schema::<V1DaskCluster>(generator, "daskcluster"),
            kind_schema::<V1RayCluster>(generator, "raycluster"),
            kind_schema::<V1Job>(generator, "notifier"),
            kind_schema::<V1Job>(generator, "cleaner"),
            kind_schema::<V1Job>(generator, "tuner"),
        ];
        schemars::json_schema!({"oneOf": kinds})
    }
}

impl V1Run {
    pub fn kind(&self) -> &'static str {
        match self {
            V1Run::Job(_) => "job",
            V1Run::Service(_) => "service",
            V1Run::Dag(_) => "dag",
            V1Run::TfJob(_) => "tfjob",
            V1Run::PytorchJob(_) => "pytorchjob",
            V1Run::MpiJob(_) => "mpijob",
            V1Run::DaskCluster(_) => "daskcluster",
            V1Run::RayCluster(_) => "raycluster",
            V1Run::Notifier(_) => "notifier",
            V1Run::Cleaner(_) => "cleaner",
            V1Run::Tuner(_) => "tuner",
        }
    }

    /// The roles of a Kubeflow or Dask run, each by its key in the file, with its replica when
    /// the file has it (a Ray cluster's worker groups are named by the file).
    pub fn replica_roles(&self) -> Vec<(&'static str, Option<&V1Replica>)> {
        match self {
            V1Run::TfJob(tf) => vec![
                ("chief", tf.chief.as_ref()),
                ("ps", tf.ps.as_ref()),
                ("worker", tf.worker.as_ref()),
                ("evaluator", tf.evaluator.as_ref()),
            ],
            V1Run::PytorchJob(pytorch) => vec![
                ("master", pytorch.master.as_ref()),
                ("worker", pytorch.worker.as_ref()),
            ],
            V1Run::MpiJob(mpi) => vec![
                ("launcher", mpi.launcher.as_ref()),
                ("worker", mpi.worker.as_ref()),
            ],
            V1Run::DaskCluster(dask) => vec![
                ("scheduler", dask.scheduler.as_ref()),
                ("worker", dask.worker.as_ref()),
            ],
            _ => Vec::new(),
        }
    }
}

/// The volumes Polyaxon's agent adds to the pods it makes (its converter's constants), which a
/// container may mount without declaring them in `volumes`.
pub fn is_polyaxon_volume(name: &str) -> bool {
    matches!(
        name,
        "artifacts-context"
            | "configs-context"
            | "docker"
            | "shm"
            | "plx-tools-bin"
            | "plx-tools-etc"
    ) || name.starts_with("connections-context-")
}

/// Polyaxon's `V1Job` (also the shape of notifier, cleaner and tuner runs).
#[derive(Clone, Debug, Default, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct V1Job {
    /// The pod's settings: node selector, affinity, tolerations, security context, service
    /// account, ...
    pub environment: Option<V1Environment>,
    /// Names of the agent's connections to mount or expose in the run's containers.
    pub connections: Option<Vec<String>>,
    /// Kubernetes volumes for the run's pod.
    pub volumes: Option<Vec<Volume>>,
    /// Init steps, run before the main container: git repositories, artifacts, files,
    /// dockerfiles, or plain init containers.
    pub init: Option<Vec<V1Init>>,
    /// Containers that run alongside the main container.
    pub sidecars: Option<Vec<Container>>,
    /// The main container (Polyaxon names it `polyaxon-main` when it has no name).
    pub container: Option<Container>,
}

/// Polyaxon's `V1Service`: a job's fields plus how it is exposed.
#[derive(Clone, Debug, Default, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct V1Service {
    /// The pod's settings: node selector, affinity, tolerations, security context, service
    /// account, ...
    pub environment: Option<V1Environment>,
    /// Names of the agent's connections to mount or expose in the run's containers.
    pub connections: Option<Vec<String>>,
    /// Kubernetes volumes for the run's pod.
    pub volumes: Option<Vec<Volume>>,
    /// Init steps, run before the main container: git repositories, artifacts, files,
    /// dockerfiles, or plain init containers.
    pub init: Option<Vec<V1Init>>,
    /// Containers that run alongside the main container.
    pub sidecars: Option<Vec<Container>>,
    /// The main container (Polyaxon names it `polyaxon-main` when it has no name).
    pub container: Option<Container>,
    /// The ports the service exposes.
    pub ports: Option<Templated<Vec<i64>>>,
    /// Rewrite the path of the requests to the service (strip its URL prefix).
    pub rewrite_path: Option<Templated<bool>>,
    /// Expose the service outside the cluster.
    pub is_external: Option<Templated<bool>>,
    /// How many replicas of the service to run.
    pub replicas: Option<Templated<i64>>,
}

#[derive(Clone, Debug, Default, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct V1Dag {
    /// Each an operation (or a component, which Polyaxon reads with the same fields).
    pub operations: Option<Vec<V1Polyaxonfile>>,
    /// Components the operations can run with `dagRef`.
    pub components: Option<Vec<V1Polyaxonfile>>,
    /// The pod's settings: node selector, affinity, tolerations, security context, service
    /// account, ...
    pub environment: Option<V1Environment>,
    /// Names of the agent's connections to mount or expose in the run's containers.
    pub connections: Option<Vec<String>>,
    /// Kubernetes volumes for the run's pod.
    pub volumes: Option<Vec<Volume>>,
    /// How many operations may run at once.
    pub concurrency: Option<Templated<i64>>,
    /// Stop the DAG early when a metric or failure condition is met.
    pub early_stopping: Option<Templated<Vec<V1EarlyStopping>>>,
}

#[derive(Clone, Debug, Default, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct V1TfJob {
    pub clean_pod_policy: Option<CleanPodPolicy>,
    pub scheduling_policy: Option<V1SchedulingPolicy>,
    pub enable_dynamic_worker: Option<bool>,
    pub success_policy: Option<String>,
    pub chief: Option<V1Replica>,
    pub ps: Option<V1Replica>,
    pub worker: Option<V1Replica>,
    pub evaluator: Option<V1Replica>,
}

#[derive(Clone, Debug, Default, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct V1PytorchJob {
    pub clean_pod_policy: Option<CleanPodPolicy>,
    pub scheduling_policy: Option<V1SchedulingPolicy>,
    pub elastic_policy: Option<V1PytorchElasticPolicy>,
    pub n_proc_per_node: Option<Templated<i64>>,
    pub master: Option<V1Replica>,
    pub worker: Option<V1Replica>,
}

#[derive(Clone, Debug, Default, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct V1MpiJob {
    pub clean_pod_policy: Option<CleanPodPolicy>,
    pub scheduling_policy: Option<V1SchedulingPolicy>,
    pub slots_per_worker: Option<Templated<i64>>,
    pub launcher: Option<V1Replica>,
    pub worker: Option<V1Replica>,
}

#[derive(Clone, Debug, Default, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct V1DaskCluster {
    pub worker: Option<V1Replica>,
    pub scheduler: Option<V1Replica>,
    pub min_replicas: Option<Templated<i64>>,
    pub max_replicas: Option<Templated<i64>>,
}

#[derive(Clone, Debug, Default, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct V1RayCluster {
    /// The command the Ray job runs (`ray job submit -- ...`).
    pub entrypoint: Option<String>,
    /// The job's Ray runtime environment (`pip`, `env_vars`, `working_dir`, ...).
    pub runtime_env: Option<Templated<BTreeMap<String, serde_json::Value>>>,
    /// The job's metadata, as Ray's job submission keeps it.
    pub metadata: Option<BTreeMap<String, String>>,
    /// The Ray version of the images, which KubeRay's autoscaler reads.
    pub ray_version: Option<String>,
    pub head: Option<V1RayReplica>,
    pub workers: Option<BTreeMap<String, V1RayReplica>>,
    pub enable_in_tree_autoscaling: Option<Templated<bool>>,
    pub autoscaler_options: Option<V1RayAutoscalerOptions>,
}

/// `autoscalerOptions`: the part of KubeRay's autoscaler settings Polyaxon 2.18 types.
#[derive(Clone, Debug, Default, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct V1RayAutoscalerOptions {
    /// How fast the autoscaler adds workers: `Default`, `Aggressive` or `Conservative`.
    pub upscaling_mode: Option<String>,
    /// The autoscaler container's image pull policy.
    pub image_pull_policy: Option<String>,
    /// The autoscaler container's resources.
    pub resources: Option<k8s_openapi::api::core::v1::ResourceRequirements>,
}

/// `schedulingPolicy`: gang scheduling of a Kubeflow job's pods (Volcano, scheduler-plugins).
#[derive(Clone, Debug, Default, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct V1SchedulingPolicy {
    /// How many pods must be schedulable together before any starts.
    pub min_available: Option<Templated<i64>>,
    /// The scheduler's queue.
    pub queue: Option<String>,
    /// A number in Polyaxon; Kubeflow reads a resource list (`cpu`, `memory`, ...).
    pub min_resources: Option<Templated<i64>>,
    /// The priority class of the job's pod group.
    pub priority_class: Option<String>,
    /// Seconds the pod group may wait to be scheduled.
    pub schedule_timeout_seconds: Option<Templated<i64>>,
}

/// A kubeflow or dask replica. Its fields repeat `V1Job`'s on purpose rather than through
/// `#[serde(flatten)]`: flattening hides the field list from the decoder, which then could
/// not report unknown keys.
#[derive(Clone, Debug, Default, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct V1Replica {
    /// How many replicas to run.
    pub replicas: Option<Templated<i64>>,
    /// The pod's settings: node selector, affinity, tolerations, security context, service
    /// account, ...
    pub environment: Option<V1Environment>,
    /// Names of the agent's connections to mount or expose in the run's containers.
    pub connections: Option<Vec<String>>,
    /// Kubernetes volumes for the run's pod.
    pub volumes: Option<Vec<Volume>>,
    /// Init steps, run before the main container: git repositories, artifacts, files,
    /// dockerfiles, or plain init containers.
    pub init: Option<Vec<V1Init>>,
    /// Containers that run alongside the main container.
    pub sidecars: Option<Vec<Container>>,
    /// The main container (Polyaxon names it `polyaxon-main` when it has no name).
    pub container: Option<Container>,
}

#[derive(Clone, Debug, Default, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct V1RayReplica {
    /// How many replicas to run.
    pub replicas: Option<Templated<i64>>,
    /// The fewest replicas autoscaling keeps.
    pub min_replicas: Option<Templated<i64>>,
    /// The most replicas autoscaling makes.
    pub max_replicas: Option<Templated<i64>>,
    /// Arguments of `ray start`.
    pub ray_start_params: Option<BTreeMap<String, String>>,
    /// The pod's settings: node selector, affinity, tolerations, security context, service
    /// account, ...
    pub environment: Option<V1Environment>,
    /// Names of the agent's connections to mount or expose in the run's containers.
    pub connections: Option<Vec<String>>,
    /// Kubernetes volumes for the run's pod.
    pub volumes: Option<Vec<Volume>>,
    /// Init steps, run before the main container: git repositories, artifacts, files,
    /// dockerfiles, or plain init containers.
    pub init: Option<Vec<V1Init>>,
    /// Containers that run alongside the main container.
    pub sidecars: Option<Vec<Container>>,
    /// The main container (Polyaxon names it `polyaxon-main` when it has no name).
    pub container: Option<Container>,
}

impl V1RayReplica {
    /// The replica's pod, as a Kubeflow or Dask replica's: what the pod code renders.
    pub fn pod(&self) -> V1Replica {
        V1Replica {
            replicas: self.replicas.clone(),
            environment: self.environment.clone(),
            connections: self.connections.clone(),
            volumes: self.volumes.clone(),
            init: self.init.clone(),
            sidecars: self.sidecars.clone(),
            container: self.container.clone(),
        }
    }
}

/// `elasticPolicy`: torchrun's elastic training, as Polyaxon 2.18 types it. Polyaxon spells
/// the rendezvous keys `rdvz...`; Kubeflow reads them as `rdzv...`.
#[derive(Clone, Debug, Default, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct V1PytorchElasticPolicy {
    /// The fewest workers the job runs with.
    pub min_replicas: Option<Templated<i64>>,
    /// The most workers the job scales to.
    pub max_replicas: Option<Templated<i64>>,
    /// torchrun's rendezvous backend (`c10d`, `etcd`, ...).
    pub rdvz_backend: Option<String>,
    /// The rendezvous port.
    pub rdvz_port: Option<Templated<i64>>,
    /// The rendezvous host.
    pub rdvz_host: Option<String>,
    /// The rendezvous id.
    pub rdvz_id: Option<String>,
    /// More rendezvous settings, as `key`/`value` pairs.
    pub rdvz_conf: Option<Vec<V1RendezvousSetting>>,
    /// Whether torchrun runs its own rendezvous.
    pub standalone: Option<Templated<bool>>,
    /// Processes per node (Kubeflow reads the job's `nprocPerNode` instead).
    pub n_proc_per_node: Option<Templated<i64>>,
    /// How many times torchrun restarts the workers.
    pub max_restarts: Option<Templated<i64>>,
    /// Metrics that scale the workers: a HorizontalPodAutoscaler's (`autoscaling/v2`), which
    /// Kubeflow makes from them.
    pub metrics: Option<Vec<k8s_openapi::api::autoscaling::v2::MetricSpec>>,
}

/// A rendezvous setting: `key` and `value`.
#[derive(Clone, Debug, Default, Deserialize, schemars::JsonSchema)]
pub struct V1RendezvousSetting {
    pub key: Option<String>,
    pub value: Option<String>,
}

#[derive(Clone, Copy, Debug, Deserialize, schemars::JsonSchema)]
pub enum CleanPodPolicy {
    All,
    Running,
    None,
}

/// Polyaxon's `V1Termination`: how long and how often a run may go on.
#[derive(Clone, Debug, Default, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct V1Termination {
    /// How many times to retry the run when it fails.
    pub max_retries: Option<Templated<i64>>,
    /// Seconds to keep the run's resources after it is done.
    pub ttl: Option<Templated<i64>>,
    /// Seconds after which the run is stopped.
    pub timeout: Option<Templated<i64>>,
    /// Stop a service after it has been idle for a while.
    pub culling: Option<V1Culling>,
    pub probe: Option<Any>,
    /// How the pod's failures count toward the retries (a Kubernetes job's pod failure policy).
    pub pod_failure_policy: Option<k8s_openapi::api::batch::v1::PodFailurePolicy>,
}

#[derive(Clone, Debug, Default, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct V1Culling {
    /// Seconds of idleness after which the service is stopped.
    pub timeout: Option<i64>,
}
