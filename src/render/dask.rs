//! `daskcluster` as the Dask operator's `kubernetes.dask.org/v1` DaskCluster (dask-kubernetes
//! 2025.4.3; the CRDs are pinned in `schemas/crds/`), with a DaskAutoscaler when the run
//! gives worker bounds. A Polyaxon Dask run has no client pod of its own, so it is a cluster,
//! not a DaskJob: `docs/render.md` says why.

use k8s_openapi::api::core::v1::{Container, ContainerPort};
use serde_json::{Map, Value, json};

use super::workload::{self, Context};
use super::{Object, Role};
use crate::model::{V1DaskCluster, written};

/// The ports Dask's scheduler listens on by default. The operator points every worker at
/// `tcp://<cluster>-scheduler...:8786`, so the scheduler's Service always serves the first.
const SCHEDULER_PORTS: [(&str, i32); 2] = [("tcp-comm", 8786), ("http-dashboard", 8787)];

/// The scheduler, then the workers.
pub fn roles(dask: &V1DaskCluster) -> Vec<Role> {
    [("scheduler", &dask.scheduler), ("worker", &dask.worker)]
        .into_iter()
        .filter_map(|(name, replica)| {
            Some(Role {
                name: name.to_owned(),
                replica: replica.clone()?,
            })
        })
        .collect()
}

/// The DaskCluster, and its DaskAutoscaler when the run bounds its workers.
pub fn objects(context: &Context<'_>, dask: &V1DaskCluster, roles: &[Role]) -> Vec<Object> {
    let mut spec = Map::new();
    for role in roles {
        let mut replica = role.replica.clone();
        let mut out = Map::new();
        if role.name == "worker"
            && let Some(count) = written(&replica.replicas)
        {
            out.insert("replicas".to_owned(), count.into());
        }
        if role.name == "scheduler" {
            let ports = scheduler_ports(replica.container.get_or_insert_with(Default::default));
            out.insert("service".to_owned(), scheduler_service(context, ports));
        }
        let template = workload::replica_template(context, "daskcluster", &replica, None);
        out.insert("metadata".to_owned(), json!(template.metadata));
        // The operator runs schedulers and workers as Deployments, whose pods always
        // restart: the file's `restartPolicy` is left out (`render` warns when it differs).
        out.insert("spec".to_owned(), json!(template.spec));
        spec.insert(role.name.clone(), Value::Object(out));
    }
    let metadata = workload::object_metadata(context, "daskcluster");
    let mut objects = vec![Object::Custom(json!({
        "apiVersion": "kubernetes.dask.org/v1",
        "kind": "DaskCluster",
        "metadata": metadata,
        "spec": spec,
    }))];
    // `render` refuses a run that gives only one bound (the autoscaler needs both).
    if let (Some(minimum), Some(maximum)) =
        (written(&dask.min_replicas), written(&dask.max_replicas))
    {
        objects.push(Object::Custom(json!({
            "apiVersion": "kubernetes.dask.org/v1",
            "kind": "DaskAutoscaler",
            "metadata": metadata,
            "spec": {"cluster": context.name, "minimum": minimum, "maximum": maximum},
        })));
    }
    objects
}

/// The scheduler container's named ports, after giving it Dask's defaults: a declared port of
/// a default number gets the default's name, and a default it lacks is added. The Service
/// reaches them by name, because the CRD takes `targetPort` as text, and a number as text is
/// not a port name.
fn scheduler_ports(container: &mut Container) -> Vec<(String, i32, Option<String>)> {
    let ports = container.ports.get_or_insert_with(Vec::new);
    for (name, number) in SCHEDULER_PORTS {
        if let Some(port) = ports.iter_mut().find(|p| p.container_port == number) {
            port.name.get_or_insert_with(|| name.to_owned());
        } else if !ports.iter().any(|p| p.name.as_deref() == Some(name)) {
            ports.push(ContainerPort {
                name: Some(name.to_owned()),
                container_port: number,
                protocol: Some("TCP".to_owned()),
                ..ContainerPort::default()
            });
        }
    }
    ports
        .iter()
        .filter_map(|p| Some((p.name.clone()?, p.container_port, p.protocol.clone())))
        .collect()
}

/// The scheduler's Service, which the Dask operator creates as written, selecting the pods
/// it labels as this cluster's scheduler. A port the container leaves unnamed is not served.
fn scheduler_service(context: &Context<'_>, ports: Vec<(String, i32, Option<String>)>) -> Value {
    let ports: Vec<Value> = ports
        .into_iter()
        .map(|(name, number, protocol)| {
            let mut port = json!({"name": name, "port": number, "targetPort": name});
            if let Some(protocol) = protocol {
                port["protocol"] = protocol.into();
            }
            port
        })
        .collect();
    json!({
        "type": "ClusterIP",
        "selector": {"dask.org/cluster-name": context.name, "dask.org/component": "scheduler"},
        "ports": ports,
    })
}
