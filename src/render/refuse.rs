//! What `plx render` will not turn into manifests, said up front and at the exact place,
//! rather than written out wrong.

use super::Renderable;
use crate::diagnostic::Diagnostic;
use crate::document::locate::{self, Target};
use crate::model::agent::AgentValues;
use crate::model::{V1Polyaxonfile, V1Run, is_polyaxon_volume};
use crate::rules;
use crate::yaml::{Node, Span};

/// The job or service to render, or why the file is not rendered.
pub(super) fn renderable<'a>(
    file: &V1Polyaxonfile,
    run_file: &'a V1Polyaxonfile,
    prefix: &str,
    tree: &Node,
    values: Option<&AgentValues>,
) -> Result<Renderable<'a>, Vec<Diagnostic>> {
    let refusals = refusals(file, run_file, prefix, tree, values);
    if !refusals.is_empty() {
        return Err(refusals);
    }
    match &run_file.run {
        Some(V1Run::Job(job)) => Ok(Renderable::Job(job)),
        Some(V1Run::Service(service)) => Ok(Renderable::Service(service)),
        Some(
            run @ (V1Run::TfJob(_)
            | V1Run::PytorchJob(_)
            | V1Run::MpiJob(_)
            | V1Run::RayCluster(_)
            | V1Run::DaskCluster(_)),
        ) => Ok(Renderable::Distributed(run)),
        // `refusals` refuses every other file.
        _ => Err(Vec::new()),
    }
}

fn refusals(
    file: &V1Polyaxonfile,
    run_file: &V1Polyaxonfile,
    prefix: &str,
    tree: &Node,
    values: Option<&AgentValues>,
) -> Vec<Diagnostic> {
    let Some(run) = &run_file.run else {
        return vec![no_run(file, tree)];
    };
    let run_pointer = format!("{prefix}/run");
    let mut out = Vec::new();
    // The pods the run makes, as the checks see them; other kinds are not rendered.
    let views = match run {
        V1Run::TfJob(_)
        | V1Run::PytorchJob(_)
        | V1Run::MpiJob(_)
        | V1Run::RayCluster(_)
        | V1Run::DaskCluster(_) => {
            out.extend(unrendered_settings(run, &run_pointer, tree));
            crate::model::runs::replica_views(run_file, prefix)
        }
        _ => match crate::model::runs::view(run_file, prefix, None) {
            Some(view) => vec![view],
            None => return vec![unsupported_kind(run, &run_pointer, tree)],
        },
    };
    for view in &views {
        if values.is_none() && !view.connections.is_empty() {
            out.push(
                Diagnostic::new(
                    &rules::RND_NOT_YET_RENDERED,
                    "connections are defined in the agent's Helm values: render with `--values agent.yaml`",
                )
                .at(key_span(tree, &format!("{}/connections", view.at)))
                .help("pass the agent's values, or remove `connections` and mount what they provide with `volumes` and `env`"),
            );
        }
        for (index, step) in view.init.iter().enumerate() {
            if let Some(reason) = super::init::unrendered(step, values) {
                out.push(
                    Diagnostic::new(&rules::RND_NOT_YET_RENDERED, reason.message)
                        .at(key_span(
                            tree,
                            &format!("{}/init/{index}/{}", view.at, reason.key),
                        ))
                        .help(reason.help),
                );
            }
        }
        out.extend(polyaxon_volumes(view, tree));
    }
    out
}

fn unsupported_kind(run: &V1Run, run_pointer: &str, tree: &Node) -> Diagnostic {
    Diagnostic::new(
        &rules::RND_UNSUPPORTED_RUN_KIND,
        format!("`plx render` writes `job`, `service`, `tfjob`, `pytorchjob`, `mpijob`, `raycluster` and `daskcluster` runs; `{}` is not rendered", run.kind()),
    )
    .at(tree.pointer(&format!("{run_pointer}/kind")).map(|l| l.node.span).unwrap_or_default())
    .help("`plx check` still checks this file; its Kubernetes objects are made by Polyaxon's operator")
}

