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
    pub kind: Option<FileKind>,
    pub name: Option<String>,
    pub description: Option<String>,
    pub tags: Option<Vec<String>>,
    pub presets: Option<Vec<String>>,
    pub strict_params: Option<bool>,
    pub queue: Option<String>,
    pub namespace: Option<String>,
    pub cache: Option<V1Cache>,
    pub termination: Option<V1Termination>,
    pub plugins: Option<V1Plugins>,
    pub build: Option<V1Build>,
    pub hooks: Option<Templated<Vec<V1Hook>>>,
    pub is_approved: Option<Templated<bool>>,
    pub cost: Option<Templated<f64>>,
    pub mount: Option<Vec<V1Mount>>,
    pub schedule: Option<V1Schedule>,
    pub events: Option<Templated<Vec<V1EventTrigger>>>,
    pub matrix: Option<V1Matrix>,
    /// Not a template: Polyaxon reads each join's params before it renders anything.
    pub joins: Option<Vec<V1Join>>,
    pub dependencies: Option<Vec<String>>,
    pub trigger: Option<String>,
    pub conditions: Option<String>,
    pub skip_on_upstream_skip: Option<bool>,
    pub inputs: Option<Vec<V1Io>>,
    pub outputs: Option<Vec<V1Io>>,
    pub run: Option<V1Run>,
    pub ports: Option<Vec<i64>>,
    pub container: Option<Container>,
    pub cmd: Option<Cmd>,
    pub env: Option<BTreeMap<String, String>>,
    pub resources: Option<BTreeMap<String, ResourceValue>>,
    pub environment: Option<V1Environment>,
    pub init: Option<Vec<V1Init>>,
    pub connections: Option<Vec<String>>,
    pub sidecars: Option<Vec<Container>>,
    pub volumes: Option<Vec<Volume>>,
    pub template: Option<V1Template>,
    pub params: Option<BTreeMap<String, V1Param>>,
    pub hub_ref: Option<String>,
    pub dag_ref: Option<String>,
    pub url_ref: Option<String>,
    pub path_ref: Option<String>,
    pub component: Option<Box<V1Polyaxonfile>>,
    pub patch_strategy: Option<PatchStrategy>,
    pub is_preset: Option<bool>,
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
    pub name: String,
    pub description: Option<String>,
    #[serde(rename = "type")]
    pub io_type: Option<String>,
    pub is_optional: Option<bool>,
    pub is_list: Option<bool>,
    pub is_flag: Option<bool>,
    pub arg_format: Option<String>,
    pub connection: Option<String>,
    pub to_init: Option<bool>,
    pub to_env: Option<String>,
    pub value: Option<serde_json::Value>,
    pub validation: Option<V1Validation>,
    pub delay_validation: Option<bool>,
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
    pub value: Option<serde_json::Value>,
    #[serde(rename = "ref")]
    pub reference: Option<String>,
    pub context_only: Option<bool>,
    pub connection: Option<String>,
    pub to_init: Option<bool>,
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
    pub disable: Option<Templated<bool>>,
    pub ttl: Option<Templated<i64>>,
    pub io: Option<Vec<String>>,
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
    pub auth: Option<Templated<bool>>,
    pub docker: Option<Templated<bool>>,
    pub shm: Option<Templated<bool>>,
    pub tmux: Option<Templated<bool>>,
    pub sandbox: Option<Templated<bool>>,
    pub ssh: Option<Templated<bool>>,
    pub mount_artifacts_store: Option<Templated<bool>>,
    pub collect_artifacts: Option<Templated<bool>>,
    pub collect_logs: Option<Templated<bool>>,
    pub collect_resources: Option<Templated<bool>>,
    pub sync_statuses: Option<Templated<bool>>,
    pub auto_resume: Option<Templated<bool>>,
    pub log_level: Option<String>,
    pub external_host: Option<Templated<bool>>,
    pub sidecar: Option<V1PolyaxonSidecarContainer>,
    pub notifications: Option<Vec<V1Notification>>,
}

#[derive(Clone, Debug, Default, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct V1PolyaxonSidecarContainer {
    pub image: Option<String>,
    pub image_tag: Option<String>,
    pub image_pull_policy: Option<String>,
    pub sleep_interval: Option<Templated<i64>>,
    pub sync_interval: Option<Templated<i64>>,
    pub monitor_logs: Option<Templated<bool>>,
    pub monitor_spec: Option<Templated<bool>>,
    pub no_connections: Option<Templated<bool>>,
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
    pub hub_ref: String,
    pub connection: Option<String>,
    pub presets: Option<Vec<String>>,
    pub queue: Option<String>,
    pub namespace: Option<String>,
    pub cache: Option<V1Cache>,
    pub params: Option<BTreeMap<String, V1Param>>,
    pub run_patch: Option<serde_json::Map<String, serde_json::Value>>,
    pub patch_strategy: Option<PatchStrategy>,
}

#[derive(Clone, Debug, Default, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct V1Template {
    pub enabled: Option<Templated<bool>>,
    pub description: Option<String>,
    pub fields: Option<Vec<String>>,
}
