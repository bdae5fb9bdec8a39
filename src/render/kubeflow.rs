//! `tfjob`, `pytorchjob` and `mpijob` as the Kubeflow training operator's `kubeflow.org/v1`
//! TFJob, PyTorchJob and MPIJob (training-operator v1.9.0, the last release of that API; the
//! CRDs are pinned in `schemas/crds/`). Each replica's pod template is made by the same code
//! as a job's pod; the main container carries the name the operator looks for.

use serde_json::{Map, Value, json};

use super::workload::{self, Context};
use super::{Object, Role};
use crate::model::{
    CleanPodPolicy, V1PytorchElasticPolicy, V1Replica, V1Run, V1SchedulingPolicy, V1Termination,
    written,
};

/// The run's replicas, with the names the operator gives their roles.
pub fn roles(run: &V1Run) -> Vec<Role> {
    run.replica_roles()
        .into_iter()
        .filter_map(|(key, replica)| {
            Some(Role {
                name: operator_role(key)?.to_owned(),
                replica: replica?.clone(),
            })
        })
        .collect()
}

/// The training operator's name for a role the file names by its key.
fn operator_role(key: &str) -> Option<&'static str> {
    Some(match key {
        "chief" => "Chief",
        "ps" => "PS",
        "worker" => "Worker",
        "evaluator" => "Evaluator",
        "master" => "Master",
        "launcher" => "Launcher",
        _ => return None,
    })
}

/// The operator's object for the run.
pub fn object(context: &Context<'_>, run: &V1Run, roles: &[Role]) -> Object {
    let (kind, specs_key, main_name) = match run {
        V1Run::TfJob(_) => ("TFJob", "tfReplicaSpecs", Some("tensorflow")),
        V1Run::PytorchJob(_) => ("PyTorchJob", "pytorchReplicaSpecs", Some("pytorch")),
        _ => ("MPIJob", "mpiReplicaSpecs", None),
    };
    let component = run.kind();
    let mut specs = Map::new();
    for role in roles {
        specs.insert(
            role.name.clone(),
            replica_spec(context, component, &role.replica, main_name),
        );
    }
    let mut spec = Map::new();
    spec.insert(specs_key.to_owned(), Value::Object(specs));
    let (clean, scheduling) = policies(run);
    let mut run_policy = run_policy(context.termination, clean);
    if let Some(scheduling) = scheduling {
        run_policy.insert("schedulingPolicy".to_owned(), scheduling_policy(scheduling));
    }
    if !run_policy.is_empty() {
        spec.insert("runPolicy".to_owned(), Value::Object(run_policy));
    }
    match run {
        V1Run::TfJob(tf) => {
            if let Some(dynamic) = tf.enable_dynamic_worker {
                spec.insert("enableDynamicWorker".to_owned(), dynamic.into());
            }
            if let Some(policy) = &tf.success_policy {
                spec.insert("successPolicy".to_owned(), policy.clone().into());
            }
        }
        // Kubeflow reads `nprocPerNode` as a string (a number or `auto`).
        V1Run::PytorchJob(pytorch) => {
            // The elastic policy's count is Kubeflow's deprecated spelling: the job's wins.
            let elastic = pytorch.elastic_policy.as_ref();
            let count = pytorch
                .n_proc_per_node
                .as_ref()
                .or_else(|| elastic?.n_proc_per_node.as_ref())
                .and_then(|n| n.value());
            if let Some(count) = count {
                spec.insert("nprocPerNode".to_owned(), count.to_string().into());
            }
            if let Some(elastic) = elastic {
                spec.insert("elasticPolicy".to_owned(), elastic_policy(elastic));
            }
        }
        V1Run::MpiJob(mpi) => {
            if let Some(slots) = written(&mpi.slots_per_worker) {
                spec.insert("slotsPerWorker".to_owned(), slots.into());
            }
        }
        _ => {}
    }
    Object::Custom(json!({
        "apiVersion": "kubeflow.org/v1",
        "kind": kind,
        "metadata": workload::object_metadata(context, component),
        "spec": spec,
    }))
}

