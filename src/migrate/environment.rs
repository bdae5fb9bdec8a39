//! The 0.x `environment`: where the pod runs (`run.environment`), what the main container
//! may use (its `resources`), and the replicas of a distributed TensorFlow or PyTorch run.

use serde_json::{Map, Value};

use super::container;
use super::section::{Notes, Section, camel_json};
use crate::yaml::Node;

/// What the 0.x `environment` gives the 1.1 run.
#[derive(Default)]
pub struct Environment {
    /// `run.environment` (nodeSelector, tolerations, affinity, serviceAccountName).
    pub pod: Map<String, Value>,
    pub resources: Option<Value>,
    pub distributed: Option<Distributed>,
}

/// A distributed run: its 1.1 kind and each role's replicas, environment and resources.
pub struct Distributed {
    pub kind: &'static str,
    pub roles: Vec<Role>,
}

pub struct Role {
    pub name: &'static str,
    pub replicas: Value,
    pub pod: Map<String, Value>,
    pub resources: Option<Value>,
}

/// The scheduling keys 0.x and 1.1 share, in 1.1's spelling.
const SCHEDULING: &[(&str, &str)] = &[
    ("node_selector", "nodeSelector"),
    ("tolerations", "tolerations"),
    ("affinity", "affinity"),
    ("service_account", "serviceAccountName"),
];

pub fn environment(node: &Node, notes: &mut Notes) -> Environment {
    let mut section = Section::new(node, "environment");
    let mut out = Environment {
        resources: section
            .take("resources")
            .and_then(|r| container::resources(r, "environment.resources", notes)),
        pod: scheduling(&mut section),
        distributed: None,
    };
    let main_role = |name| Role {
        name,
        replicas: 1.into(),
        pod: out.pod.clone(),
        resources: out.resources.clone(),
    };
    if let Some(tf) = section.take("tensorflow") {
        let mut roles = vec![main_role("chief")];
        roles.extend(replicas(
            tf,
            "environment.tensorflow",
            &[("n_workers", "worker"), ("n_ps", "ps")],
            notes,
        ));
        out.distributed = Some(Distributed {
            kind: "tfjob",
            roles,
        });
    } else if let Some(torch) = section.take("pytorch") {
        let mut roles = vec![main_role("master")];
        roles.extend(replicas(
            torch,
            "environment.pytorch",
            &[("n_workers", "worker")],
            notes,
        ));
        out.distributed = Some(Distributed {
            kind: "pytorchjob",
            roles,
        });
    }
    section.finish(notes);
    out
}

/// Takes the scheduling keys of a 0.x environment (or replica) as 1.1's `environment`.
fn scheduling(section: &mut Section<'_>) -> Map<String, Value> {
    let mut pod = Map::new();
    for (old, new) in SCHEDULING {
        if let Some(node) = section.take(old) {
            // Node selector keys are labels: data, not field names.
            let value = if *old == "node_selector" {
                node.to_json()
            } else {
                camel_json(node)
            };
            pod.insert((*new).into(), value);
        }
    }
    pod
}

/// The workers (and parameter servers) of a distributed 0.x run: `n_workers` replicas with
/// `default_worker`'s resources and scheduling.
fn replicas(
    node: &Node,
    path: &str,
    roles: &[(&str, &'static str)],
    notes: &mut Notes,
) -> Vec<Role> {
    let mut section = Section::new(node, path);
    let mut out = Vec::new();
    for (count, name) in roles {
        let replicas = section.take(count).map(Node::to_json);
        let defaults = section.take(&format!("default_{name}"));
        let Some(replicas) = replicas.filter(|n| n.as_i64() != Some(0)) else {
            continue;
        };
        let mut role = Role {
            name,
            replicas,
            pod: Map::new(),
            resources: None,
        };
        if let Some(defaults) = defaults {
            let mut inner = Section::new(defaults, &section.path_of(&format!("default_{name}")));
            role.resources = inner
                .take("resources")
                .and_then(|r| container::resources(r, &inner.path_of("resources"), notes));
            role.pod = scheduling(&mut inner);
            inner.finish(notes);
        }
        out.push(role);
    }
    section.finish(notes);
    out
}
