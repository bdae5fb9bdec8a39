//! The rules of the operators that run distributed kinds, which `kubectl apply` of the object
//! meets after Polyaxon has accepted the file: the Kubeflow training operator's admission
//! webhook (v1.9.0, `pkg/webhooks/pytorch`, and `ValidateV1MpiJobSpec` for MPIJobs), KubeRay's
//! `ValidateRayClusterSpec` (v1.7.0) and the RayCluster CRD's enums, and the DaskCluster CRD's
//! required fields. Polyaxon 2.18 checks none of them, so its operator's object is refused
//! after the run was accepted.

use crate::diagnostic::Diagnostic;
use crate::document::locate::{Findings, Target};
use crate::model::{
    Templated, V1Polyaxonfile, V1PytorchJob, V1RayCluster, V1RayReplica, V1Run, written,
};
use crate::rules;
use crate::yaml::Node;
use crate::yaml::tree::{child_pointer, entry_pointer, item_pointer};

/// Every distributed run of the file: its own, its inline component's, and a dag's
/// operations' and components', at their keys.
pub fn check(file: &V1Polyaxonfile, tree: &Node) -> Vec<Diagnostic> {
    let mut findings = Findings::new(tree);
    visit(file, "", &mut findings);
    findings.into_vec()
}

fn visit(file: &V1Polyaxonfile, prefix: &str, findings: &mut Findings<'_>) {
    let at = child_pointer(prefix, "run");
    match &file.run {
        Some(V1Run::PytorchJob(pytorch)) => pytorch_job(pytorch, &at, findings),
        Some(V1Run::MpiJob(mpi)) => match &mpi.launcher {
            Some(launcher) => single(
                findings,
                &at,
                "launcher",
                Some(&launcher.replicas),
                "MPIJob",
            ),
            None => {
                let help = "the launcher runs `mpirun` against the workers; add a `launcher` replica (one) next to `worker`";
                missing(
                    findings,
                    &child_pointer(&at, "kind"),
                    "an MPIJob",
                    "launcher",
                    help,
                );
            }
        },
        Some(V1Run::RayCluster(ray)) => ray_cluster(ray, &at, findings),
        Some(V1Run::DaskCluster(dask)) => {
            let roles = [
                ("scheduler", dask.scheduler.is_some()),
                ("worker", dask.worker.is_some()),
            ];
            for (role, _) in roles.iter().filter(|(_, present)| !present) {
                let help = "the Dask operator's DaskCluster requires both `scheduler` and `worker`; add the missing one";
                missing(
                    findings,
                    &child_pointer(&at, "kind"),
                    "a DaskCluster",
                    role,
                    help,
                );
            }
        }
        Some(V1Run::Dag(dag)) => {
            for (key, files) in [
                ("operations", &dag.operations),
                ("components", &dag.components),
            ] {
                for (index, inner) in files.iter().flatten().enumerate() {
                    visit(inner, &item_pointer(&at, key, index), findings);
                }
            }
        }
        _ => {}
    }
    if let Some(component) = &file.component {
        visit(component, &child_pointer(prefix, "component"), findings);
    }
}

fn ray_cluster(ray: &V1RayCluster, at: &str, findings: &mut Findings<'_>) {
    if ray.head.is_none() {
        let help =
            "the head runs Ray's control plane, which the workers join; add a `head` replica";
        missing(
            findings,
            &child_pointer(at, "kind"),
            "a RayCluster",
            "head",
            help,
        );
    }
    if let Some(head) = &ray.head {
        ray_start_labels(findings, &child_pointer(at, "head"), "Head", head);
    }
    for (name, worker) in ray.workers.iter().flatten() {
        let group = entry_pointer(&child_pointer(at, "workers"), name);
        bounds(
            findings,
            &group,
            name,
            (&worker.min_replicas, &worker.max_replicas),
        );
        ray_start_labels(findings, &group, name, worker);
    }
    let mode = ray.autoscaler_options.as_ref();
    if let Some(mode) = mode.and_then(|o| o.upscaling_mode.as_deref())
        && !UPSCALING_MODES.contains(&mode)
    {
        findings
            .at(
                &rules::OPR_REFUSED_SETTING,
                &child_pointer(at, "autoscalerOptions/upscalingMode"),
                Target::Value,
                format!("KubeRay has no upscaling mode `{mode}`"),
            )
            .help(format!(
                "use one of {}; the API server refuses the object otherwise",
                UPSCALING_MODES.map(|m| format!("`{m}`")).join(", ")
            ));
    }
}

