//! `run.connections` as Polyaxon 2.18's converter mounts them into the main container and the
//! run's sidecars (checked with the oracle on volume_claim, host_path, secret items, envFrom
//! and configMap connections), with two intended differences: a connection's `env` becomes
//! valid `EnvVar`s (Polyaxon appends the raw mapping as one invalid entry), and of Polyaxon's
//! own `POLYAXON_*` variables only the connections catalog is written (the rest configure its
//! sidecar and tracking, which plain manifests do not run).

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{
    ConfigMapEnvSource, ConfigMapVolumeSource, Container, EnvFromSource, EnvVar, EnvVarSource,
    HostPathVolumeSource, PersistentVolumeClaimVolumeSource, SecretEnvSource, SecretKeySelector,
    SecretVolumeSource, Volume, VolumeMount,
};

use crate::model::V1Environment;
use crate::model::agent::{AgentValues, Connection, ConnectionResource};

/// What the named connections add to a pod.
#[derive(Default)]
pub struct Mounted {
    pub volumes: Vec<Volume>,
    pub mounts: Vec<VolumeMount>,
    pub env: Vec<EnvVar>,
    pub env_from: Vec<EnvFromSource>,
    pub annotations: BTreeMap<String, String>,
}

/// A schema key, written as is or in the snake_case Polyaxon also accepts (`mount_path`).
pub(super) fn schema_value<'a>(
    schema: Option<&'a serde_json::Value>,
    key: &str,
) -> Option<&'a serde_json::Value> {
    let object = schema?.as_object()?;
    object.get(key).or_else(|| {
        object
            .iter()
            .find(|(written, _)| crate::yaml::tree::is_snake_spelling(written, key))
            .map(|(_, value)| value)
    })
}

pub(super) fn schema_text(schema: Option<&serde_json::Value>, key: &str) -> Option<String> {
    schema_value(schema, key)?.as_str().map(str::to_owned)
}

fn schema_bool(schema: Option<&serde_json::Value>, key: &str) -> Option<bool> {
    schema_value(schema, key)?.as_bool()
}

/// The connections a run names, in its order; names the values lack were refused by check.
pub fn mount(names: &[String], values: &AgentValues) -> Mounted {
    let mut mounted = Mounted::default();
    let mut described = Vec::new();
    for name in names {
        let Some(connection) = values.connection(name) else {
            continue;
        };
        described.push(connection);
        let schema = connection.schema.as_ref();
        let mount_path = schema_text(schema, "mountPath");
        let read_only = schema_bool(schema, "readOnly");
        let volume = match connection.kind.as_deref() {
            Some("volume_claim") => schema_text(schema, "volumeClaim").map(|claim| Volume {
                name: name.clone(),
                persistent_volume_claim: Some(PersistentVolumeClaimVolumeSource {
                    claim_name: claim,
                    read_only,
                }),
                ..Volume::default()
            }),
            Some("host_path") => schema_text(schema, "hostPath").map(|path| Volume {
                name: name.clone(),
                host_path: Some(HostPathVolumeSource { path, type_: None }),
                ..Volume::default()
            }),
            _ => None,
        };
        if let (Some(volume), Some(mount_path)) = (volume, mount_path) {
            mounted.mounts.push(VolumeMount {
                name: volume.name.clone(),
                mount_path,
                read_only,
                ..VolumeMount::default()
            });
            mounted.volumes.push(volume);
        }
        if let Some(secret) = &connection.secret {
            resource(secret, true, &mut mounted);
        }
        if let Some(config_map) = &connection.config_map {
            resource(config_map, false, &mut mounted);
        }
        if let Some(serde_json::Value::Object(env)) = &connection.env {
            for (key, value) in env {
                let value = match value {
                    serde_json::Value::String(text) => text.clone(),
                    other => other.to_string(),
                };
                mounted.env.push(EnvVar {
                    name: key.clone(),
                    value: Some(value),
                    value_from: None,
                });
            }
        }
        mounted
            .annotations
            .extend(connection.annotations.clone().unwrap_or_default());
    }
    if !described.is_empty() {
        mounted
            .env
            .push(catalog(described.into_iter().map(catalog_entry)));
    }
    mounted
}

/// `POLYAXON_CONNECTIONS_CATALOG`: the connections a container is given, where Polyaxon's
/// client and initializers look up their kind and where their credentials are (the names of
/// Secrets and ConfigMaps, never their data).
pub(super) fn catalog(entries: impl IntoIterator<Item = serde_json::Value>) -> EnvVar {
    let entries: Vec<serde_json::Value> = entries.into_iter().collect();
    EnvVar {
        name: "POLYAXON_CONNECTIONS_CATALOG".to_owned(),
        value: Some(serde_json::json!({ "connections": entries }).to_string()),
        value_from: None,
    }
}

