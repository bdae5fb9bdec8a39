use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{Container, Volume};
use serde::Deserialize;

use super::environment::V1Environment;
use super::flow::{V1EventTrigger, V1Hook, V1Join, V1Matrix, V1Mount, V1Schedule};
use super::init::V1Init;
use super::run::{V1Run, V1Termination};
use super::values::{Templated, Version};

/// A whole Polyaxonfile. Polyaxon 2.18 gives components and operations one shared field set
/// (`V1Polyaxonfile`); what differs is which fields make sense, checked by the rules.
#[derive(Clone, Debug, Default, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct V1Polyaxonfile {
    pub version: Option<Version>,
    /// `component` (a reusable definition: inputs, outputs and a `run`) or `operation`
    /// (runs a component with `params`).
    pub kind: Option<FileKind>,
    /// The component's or operation's name.
    pub name: Option<String>,
    /// A free-text description.
    pub description: Option<String>,
    /// Tags for the runs.
    pub tags: Option<Vec<String>>,
    /// Names of presets to apply to the operation.
    pub presets: Option<Vec<String>>,
    /// Refuse params that are not one of the component's inputs or outputs.
    pub strict_params: Option<bool>,
    /// The queue to schedule the run on (`agent/queue`, or `queue`).
    pub queue: Option<String>,
    /// The Kubernetes namespace to run in.
    pub namespace: Option<String>,
    /// Reuse an earlier run with the same inputs instead of running again.
    pub cache: Option<V1Cache>,
    /// When the run stops: retries, timeout, time to live, culling.
    pub termination: Option<V1Termination>,
    /// Auxiliary features wired into the run's pod: auth, docker, shm, artifacts store,
    /// collection of logs, artifacts and resources, ...
    pub plugins: Option<V1Plugins>,
    /// A build operation (a hub component) that makes the run's image first.
    pub build: Option<V1Build>,
    /// Operations to start when the run ends, by its status.
    pub hooks: Option<Templated<Vec<V1Hook>>>,
    /// Whether the run may start without a manual approval (`false`: it waits for one).
    pub is_approved: Option<Templated<bool>>,
    /// A cost to account for the run.
    pub cost: Option<Templated<f64>>,
    pub mount: Option<Vec<V1Mount>>,
    /// When to start the run: on a cron, at an interval, or at a date and time.
    pub schedule: Option<V1Schedule>,
    /// Events of upstream operations that start this one (in a DAG).
    pub events: Option<Templated<Vec<V1EventTrigger>>>,
    /// A hyperparameter search or a mapping: random, grid, hyperband, bayes, hyperopt,
    /// iterative or mapping.
    pub matrix: Option<V1Matrix>,
    /// Not a template: Polyaxon reads each join's params before it renders anything.
    #[schemars(description = "Queries whose runs' values become the operation's params (fan-in).")]
    pub joins: Option<Vec<V1Join>>,
    /// Names of the DAG's operations this one waits for.
    pub dependencies: Option<Vec<String>>,
    /// When the operation starts once its upstream ones are done: all_succeeded,
    /// all_failed, all_done, one_succeeded, one_failed, one_done.
    pub trigger: Option<String>,
    /// An expression over params that must hold for the operation to run.
    pub conditions: Option<String>,
    /// Skip the operation when an upstream one was skipped.
    pub skip_on_upstream_skip: Option<bool>,
    /// The component's inputs: the params an operation gives it, each with a name and a type.
    pub inputs: Option<Vec<V1Io>>,
    /// The component's outputs: values the run logs, or params an operation gives.
    pub outputs: Option<Vec<V1Io>>,
    /// What the component runs, by its `kind`: job, service, dag, tfjob, pytorchjob,
    /// mpijob, daskcluster, raycluster, notifier, cleaner, tuner.
    pub run: Option<V1Run>,
    /// Shortcut for the service's `run.ports` (Polyaxon 2.18).
    pub ports: Option<Vec<i64>>,
    /// Shortcut for `run.container` (Polyaxon 2.18).
    pub container: Option<Container>,
    /// Shortcut for the main container's command: a shell script, or its lines (Polyaxon 2.18).
    pub cmd: Option<Cmd>,
    /// Shortcut for the main container's environment variables (Polyaxon 2.18).
    pub env: Option<BTreeMap<String, String>>,
    /// Shortcut for the main container's resources: `cpu`, `memory`, `gpu` (Polyaxon 2.18).
    pub resources: Option<BTreeMap<String, ResourceValue>>,
    /// Shortcut for `run.environment` (Polyaxon 2.18).
    pub environment: Option<V1Environment>,
    /// Shortcut for `run.init` (Polyaxon 2.18).
    pub init: Option<Vec<V1Init>>,
    /// Shortcut for `run.connections` (Polyaxon 2.18).
    pub connections: Option<Vec<String>>,
    /// Shortcut for `run.sidecars` (Polyaxon 2.18).
    pub sidecars: Option<Vec<Container>>,
    /// Shortcut for `run.volumes` (Polyaxon 2.18).
    pub volumes: Option<Vec<Volume>>,
    /// Marks the file as a template: whether it is `enabled`, its `description` and the
    /// `fields` to fill in.
    pub template: Option<V1Template>,
    /// The operation's params: for each of the component's inputs and outputs, a value
    /// (`lr: 0.01`) or `{value: ...}`, `{ref: ..., value: ...}`.
    pub params: Option<BTreeMap<String, V1Param>>,
    /// The component to run, from the component hub (`name:version`).
    pub hub_ref: Option<String>,
    /// The component to run: one of the enclosing DAG's `components`, by name.
    pub dag_ref: Option<String>,
    /// The component to run, from a URL.
    pub url_ref: Option<String>,
    /// The component to run, from a file (relative to this one).
    pub path_ref: Option<String>,
    /// The component to run, inline.
    pub component: Option<Box<V1Polyaxonfile>>,
    /// How a preset or `runPatch` merges into the operation: replace, isnull, post_merge,
    /// pre_merge.
    pub patch_strategy: Option<PatchStrategy>,
    /// Marks the file as a preset, to merge into operations.
    pub is_preset: Option<bool>,
    /// Fields to patch into the component's `run`: its environment, container, ...
    pub run_patch: Option<serde_json::Map<String, serde_json::Value>>,
}