fn pytorch_job(pytorch: &V1PytorchJob, at: &str, findings: &mut Findings<'_>) {
    let master = pytorch.master.as_ref().map(|m| &m.replicas);
    single(findings, at, "master", master, "PyTorchJob");
    let worker = pytorch.worker.as_ref().map(|w| &w.replicas);
    at_least_one(findings, at, "worker", worker);
    if pytorch.elastic_policy.is_some() && pytorch.worker.is_none() {
        let help = "elastic training scales its workers between `minReplicas` and `maxReplicas`; add a `worker` replica, or drop `elasticPolicy`";
        let pointer = child_pointer(at, "elasticPolicy");
        missing(findings, &pointer, "an elastic PyTorchJob", "worker", help);
    }
}

/// The RayCluster CRD's enum for `autoscalerOptions.upscalingMode` (KubeRay v1.7.0).
const UPSCALING_MODES: [&str; 3] = ["Default", "Aggressive", "Conservative"];

/// `labels` in `rayStartParams`, which KubeRay's `validateRayGroupLabels` refuses.
fn ray_start_labels(findings: &mut Findings<'_>, at: &str, group: &str, replica: &V1RayReplica) {
    if replica
        .ray_start_params
        .as_ref()
        .is_some_and(|params| params.contains_key("labels"))
    {
        findings
            .at(&rules::OPR_REFUSED_SETTING, &child_pointer(at, "rayStartParams/labels"), Target::Key, "KubeRay does not take `labels` in `rayStartParams`")
            .help(format!("label the pods with `environment.labels` instead; KubeRay refuses the cluster: \"rayStartParams['labels'] is not supported for {group} group\""));
    }
}

/// A role the operator runs exactly once (a PyTorchJob's master, an MPIJob's launcher).
fn single(
    findings: &mut Findings<'_>,
    at: &str,
    role: &str,
    replicas: Option<&Option<Templated<i64>>>,
    kind: &str,
) {
    let Some(count) = replicas.and_then(written).filter(|count| *count != 1) else {
        return;
    };
    findings
        .at(&rules::OPR_SINGLE_REPLICA_ROLE, &child_pointer(&child_pointer(at, role), "replicas"), Target::Value, format!("a {kind}'s `{role}` runs exactly 1 replica, not {count}"))
        .help(format!("set `replicas: 1` (or leave it out) and scale with `worker.replicas`; the training operator refuses the {kind}: \"{}\"", if kind == "MPIJob" { "There must be only 1 launcher replica" } else { "must be 1" }));
}

fn at_least_one(
    findings: &mut Findings<'_>,
    at: &str,
    role: &str,
    replicas: Option<&Option<Templated<i64>>>,
) {
    let Some(count) = replicas.and_then(written).filter(|count| *count < 1) else {
        return;
    };
    findings
        .at(&rules::OPR_REPLICA_BOUNDS, &child_pointer(&child_pointer(at, role), "replicas"), Target::Value, format!("`{role}` runs {count} replicas; the operator needs at least 1"))
        .help(format!("set `replicas: 1` or more, or remove the `{role}` replica; the training operator refuses the PyTorchJob: \"must be at least 1\""));
}

fn missing(findings: &mut Findings<'_>, pointer: &str, what: &str, role: &str, help: &str) {
    findings
        .at(
            &rules::OPR_MISSING_REPLICA_ROLE,
            pointer,
            Target::Value,
            format!("{what} needs a `{role}`, and this run has none"),
        )
        .help(help.to_owned());
}

/// A Ray worker group's autoscaling bounds, as KubeRay checks them.
fn bounds(
    findings: &mut Findings<'_>,
    at: &str,
    name: &str,
    (min, max): (&Option<Templated<i64>>, &Option<Templated<i64>>),
) {
    let (min_count, max_count) = (written(min), written(max));
    for (key, count) in [("minReplicas", min_count), ("maxReplicas", max_count)] {
        if let Some(count) = count.filter(|count| *count < 0) {
            findings
                .at(&rules::OPR_REPLICA_BOUNDS, &child_pointer(at, key), Target::Value, format!("worker group `{name}` has a negative `{key}` ({count})"))
                .help(format!("set `{key}` to 0 or more; KubeRay refuses the RayCluster: \"worker group {name} has negative {key} {count}\""));
        }
    }
    if let (Some(low), Some(high)) = (min_count, max_count)
        && low > high
    {
        findings
            .at(&rules::OPR_REPLICA_BOUNDS, &child_pointer(at, "minReplicas"), Target::Value, format!("worker group `{name}` has `minReplicas` {low} above `maxReplicas` {high}"))
            .help(format!("make `minReplicas` at most `maxReplicas`; KubeRay refuses the RayCluster: \"worker group {name} has minReplicas {low} greater than maxReplicas {high}\""));
    }
}
