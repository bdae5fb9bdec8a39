//! Run -> pod spec -> workload objects.

use std::collections::BTreeMap;

use k8s_openapi::api::apps::v1::{Deployment, DeploymentSpec};
use k8s_openapi::api::batch::v1::{Job, JobSpec};
use k8s_openapi::api::core::v1::{
    Container, ContainerPort, LocalObjectReference, Pod, PodSecurityContext, PodSpec,
    PodTemplateSpec, Service, ServicePort, ServiceSpec, Volume,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, ObjectMeta};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use super::{Object, selector_labels};
use crate::model::{
    MAIN_CONTAINER, V1Environment, V1Init, V1Job, V1Replica, V1Service, V1Termination, written,
};

pub struct Context<'a> {
    pub name: &'a str,
    pub namespace: Option<&'a str>,
    pub termination: Option<&'a V1Termination>,
    /// The agent's security context, for a run that sets none (`--values`).
    pub agent_security_context: Option<PodSecurityContext>,
}

/// The parts of a job or service that make its pod.
struct PodParts<'a> {
    environment: Option<&'a V1Environment>,
    volumes: Option<&'a Vec<Volume>>,
    init: Option<&'a Vec<V1Init>>,
    sidecars: Option<&'a Vec<Container>>,
    container: Option<&'a Container>,
    ports: &'a [i32],
}

pub fn service(context: &Context<'_>, service: &V1Service) -> Vec<Object> {
    let ports = service_ports(service);
    let parts = PodParts {
        environment: service.environment.as_ref(),
        volumes: service.volumes.as_ref(),
        init: service.init.as_ref(),
        sidecars: service.sidecars.as_ref(),
        container: service.container.as_ref(),
        ports: &ports,
    };
    let labels = labels(context, "service", parts.environment);
    let spec = pod_spec(&parts, None, context.agent_security_context.as_ref());
    let mut objects = Vec::new();
    if !ports.is_empty() {
        objects.push(Object::Service(Service {
            metadata: metadata(context, labels.clone(), None),
            spec: Some(ServiceSpec {
                type_: Some("ClusterIP".into()),
                selector: Some(selector_labels(context.name)),
                ports: Some(
                    ports
                        .iter()
                        .map(|port| ServicePort {
                            name: Some(format!("port-{port}")),
                            port: *port,
                            target_port: Some(IntOrString::Int(*port)),
                            protocol: Some("TCP".into()),
                            ..ServicePort::default()
                        })
                        .collect(),
                ),
                ..ServiceSpec::default()
            }),
            ..Service::default()
        }));
    }
    let annotations = annotations(parts.environment);
    match service.replicas.as_ref().and_then(|r| r.value()) {
        Some(replicas) => objects.push(Object::Deployment(Deployment {
            metadata: metadata(context, labels.clone(), annotations.clone()),
            spec: Some(DeploymentSpec {
                replicas: Some(i32::try_from(*replicas).unwrap_or(i32::MAX)),
                selector: LabelSelector {
                    match_labels: Some(selector_labels(context.name)),
                    ..LabelSelector::default()
                },
                template: pod_template(labels, annotations, spec),
                ..DeploymentSpec::default()
            }),
            ..Deployment::default()
        })),
        None => objects.push(Object::Pod(Pod {
            metadata: metadata(context, labels, annotations),
            spec: Some(spec),
            ..Pod::default()
        })),
    }
    objects
}