/// A connection as the catalog lists it, in Polyaxon's key order.
fn catalog_entry(connection: &Connection) -> serde_json::Value {
    fn resource(resource: &ConnectionResource) -> serde_json::Value {
        let mut out = serde_json::Map::new();
        out.insert("name".into(), resource.name.clone().into());
        if let Some(items) = &resource.items {
            out.insert("items".into(), items.clone().into());
        }
        if let Some(path) = &resource.mount_path {
            out.insert("mountPath".into(), path.clone().into());
        }
        if let Some(mode) = resource.default_mode {
            out.insert("defaultMode".into(), mode.into());
        }
        serde_json::Value::Object(out)
    }
    let mut out = serde_json::Map::new();
    out.insert("name".into(), connection.name.clone().into());
    out.insert("kind".into(), connection.kind.clone().into());
    if let Some(schema) = &connection.schema {
        out.insert("schema".into(), schema.clone());
    }
    if let Some(secret) = &connection.secret {
        out.insert("secret".into(), resource(secret));
    }
    if let Some(config_map) = &connection.config_map {
        out.insert("configMap".into(), resource(config_map));
    }
    if let Some(env) = &connection.env {
        out.insert("env".into(), env.clone());
    }
    if let Some(annotations) = &connection.annotations {
        out.insert("annotations".into(), serde_json::json!(annotations));
    }
    serde_json::Value::Object(out)
}

/// A Secret or ConfigMap: mounted read-only at `mountPath`, its `items` as variables, or all
/// of it as variables (`envFrom`).
fn resource(resource: &ConnectionResource, secret: bool, mounted: &mut Mounted) {
    let Some(name) = resource.name.clone() else {
        return;
    };
    let mode = resource.default_mode.and_then(|m| i32::try_from(m).ok());
    if let Some(mount_path) = resource.mount_path.clone() {
        let mut volume = Volume {
            name: name.clone(),
            ..Volume::default()
        };
        if secret {
            volume.secret = Some(SecretVolumeSource {
                secret_name: Some(name.clone()),
                default_mode: mode,
                ..SecretVolumeSource::default()
            });
        } else {
            volume.config_map = Some(ConfigMapVolumeSource {
                name: name.clone(),
                default_mode: mode,
                ..ConfigMapVolumeSource::default()
            });
        }
        mounted.volumes.push(volume);
        mounted.mounts.push(VolumeMount {
            name,
            mount_path,
            read_only: Some(true),
            ..VolumeMount::default()
        });
    } else if let Some(items) = resource.items.as_ref().filter(|i| !i.is_empty()) {
        for item in items {
            let value_from = if secret {
                EnvVarSource {
                    secret_key_ref: Some(SecretKeySelector {
                        name: name.clone(),
                        key: item.clone(),
                        optional: None,
                    }),
                    ..EnvVarSource::default()
                }
            } else {
                EnvVarSource {
                    config_map_key_ref: Some(k8s_openapi::api::core::v1::ConfigMapKeySelector {
                        name: name.clone(),
                        key: item.clone(),
                        optional: None,
                    }),
                    ..EnvVarSource::default()
                }
            };
            mounted.env.push(EnvVar {
                name: item.clone(),
                value: None,
                value_from: Some(value_from),
            });
        }
    } else {
        mounted.env_from.push(if secret {
            EnvFromSource {
                secret_ref: Some(SecretEnvSource {
                    name: name.clone(),
                    optional: None,
                }),
                ..EnvFromSource::default()
            }
        } else {
            EnvFromSource {
                config_map_ref: Some(ConfigMapEnvSource {
                    name: name.clone(),
                    optional: None,
                }),
                ..EnvFromSource::default()
            }
        });
    }
}

/// Adds what the connections mount to the run's volumes, annotations, main container and
/// sidecars: Polyaxon gives a run's own sidecars the same access as its main container.
pub fn apply(
    mounted: Mounted,
    volumes: &mut Option<Vec<Volume>>,
    containers: (&mut Option<Container>, &mut Option<Vec<Container>>),
    environment: &mut Option<V1Environment>,
) {
    if mounted.volumes.is_empty()
        && mounted.env.is_empty()
        && mounted.env_from.is_empty()
        && mounted.annotations.is_empty()
    {
        return;
    }
    super::add_volumes(volumes, mounted.volumes);
    let (main, sidecars) = containers;
    let main = main.get_or_insert_with(Container::default);
    for container in std::iter::once(main).chain(sidecars.iter_mut().flatten()) {
        give(container, &mounted.mounts, &mounted.env, &mounted.env_from);
    }
    if !mounted.annotations.is_empty() {
        environment
            .get_or_insert_with(Default::default)
            .annotations
            .get_or_insert_with(BTreeMap::new)
            .extend(mounted.annotations);
    }
}

fn give(
    container: &mut Container,
    mounts: &[VolumeMount],
    env: &[EnvVar],
    env_from: &[EnvFromSource],
) {
    if !mounts.is_empty() {
        container
            .volume_mounts
            .get_or_insert_with(Vec::new)
            .extend_from_slice(mounts);
    }
    if !env.is_empty() {
        container
            .env
            .get_or_insert_with(Vec::new)
            .extend_from_slice(env);
    }
    if !env_from.is_empty() {
        container
            .env_from
            .get_or_insert_with(Vec::new)
            .extend_from_slice(env_from);
    }
}