/// Settings of a distributed run plx does not render: refused rather than dropped.
fn unrendered_settings(run: &V1Run, run_pointer: &str, tree: &Node) -> Vec<Diagnostic> {
    let scheduling = match run {
        V1Run::TfJob(tf) => tf.scheduling_policy.as_ref(),
        V1Run::PytorchJob(pytorch) => pytorch.scheduling_policy.as_ref(),
        V1Run::MpiJob(mpi) => mpi.scheduling_policy.as_ref(),
        _ => None,
    };
    let one_bound = matches!(run, V1Run::DaskCluster(dask)
        if dask.min_replicas.is_some() != dask.max_replicas.is_some());
    let refusals = [
        (
            "schedulingPolicy/minResources",
            scheduling.is_some_and(|s| s.min_resources.is_some()),
            "`schedulingPolicy.minResources` is a number in Polyaxon and a resource list (`cpu`, `memory`, ...) in Kubeflow; plx cannot tell which resource it counts",
            "remove it and write the resource list under the object's `spec.runPolicy.schedulingPolicy.minResources`",
        ),
        (
            if matches!(run, V1Run::DaskCluster(d) if d.min_replicas.is_some()) {
                "minReplicas"
            } else {
                "maxReplicas"
            },
            one_bound,
            "the Dask operator's DaskAutoscaler needs both `minReplicas` and `maxReplicas`; this run gives one",
            "give both bounds to autoscale the workers, or neither to run `worker.replicas` of them",
        ),
    ];
    refusals
        .into_iter()
        .filter(|(_, present, ..)| *present)
        .map(|(key, _, message, help)| {
            Diagnostic::new(&rules::RND_NOT_YET_RENDERED, message)
                .at(key_span(tree, &format!("{run_pointer}/{key}")))
                .help(help)
        })
        .collect()
}

/// What the operator of a distributed run decides itself, which the file says otherwise:
/// left out of the object, with a warning at the setting.
pub fn operator_decides(run_file: &V1Polyaxonfile, prefix: &str, tree: &Node) -> Vec<Diagnostic> {
    let run_pointer = format!("{prefix}/run");
    let mut out = Vec::new();
    let lifecycle = match &run_file.run {
        Some(V1Run::DaskCluster(dask)) => {
            let roles = [("scheduler", &dask.scheduler), ("worker", &dask.worker)];
            for (role, replica) in roles {
                let policy = replica
                    .as_ref()
                    .and_then(|r| r.environment.as_ref()?.restart_policy.as_deref());
                if policy.is_some_and(|p| p != "Always") {
                    let pointer = format!("{run_pointer}/{role}/environment/restartPolicy");
                    out.push(
                        Diagnostic::new(&rules::RND_OPERATOR_DECIDES, "the Dask operator runs schedulers and workers as Deployments, whose pods always restart; `restartPolicy` is left out")
                            .at(key_span(tree, &pointer))
                            .help("remove `restartPolicy`, or set it to `Always`"),
                    );
                }
            }
            Some("a DaskCluster runs until it is deleted")
        }
        Some(V1Run::RayCluster(ray)) if ray.entrypoint.is_none() => {
            for key in ["runtimeEnv", "metadata"] {
                if tree.pointer(&format!("{run_pointer}/{key}")).is_some() {
                    out.push(
                        Diagnostic::new(&rules::RND_OPERATOR_DECIDES, format!("`{key}` is a Ray job's; without an `entrypoint` the run is a RayCluster, which has none"))
                            .at(key_span(tree, &format!("{run_pointer}/{key}")))
                            .help("add an `entrypoint` to render a RayJob, or remove the setting"),
                    );
                }
            }
            Some("without an `entrypoint` the run is a RayCluster, which runs until it is deleted")
        }
        _ => None,
    };
    if let (Some(reason), Some(termination)) = (lifecycle, &run_file.termination) {
        let set = [
            ("maxRetries", termination.max_retries.is_some()),
            ("timeout", termination.timeout.is_some()),
            ("ttl", termination.ttl.is_some()),
        ];
        for (key, _) in set.into_iter().filter(|(_, set)| *set) {
            out.push(
                Diagnostic::new(&rules::RND_OPERATOR_DECIDES, format!("`termination.{key}` is not rendered: {reason}"))
                    .at(key_span(tree, &format!("{prefix}/termination/{key}")))
                    .help("delete the object when the work is done (`kubectl delete -f`); under Polyaxon the setting still applies"),
            );
        }
    }
    // In the file's order, as `check` reports.
    out.sort_by_key(|d| d.span.map(|s| s.start));
    out
}