pub fn job(context: &Context<'_>, job: &V1Job) -> Vec<Object> {
    let parts = PodParts {
        environment: job.environment.as_ref(),
        volumes: job.volumes.as_ref(),
        init: job.init.as_ref(),
        sidecars: job.sidecars.as_ref(),
        container: job.container.as_ref(),
        ports: &[],
    };
    let labels = labels(context, "job", parts.environment);
    let annotations = annotations(parts.environment);
    // A Job's pods may not restart `Always`; Polyaxon runs jobs with `Never` and retries
    // through the Job's backoffLimit.
    let spec = pod_spec(
        &parts,
        Some("Never"),
        context.agent_security_context.as_ref(),
    );
    let termination = |pick: fn(&V1Termination) -> Option<i64>| {
        context
            .termination
            .and_then(pick)
            .map(|v| i32::try_from(v).unwrap_or(i32::MAX))
    };
    vec![Object::Job(Job {
        metadata: metadata(context, labels.clone(), annotations.clone()),
        spec: Some(JobSpec {
            backoff_limit: termination(|t| t.max_retries.as_ref()?.value().copied()),
            active_deadline_seconds: context
                .termination
                .and_then(|t| t.timeout.as_ref()?.value().copied()),
            ttl_seconds_after_finished: termination(|t| t.ttl.as_ref()?.value().copied()),
            pod_failure_policy: context
                .termination
                .and_then(|t| t.pod_failure_policy.clone()),
            template: pod_template(labels, annotations, spec),
            ..JobSpec::default()
        }),
        ..Job::default()
    })]
}

/// `termination` as the operators' objects spell it (a Job's own names): only the fields the
/// file sets, in a fixed order.
pub fn termination_fields(
    termination: Option<&V1Termination>,
) -> serde_json::Map<String, serde_json::Value> {
    let mut out = serde_json::Map::new();
    let Some(termination) = termination else {
        return out;
    };
    let fields = [
        ("backoffLimit", &termination.max_retries),
        ("activeDeadlineSeconds", &termination.timeout),
        ("ttlSecondsAfterFinished", &termination.ttl),
    ];
    for (key, value) in fields {
        if let Some(value) = written(value) {
            out.insert(key.to_owned(), value.into());
        }
    }
    out
}

/// A distributed run's object metadata: its name, namespace and plx's labels.
pub fn object_metadata(context: &Context<'_>, component: &str) -> ObjectMeta {
    metadata(context, labels(context, component, None), None)
}

/// A replica's pod template, made as a job's pod is; its main container gets the name the
/// operator looks for. The replica's `restartPolicy` is the operator's to apply (it may be
/// `ExitCode`, which no pod has), so the template has none.
pub fn replica_template(
    context: &Context<'_>,
    component: &str,
    replica: &V1Replica,
    main_name: Option<&str>,
) -> PodTemplateSpec {
    let parts = PodParts {
        environment: replica.environment.as_ref(),
        volumes: replica.volumes.as_ref(),
        init: replica.init.as_ref(),
        sidecars: replica.sidecars.as_ref(),
        container: replica.container.as_ref(),
        ports: &[],
    };
    let labels = labels(context, component, parts.environment);
    let annotations = annotations(parts.environment);
    let mut spec = pod_spec(&parts, None, context.agent_security_context.as_ref());
    spec.restart_policy = None;
    if let (Some(name), Some(main)) = (main_name, spec.containers.first_mut()) {
        main.name = name.to_owned();
    }
    pod_template(labels, annotations, spec)
}

/// `run.ports`, deduplicated in order (a port listed twice is one port).
fn service_ports(service: &V1Service) -> Vec<i32> {
    let mut ports: Vec<i32> = Vec::new();
    for port in service
        .ports
        .as_ref()
        .and_then(|p| p.value())
        .into_iter()
        .flatten()
    {
        if let Ok(port) = i32::try_from(*port)
            && !ports.contains(&port)
        {
            ports.push(port);
        }
    }
    ports
}

fn pod_template(
    labels: BTreeMap<String, String>,
    annotations: Option<BTreeMap<String, String>>,
    spec: PodSpec,
) -> PodTemplateSpec {
    PodTemplateSpec {
        metadata: Some(ObjectMeta {
            labels: Some(labels),
            annotations,
            ..ObjectMeta::default()
        }),
        spec: Some(spec),
    }
}

fn metadata(
    context: &Context<'_>,
    labels: BTreeMap<String, String>,
    annotations: Option<BTreeMap<String, String>>,
) -> ObjectMeta {
    ObjectMeta {
        name: Some(context.name.to_owned()),
        namespace: context.namespace.map(str::to_owned),
        labels: Some(labels),
        annotations,
        ..ObjectMeta::default()
    }
}