impl V1Polyaxonfile {
    /// The 2.18 top-level shortcuts that are set, by their YAML keys.
    pub fn shortcuts(&self) -> Vec<&'static str> {
        [
            ("cmd", self.cmd.is_some()),
            ("env", self.env.is_some()),
            ("resources", self.resources.is_some()),
            ("ports", self.ports.is_some()),
            ("container", self.container.is_some()),
            ("environment", self.environment.is_some()),
            ("init", self.init.is_some()),
            ("connections", self.connections.is_some()),
            ("sidecars", self.sidecars.is_some()),
            ("volumes", self.volumes.is_some()),
        ]
        .into_iter()
        .filter_map(|(key, set)| set.then_some(key))
        .collect()
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum FileKind {
    Component,
    Operation,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum PatchStrategy {
    Replace,
    Isnull,
    PostMerge,
    PreMerge,
}

/// `cmd`: one shell script, or its lines.
#[derive(Clone, Debug, Deserialize, schemars::JsonSchema)]
#[serde(untagged, expecting = "a string or a list of strings")]
pub enum Cmd {
    Script(String),
    Lines(Vec<String>),
}

/// A `resources` shortcut value: `cpu: 2`, `memory: 4Gi`, `gpu: 1`.
#[derive(Clone, Debug, Deserialize, schemars::JsonSchema)]
#[serde(untagged, expecting = "a number or a string")]
pub enum ResourceValue {
    Int(i64),
    Float(f64),
    Text(String),
}

/// An input or output declaration.
#[derive(Clone, Debug, Default, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct V1Io {
    /// The name params give it by.
    pub name: String,
    /// A free-text description.
    pub description: Option<String>,
    /// Its type: int, float, bool, str, dict, list, path, uri, image, git, ...
    #[serde(rename = "type")]
    pub io_type: Option<String>,
    /// Whether an operation may leave it out (then it takes `value`).
    pub is_optional: Option<bool>,
    /// Whether it takes a list of values of its type.
    pub is_list: Option<bool>,
    /// Passed as a flag (`--name`) when true, left out when false.
    pub is_flag: Option<bool>,
    /// How `{{ params.NAME.as_arg }}` writes it.
    pub arg_format: Option<String>,
    /// A connection the value refers to.
    pub connection: Option<String>,
    /// Initialize the value (a git repository, artifacts, ...) in the run's context before
    /// it starts.
    pub to_init: Option<bool>,
    /// An environment variable to expose the value as.
    pub to_env: Option<String>,
    /// Its default value.
    pub value: Option<serde_json::Value>,
    /// Constraints on the value: ranges, length, regex, options, ...
    pub validation: Option<V1Validation>,
    /// Validate the value when the run starts rather than when the operation is compiled.
    pub delay_validation: Option<bool>,
    /// The values it may take.
    pub options: Option<serde_json::Value>,
}

#[derive(Clone, Debug, Default, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct V1Validation {
    pub delay: Option<bool>,
    pub gt: Option<f64>,
    pub ge: Option<f64>,
    pub lt: Option<f64>,
    pub le: Option<f64>,
    pub multiple_of: Option<f64>,
    pub min_digits: Option<i64>,
    pub max_digits: Option<i64>,
    pub decimal_places: Option<i64>,
    pub regex: Option<String>,
    pub min_length: Option<i64>,
    pub max_length: Option<i64>,
    pub contains: Option<serde_json::Value>,
    pub excludes: Option<serde_json::Value>,
    pub options: Option<serde_json::Value>,
    pub min_items: Option<i64>,
    pub max_items: Option<i64>,
    pub keys: Option<Vec<String>>,
    pub contains_keys: Option<Vec<String>>,
    pub excludes_keys: Option<Vec<String>>,
}