/// KubeRay names a RayJob's cluster after the job plus a suffix, so it refuses a RayJob whose
/// name is longer than 47 characters (`MaxRayJobNameLength`, v1.7.0).
pub fn object_name(run_file: &V1Polyaxonfile, name: &str) -> Option<Diagnostic> {
    const RAY_JOB_NAME: usize = 47;
    let ray_job = matches!(&run_file.run, Some(V1Run::RayCluster(ray)) if ray.entrypoint.is_some());
    (ray_job && name.len() > RAY_JOB_NAME).then(|| {
        Diagnostic::new(
            &rules::RND_NOT_YET_RENDERED,
            format!("the RayJob would be named `{name}` ({} characters); KubeRay refuses a RayJob name longer than {RAY_JOB_NAME}", name.len()),
        )
        .help("pass a shorter `--name`, or shorten the component's `name`")
    })
}

fn key_span(tree: &Node, pointer: &str) -> Span {
    tree.pointer(pointer)
        .map(|l| l.key_span.unwrap_or(l.node.span))
        .unwrap_or_default()
}

/// A file with no `run` of its own: an operation by reference, or nothing to render.
fn no_run(file: &V1Polyaxonfile, tree: &Node) -> Diagnostic {
    let reference = [
        ("hubRef", &file.hub_ref),
        ("pathRef", &file.path_ref),
        ("urlRef", &file.url_ref),
        ("dagRef", &file.dag_ref),
    ]
    .into_iter()
    .find(|(_, value)| value.is_some());
    let (message, span) = match reference {
        Some((key, _)) => (
            format!("operations that run a component by `{key}` are not rendered yet"),
            key_span(tree, &format!("/{key}")),
        ),
        None => (
            "this file has no `run` to render".to_owned(),
            Span::default(),
        ),
    };
    Diagnostic::new(&rules::RND_NOT_YET_RENDERED, message)
        .at(span)
        .help("render the component file itself, or put the component inline under `component:`")
}

/// Mounts of the volumes Polyaxon's agent adds to its pods, which the run does not declare.
fn polyaxon_volumes(view: &crate::model::runs::RunView<'_>, tree: &Node) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let declared = |name: &str| view.volumes.iter().any(|v| v.name == name);
    for crate::model::runs::PodContainer {
        container, pointer, ..
    } in view.containers()
    {
        for (index, mount) in container.volume_mounts.iter().flatten().enumerate() {
            if is_polyaxon_volume(&mount.name) && !declared(&mount.name) {
                out.push(
                    Diagnostic::new(
                        &rules::RND_NOT_YET_RENDERED,
                        format!("`{}` is a volume Polyaxon's agent adds to its pods; plain manifests have no such volume", mount.name),
                    )
                    .at(locate::span(tree, &format!("{pointer}/volumeMounts/{index}/name"), Target::Value))
                    .help("declare the volume under `run.volumes` (an emptyDir or a PersistentVolumeClaim) to render this file"),
                );
            }
        }
    }
    out
}

/// Sections that steer Polyaxon itself and have no place in plain manifests.
const CONTROL_PLANE_SECTIONS: &[&str] = &[
    "plugins", "hooks", "build", "cache", "schedule", "matrix", "events", "joins", "queue",
    "presets", "mount",
];

pub fn ignored_sections(tree: &Node) -> Vec<Diagnostic> {
    CONTROL_PLANE_SECTIONS
        .iter()
        .filter_map(|key| tree.get(key))
        .map(|entry| {
            Diagnostic::new(
                &rules::RND_IGNORED_SECTION,
                format!("`{}` steers Polyaxon's control plane and is not part of the rendered manifests", entry.key),
            )
            .at(entry.key_span)
            .help("the manifests run the same containers without it; under Polyaxon it still applies")
        })
        .collect()
}