/// Polyaxon's elastic policy with Kubeflow's spelling of the rendezvous keys (`rdzv...`):
/// Polyaxon's converter passes its own `rdvz...` through, and the CRD drops them.
fn elastic_policy(elastic: &V1PytorchElasticPolicy) -> Value {
    let mut out = Map::new();
    let numbers = [
        ("minReplicas", &elastic.min_replicas),
        ("maxReplicas", &elastic.max_replicas),
        ("rdzvPort", &elastic.rdvz_port),
        ("maxRestarts", &elastic.max_restarts),
    ];
    for (key, value) in numbers {
        if let Some(value) = written(value) {
            out.insert(key.to_owned(), value.into());
        }
    }
    let texts = [
        ("rdzvBackend", &elastic.rdvz_backend),
        ("rdzvHost", &elastic.rdvz_host),
        ("rdzvId", &elastic.rdvz_id),
    ];
    for (key, value) in texts {
        if let Some(value) = value {
            out.insert(key.to_owned(), value.clone().into());
        }
    }
    if let Some(standalone) = written(&elastic.standalone) {
        out.insert("standalone".to_owned(), standalone.into());
    }
    // Kubeflow makes a HorizontalPodAutoscaler (autoscaling/v2) of the workers from these.
    if let Some(metrics) = &elastic.metrics {
        out.insert("metrics".to_owned(), json!(metrics));
    }
    if let Some(settings) = &elastic.rdvz_conf {
        let settings: Vec<Value> = settings
            .iter()
            .map(|s| json!({"key": s.key, "value": s.value}))
            .collect();
        out.insert("rdzvConf".to_owned(), settings.into());
    }
    Value::Object(out)
}

fn policies(run: &V1Run) -> (Option<CleanPodPolicy>, Option<&V1SchedulingPolicy>) {
    match run {
        V1Run::TfJob(tf) => (tf.clean_pod_policy, tf.scheduling_policy.as_ref()),
        V1Run::PytorchJob(pytorch) => {
            (pytorch.clean_pod_policy, pytorch.scheduling_policy.as_ref())
        }
        V1Run::MpiJob(mpi) => (mpi.clean_pod_policy, mpi.scheduling_policy.as_ref()),
        _ => (None, None),
    }
}

/// Gang scheduling as Kubeflow reads it. `minResources` is a number in Polyaxon and a
/// resource list in Kubeflow, with no way to tell which resource the number counts: `render`
/// refuses it rather than guess.
fn scheduling_policy(policy: &V1SchedulingPolicy) -> Value {
    let mut out = Map::new();
    let numbers = [
        ("minAvailable", &policy.min_available),
        ("scheduleTimeoutSeconds", &policy.schedule_timeout_seconds),
    ];
    for (key, value) in numbers {
        if let Some(value) = written(value) {
            out.insert(key.to_owned(), value.into());
        }
    }
    for (key, value) in [
        ("queue", &policy.queue),
        ("priorityClass", &policy.priority_class),
    ] {
        if let Some(value) = value {
            out.insert(key.to_owned(), value.clone().into());
        }
    }
    Value::Object(out)
}

/// One replica: how many, how its pods restart (`ExitCode` is the operator's, not a pod's),
/// and its pod template.
fn replica_spec(
    context: &Context<'_>,
    component: &str,
    replica: &V1Replica,
    main_name: Option<&str>,
) -> Value {
    let mut out = Map::new();
    if let Some(count) = written(&replica.replicas) {
        out.insert("replicas".to_owned(), count.into());
    }
    // Polyaxon restarts a replica's pods on failure unless the file says otherwise; the
    // operators' own defaults differ by kind.
    let restart = replica
        .environment
        .as_ref()
        .and_then(|e| e.restart_policy.clone())
        .filter(|p| !p.is_empty())
        .unwrap_or_else(|| "OnFailure".to_owned());
    out.insert("restartPolicy".to_owned(), restart.into());
    let template = workload::replica_template(context, component, replica, main_name);
    out.insert(
        "template".to_owned(),
        serde_json::to_value(template).unwrap_or_default(),
    );
    Value::Object(out)
}

/// `runPolicy`: the run's `termination` and `cleanPodPolicy`, as a Job's fields are.
fn run_policy(
    termination: Option<&V1Termination>,
    clean: Option<CleanPodPolicy>,
) -> Map<String, Value> {
    let mut out = Map::new();
    if let Some(clean) = clean {
        out.insert("cleanPodPolicy".to_owned(), format!("{clean:?}").into());
    }
    out.extend(workload::termination_fields(termination));
    out
}
