//! The typed Polyaxonfile, after Polyaxon 2.18's `V1Polyaxonfile` and its parts.
//!
//! Field names follow Polyaxon's camelCase aliases; the decoder also accepts their snake_case
//! spellings for these `V1*` types, as Polyaxon does. Kubernetes objects inside are
//! k8s-openapi types, decoded strictly: an unknown nested key is an error, where Polyaxon
//! lets it through and the API server later refuses it.

pub mod agent;
mod environment;
mod flow;
mod init;
mod polyaxonfile;
mod run;
pub mod runs;
mod values;

pub use environment::{V1Environment, V1EnvironmentSecurityContext};
pub use flow::fields_of;
pub use init::{V1FileType, V1GitType, V1Init};
pub use polyaxonfile::{FileKind, PatchStrategy, V1Io, V1Param, V1Polyaxonfile, V1Validation};
pub use run::{
    CleanPodPolicy, V1Dag, V1DaskCluster, V1Job, V1MpiJob, V1PytorchElasticPolicy, V1PytorchJob,
    V1RayAutoscalerOptions, V1RayCluster, V1RayReplica, V1Replica, V1Run, V1SchedulingPolicy,
    V1Service, V1Termination, V1TfJob, is_polyaxon_volume,
};
pub use runs::{Composed, MAIN_CONTAINER, runnable};
pub use values::{Any, LaxInt, Templated, Version, written};