/// A param value given by an operation, in full form (`{value: 32}`, `{ref: ..., value: ...}`)
/// or, as Polyaxon 2.18 also reads it, short form (`lr: 0.01`).
#[derive(Clone, Debug, Default, Deserialize, schemars::JsonSchema)]
#[serde(try_from = "ParamForm")]
pub struct V1Param {
    /// The param's value.
    pub value: Option<serde_json::Value>,
    /// Where the value comes from: `ops.NAME` (an upstream operation of the DAG),
    /// `runs.UUID` or `dag`.
    #[serde(rename = "ref")]
    pub reference: Option<String>,
    /// Keep the value in the context only, not checked against an input.
    pub context_only: Option<bool>,
    /// A connection the value refers to.
    pub connection: Option<String>,
    /// Initialize the value in the run's context before it starts.
    pub to_init: Option<bool>,
    /// An environment variable to expose the value as.
    pub to_env: Option<String>,
}

/// The keys that make a mapping a full-form param, in both spellings.
const PARAM_KEYS: &[&str] = &[
    "value",
    "ref",
    "contextOnly",
    "context_only",
    "connection",
    "toInit",
    "to_init",
    "toEnv",
    "to_env",
];

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(untagged)]
enum ParamForm {
    Value(serde_json::Value),
}

impl TryFrom<ParamForm> for V1Param {
    type Error = String;

    fn try_from(ParamForm::Value(value): ParamForm) -> Result<Self, String> {
        let full_form = match &value {
            serde_json::Value::Object(map) => {
                map.is_empty() || map.keys().any(|k| PARAM_KEYS.contains(&k.as_str()))
            }
            _ => false,
        };
        if !full_form {
            return Ok(V1Param {
                value: Some(value),
                ..V1Param::default()
            });
        }
        if let Some(unknown) = value
            .as_object()
            .into_iter()
            .flat_map(|map| map.keys())
            .find(|k| !PARAM_KEYS.contains(&k.as_str()))
        {
            return Err(format!(
                "unknown key `{unknown}` in a param; a full-form param takes value, ref, contextOnly, connection, toInit and toEnv"
            ));
        }
        let flag = |v: Option<serde_json::Value>, key: &str| match v {
            None => Ok(None),
            Some(serde_json::Value::Bool(b)) => Ok(Some(b)),
            Some(other) => Err(format!("`{key}` must be a boolean, found {other}")),
        };
        let get = |camel: &str, snake: &str| value.get(camel).or_else(|| value.get(snake)).cloned();
        let text = |v: Option<serde_json::Value>| v.and_then(|v| v.as_str().map(str::to_owned));
        Ok(V1Param {
            value: get("value", "value"),
            reference: text(get("ref", "ref")),
            context_only: flag(get("contextOnly", "context_only"), "contextOnly")?,
            connection: text(get("connection", "connection")),
            to_init: flag(get("toInit", "to_init"), "toInit")?,
            to_env: text(get("toEnv", "to_env")),
        })
    }
}

