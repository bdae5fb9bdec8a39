//! `raycluster` as KubeRay's `ray.io/v1` objects (KubeRay v1.7.0; the CRDs are pinned in
//! `schemas/crds/`): a RayJob when the run has an `entrypoint`, as Polyaxon's operator runs
//! it (the cluster lives as long as the job), else a RayCluster that stays up for whoever
//! connects to it. `docs/render.md` says why.

use serde_json::{Map, Value, json};

use super::workload::{self, Context};
use super::{Object, Role};
use crate::model::{V1RayCluster, V1RayReplica, V1Termination, written};

/// The key the head's role has among the roles (worker groups are named by the file).
const HEAD: &str = "head";

/// The cluster's head, then its worker groups in the order of their names.
pub fn roles(ray: &V1RayCluster) -> Vec<Role> {
    let head = ray.head.as_ref().map(|head| Role {
        name: HEAD.to_owned(),
        replica: head.pod(),
    });
    let workers = ray.workers.iter().flatten().map(|(name, worker)| Role {
        name: name.clone(),
        replica: worker.pod(),
    });
    head.into_iter().chain(workers).collect()
}

/// The RayJob or RayCluster of the run; `roles` are the run's, completed.
pub fn object(context: &Context<'_>, ray: &V1RayCluster, roles: &[Role]) -> Object {
    let cluster = cluster_spec(context, ray, roles);
    let (kind, spec) = match &ray.entrypoint {
        Some(entrypoint) => (
            "RayJob",
            job_spec(entrypoint, ray, context.termination, cluster),
        ),
        None => ("RayCluster", cluster),
    };
    Object::Custom(json!({
        "apiVersion": "ray.io/v1",
        "kind": kind,
        "metadata": workload::object_metadata(context, "raycluster"),
        "spec": spec,
    }))
}

/// A RayJob's own fields. The cluster is shut down when the job ends, as Polyaxon ends a run;
/// `termination` becomes the job's deadline, retries and time to live.
fn job_spec(
    entrypoint: &str,
    ray: &V1RayCluster,
    termination: Option<&V1Termination>,
    cluster: Value,
) -> Value {
    let mut spec = Map::new();
    spec.insert("entrypoint".to_owned(), entrypoint.into());
    // KubeRay reads the runtime environment as YAML text, and JSON is YAML.
    if let Some(env) = ray.runtime_env.as_ref().and_then(|env| env.value()) {
        let text = serde_json::to_string(env).unwrap_or_default();
        spec.insert("runtimeEnvYAML".to_owned(), text.into());
    }
    if let Some(metadata) = &ray.metadata {
        spec.insert("metadata".to_owned(), json!(metadata));
    }
    spec.insert("shutdownAfterJobFinishes".to_owned(), true.into());
    spec.extend(workload::termination_fields(termination));
    spec.insert("rayClusterSpec".to_owned(), cluster);
    Value::Object(spec)
}

fn cluster_spec(context: &Context<'_>, ray: &V1RayCluster, roles: &[Role]) -> Value {
    let mut spec = Map::new();
    if let Some(version) = &ray.ray_version {
        spec.insert("rayVersion".to_owned(), version.clone().into());
    }
    let autoscaling = written(&ray.enable_in_tree_autoscaling);
    if let Some(autoscaling) = autoscaling {
        spec.insert("enableInTreeAutoscaling".to_owned(), autoscaling.into());
    }
    if let Some(options) = &ray.autoscaler_options {
        let mut out = Map::new();
        if let Some(mode) = &options.upscaling_mode {
            out.insert("upscalingMode".to_owned(), mode.clone().into());
        }
        if let Some(policy) = &options.image_pull_policy {
            out.insert("imagePullPolicy".to_owned(), policy.clone().into());
        }
        if let Some(resources) = &options.resources {
            out.insert("resources".to_owned(), json!(resources));
        }
        spec.insert("autoscalerOptions".to_owned(), Value::Object(out));
    }
    let (head, workers) = match (&ray.head, roles.split_first()) {
        (Some(head), Some((role, rest))) => (Some((head, role)), rest),
        _ => (None, roles),
    };
    if let Some((head, role)) = head {
        let mut group = Map::new();
        if let Some(params) = &head.ray_start_params {
            group.insert("rayStartParams".to_owned(), json!(params));
        }
        let mut head_template = template(context, role);
        // KubeRay runs its autoscaler beside Ray in the head pod, and it calls the API server
        // with the pod's account (which KubeRay creates when the file names none).
        if autoscaling == Some(true) {
            head_template["spec"]
                .as_object_mut()
                .map(|spec| spec.remove("automountServiceAccountToken"));
        }
        group.insert("template".to_owned(), head_template);
        spec.insert("headGroupSpec".to_owned(), Value::Object(group));
    }
    let groups: Vec<Value> = workers
        .iter()
        .filter_map(|role| {
            let worker = ray.workers.as_ref()?.get(&role.name)?;
            Some(worker_group(
                context,
                role,
                worker,
                autoscaling == Some(true),
            ))
        })
        .collect();
    if !groups.is_empty() {
        spec.insert("workerGroupSpecs".to_owned(), groups.into());
    }
    Value::Object(spec)
}

/// A worker group. KubeRay requires both bounds when its autoscaler is off; a group that
/// gives only `replicas` means that many workers, so the bounds default to it there.
fn worker_group(
    context: &Context<'_>,
    role: &Role,
    worker: &V1RayReplica,
    autoscaling: bool,
) -> Value {
    let replicas = written(&worker.replicas);
    let fixed = replicas.filter(|_| !autoscaling);
    // The CRD's own defaults, written out so the object says what KubeRay will use.
    let min = written(&worker.min_replicas).or(fixed).unwrap_or(0);
    let max = written(&worker.max_replicas)
        .or(fixed)
        .unwrap_or(i64::from(i32::MAX));
    let mut group = Map::new();
    group.insert("groupName".to_owned(), role.name.clone().into());
    if let Some(replicas) = replicas {
        group.insert("replicas".to_owned(), replicas.into());
    }
    group.insert("minReplicas".to_owned(), min.into());
    group.insert("maxReplicas".to_owned(), max.into());
    if let Some(params) = &worker.ray_start_params {
        group.insert("rayStartParams".to_owned(), json!(params));
    }
    group.insert("template".to_owned(), template(context, role));
    Value::Object(group)
}

/// A group's pod template. KubeRay runs Ray in the first container (the main one) and
/// creates the pods itself, so the pod's `restartPolicy` is the file's.
fn template(context: &Context<'_>, role: &Role) -> Value {
    let mut template = workload::replica_template(context, "raycluster", &role.replica, None);
    if let Some(spec) = template.spec.as_mut() {
        spec.restart_policy = role
            .replica
            .environment
            .as_ref()
            .and_then(|e| e.restart_policy.clone())
            .filter(|p| !p.is_empty());
    }
    serde_json::to_value(template).unwrap_or_default()
}