/// The recommended `app.kubernetes.io/*` labels plus the user's; plx's selector labels win
/// over a user label of the same key, or the selector would not match the pods.
fn labels(
    context: &Context<'_>,
    component: &str,
    environment: Option<&V1Environment>,
) -> BTreeMap<String, String> {
    let mut labels = environment
        .and_then(|e| e.labels.clone())
        .unwrap_or_default();
    labels.insert("app.kubernetes.io/component".into(), component.into());
    labels.insert("app.kubernetes.io/managed-by".into(), "plx".into());
    labels.extend(selector_labels(context.name));
    labels
}

fn annotations(environment: Option<&V1Environment>) -> Option<BTreeMap<String, String>> {
    environment
        .and_then(|e| e.annotations.clone())
        .filter(|a| !a.is_empty())
}

fn pod_spec(
    parts: &PodParts<'_>,
    default_restart: Option<&str>,
    agent_security_context: Option<&PodSecurityContext>,
) -> PodSpec {
    let env = parts.environment.cloned().unwrap_or_default();
    let mut main = parts.container.cloned().unwrap_or_default();
    if main.name.is_empty() {
        main.name = MAIN_CONTAINER.into();
    }
    // A port a sidecar already serves is that sidecar's; the rest are the main container's.
    let sidecar_ports: Vec<i32> = parts
        .sidecars
        .into_iter()
        .flatten()
        .flat_map(|c| c.ports.iter().flatten().map(|p| p.container_port))
        .collect();
    let main_ports: Vec<i32> = parts
        .ports
        .iter()
        .copied()
        .filter(|p| !sidecar_ports.contains(p))
        .collect();
    merge_ports(&mut main, &main_ports);
    let mut containers = vec![main];
    containers.extend(parts.sidecars.into_iter().flatten().cloned());
    let init_containers: Vec<Container> = parts
        .init
        .into_iter()
        .flatten()
        .filter_map(|step| step.container.clone())
        .enumerate()
        .map(|(index, mut container)| {
            if container.name.is_empty() {
                container.name = format!("init-{index}");
            }
            container
        })
        .collect();
    PodSpec {
        containers,
        init_containers: (!init_containers.is_empty()).then_some(init_containers),
        volumes: parts.volumes.cloned().filter(|v| !v.is_empty()),
        node_selector: env.node_selector,
        affinity: env.affinity,
        tolerations: env.tolerations,
        node_name: env.node_name,
        // Without an account of its own the pod needs no API token: the namespace's default
        // account's would only widen what a compromised container can reach (SEC012).
        automount_service_account_token: env.service_account_name.is_none().then_some(false),
        service_account_name: env.service_account_name,
        host_aliases: env.host_aliases,
        security_context: env
            .security_context
            .map(|context| context.to_pod())
            .or_else(|| agent_security_context.cloned()),
        image_pull_secrets: env.image_pull_secrets.map(|secrets| {
            secrets
                .into_iter()
                .map(|name| LocalObjectReference { name })
                .collect()
        }),
        host_network: env.host_network,
        host_pid: env.host_pid,
        dns_policy: env.dns_policy,
        dns_config: env.dns_config,
        scheduler_name: env.scheduler_name,
        priority_class_name: env.priority_class_name,
        // `check` refused a priority outside int32 (K8S004).
        priority: env.priority.and_then(|p| i32::try_from(p.0).ok()),
        restart_policy: env
            .restart_policy
            .filter(|p| !p.is_empty())
            .or(default_restart.map(str::to_owned)),
        ..PodSpec::default()
    }
}

/// `run.ports` become the main container's ports, unless it already declares them.
fn merge_ports(container: &mut Container, ports: &[i32]) {
    let declared = container.ports.get_or_insert_with(Vec::new);
    for port in ports {
        if !declared.iter().any(|p| p.container_port == *port) {
            declared.push(ContainerPort {
                container_port: *port,
                protocol: Some("TCP".into()),
                ..ContainerPort::default()
            });
        }
    }
    if declared.is_empty() {
        container.ports = None;
    }
}