#[derive(Clone, Debug, Default, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct V1Cache {
    /// Do not reuse an earlier run's results.
    pub disable: Option<Templated<bool>>,
    /// Seconds for which a cached run may be reused.
    pub ttl: Option<Templated<i64>>,
    /// The inputs and outputs whose values key the cache (all when not set).
    pub io: Option<Vec<String>>,
    /// Parts of the run that key the cache as well: containers, init, connections.
    pub sections: Option<Vec<CacheSection>>,
}

#[derive(Clone, Copy, Debug, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum CacheSection {
    Containers,
    Init,
    Connections,
}

/// Polyaxon's `V1Plugins`: the auxiliary features wired into the run's pod.
#[derive(Clone, Debug, Default, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct V1Plugins {
    /// Give the run a token to call Polyaxon's API.
    pub auth: Option<Templated<bool>>,
    /// Mount the node's docker socket.
    pub docker: Option<Templated<bool>>,
    /// Mount a memory-backed /dev/shm.
    pub shm: Option<Templated<bool>>,
    pub tmux: Option<Templated<bool>>,
    pub sandbox: Option<Templated<bool>>,
    pub ssh: Option<Templated<bool>>,
    /// Mount the artifacts store in the run's containers.
    pub mount_artifacts_store: Option<Templated<bool>>,
    /// Upload the run's outputs to the artifacts store.
    pub collect_artifacts: Option<Templated<bool>>,
    /// Collect the containers' logs.
    pub collect_logs: Option<Templated<bool>>,
    /// Collect CPU, memory and GPU usage.
    pub collect_resources: Option<Templated<bool>>,
    /// Sync the run's statuses to Polyaxon.
    pub sync_statuses: Option<Templated<bool>>,
    /// Resume from the last run's outputs when the run restarts.
    pub auto_resume: Option<Templated<bool>>,
    /// The log level of Polyaxon's helpers in the pod.
    pub log_level: Option<String>,
    /// Reach Polyaxon's API through its external host.
    pub external_host: Option<Templated<bool>>,
    /// Settings of Polyaxon's sidecar container.
    pub sidecar: Option<V1PolyaxonSidecarContainer>,
    /// Where to notify the run's statuses.
    pub notifications: Option<Vec<V1Notification>>,
}

#[derive(Clone, Debug, Default, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct V1PolyaxonSidecarContainer {
    /// The sidecar's image.
    pub image: Option<String>,
    /// The sidecar image's tag.
    pub image_tag: Option<String>,
    /// The sidecar image's pull policy.
    pub image_pull_policy: Option<String>,
    /// Seconds the sidecar sleeps between checks.
    pub sleep_interval: Option<Templated<i64>>,
    /// Seconds between the sidecar's syncs of artifacts.
    pub sync_interval: Option<Templated<i64>>,
    /// Whether the sidecar collects the logs.
    pub monitor_logs: Option<Templated<bool>>,
    /// Whether the sidecar watches the run's spec.
    pub monitor_spec: Option<Templated<bool>>,
    /// Do not mount the run's connections in the sidecar.
    pub no_connections: Option<Templated<bool>>,
    /// The sidecar's resources.
    pub resources: Option<k8s_openapi::api::core::v1::ResourceRequirements>,
}

#[derive(Clone, Debug, Default, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct V1Notification {
    pub connections: Vec<String>,
    pub trigger: Option<String>,
}

/// A build step run before the operation (a hub component, e.g. kaniko).
#[derive(Clone, Debug, Default, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct V1Build {
    /// The component to run, from the component hub (`name:version`).
    pub hub_ref: String,
    /// A connection to give the operation.
    pub connection: Option<String>,
    /// Names of presets to apply to the operation.
    pub presets: Option<Vec<String>>,
    /// The queue to schedule the operation on.
    pub queue: Option<String>,
    /// The Kubernetes namespace to run in.
    pub namespace: Option<String>,
    /// Reuse an earlier build with the same inputs.
    pub cache: Option<V1Cache>,
    /// The operation's params, by name.
    pub params: Option<BTreeMap<String, V1Param>>,
    /// Fields to patch into the build component's `run`.
    pub run_patch: Option<serde_json::Map<String, serde_json::Value>>,
    /// How a preset or `runPatch` merges into the build.
    pub patch_strategy: Option<PatchStrategy>,
}

#[derive(Clone, Debug, Default, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct V1Template {
    /// Whether the template is in use.
    pub enabled: Option<Templated<bool>>,
    /// What the template is for.
    pub description: Option<String>,
    /// The fields to fill in.
    pub fields: Option<Vec<String>>,
}
