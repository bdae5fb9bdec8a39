//! The Polyaxon agent chart's values (chart 2.15.1, `polyaxon/charts` `agent/values.yaml`),
//! typed key by key, plus the keys its documentation still shows. The chart has no
//! `values.schema.json`, and Polyaxon's own Helm-values model refuses the chart's defaults,
//! so this follows the chart. Unknown keys are errors with "did you mean"; Kubernetes objects
//! inside (tolerations, affinity, resources, TLS) are k8s-openapi types, decoded strictly.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{Affinity, ResourceRequirements, Toleration};
use k8s_openapi::api::networking::v1::IngressTLS;
use serde::Deserialize;

use crate::model::Any;

#[derive(Clone, Debug, Default, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct AgentValues {
    pub deployment_chart: Option<String>,
    pub deployment_type: Option<String>,
    /// Documented in the seed; the 2.x chart no longer reads it.
    pub deployment_version: Option<Any>,
    /// Where runs go. The chart itself deploys into the Helm release's namespace.
    pub namespace: Option<String>,
    pub limit_resources: Option<bool>,
    pub rbac: Option<Rbac>,
    pub external_services: Option<ExternalServices>,
    pub proxy: Option<Any>,
    pub auth: Option<Auth>,
    pub ingress: Option<Ingress>,
    pub ssl: Option<Any>,
    pub dns: Option<Dns>,
    pub timezone: Option<String>,
    pub agent_secret: Option<String>,
    pub gateway: Option<Gateway>,
    pub agent: Option<Agent>,
    pub operator: Option<Operator>,
    pub notifier: Option<Component>,
    pub cleaner: Option<Component>,
    pub clean_hooks: Option<Component>,
    pub init: Option<Component>,
    pub sidecar: Option<Sidecar>,
    pub tmux: Option<Component>,
    pub security_context: Option<SecurityContext>,
    pub labels: Option<BTreeMap<String, String>>,
    pub annotations: Option<BTreeMap<String, String>>,
    pub priority_class_name: Option<String>,
    pub node_selector: Option<BTreeMap<String, String>>,
    pub tolerations: Option<Vec<Toleration>>,
    pub affinity: Option<Affinity>,
    pub image_pull_secrets: Option<Vec<String>>,
    pub default_artifacts_store: Option<Connection>,
    pub artifacts_store: Option<Connection>,
    pub connections: Option<Vec<Connection>>,
    pub mount_connections: Option<Vec<String>>,
    pub include_chart_revision: Option<bool>,
    pub istio: Option<Any>,
    pub api: Option<Any>,
    pub ui: Option<Any>,
    pub operators: Option<Operators>,
}

#[derive(Clone, Debug, Default, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Rbac {
    pub enabled: Option<bool>,
}

#[derive(Clone, Debug, Default, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ExternalServices {
    pub gateway: Option<ExternalService>,
    pub api: Option<ExternalService>,
    pub streams: Option<ExternalService>,
}

#[derive(Clone, Debug, Default, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ExternalService {
    pub host: Option<String>,
    pub port: Option<i64>,
    pub base_url: Option<String>,
}

#[derive(Clone, Debug, Default, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Auth {
    pub enabled: Option<bool>,
    /// Documented in the seed; the 2.x chart no longer reads it.
    pub use_resolver: Option<bool>,
}

#[derive(Clone, Debug, Default, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Ingress {
    pub enabled: Option<bool>,
    pub backend: Option<String>,
    pub class_name: Option<String>,
    pub host_name: Option<String>,
    pub path: Option<String>,
    pub path_type: Option<String>,
    pub extra_paths: Option<Any>,
    pub tls: Option<Vec<IngressTLS>>,
    pub labels: Option<BTreeMap<String, String>>,
    pub annotations: Option<BTreeMap<String, String>>,
}

#[derive(Clone, Debug, Default, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Dns {
    pub custom_cluster: Option<String>,
    pub backend: Option<String>,
    pub prefix: Option<String>,
}

/// An image-based component of the chart (`notifier`, `cleaner`, `init`, ...).
#[derive(Clone, Debug, Default, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Component {
    pub image: Option<String>,
    pub image_tag: Option<String>,
    pub image_pull_policy: Option<String>,
    pub resources: Option<ResourceRequirements>,
}

#[derive(Clone, Debug, Default, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Sidecar {
    pub image: Option<String>,
    pub image_tag: Option<String>,
    pub image_pull_policy: Option<String>,
    pub resources: Option<ResourceRequirements>,
    pub sleep_interval: Option<i64>,
    pub sync_interval: Option<i64>,
}

#[derive(Clone, Debug, Default, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Gateway {
    pub enabled: Option<bool>,
    pub image: Option<String>,
    pub image_tag: Option<String>,
    pub image_pull_policy: Option<String>,
    pub replicas: Option<i64>,
    pub concurrency: Option<i64>,
    pub per_core: Option<bool>,
    pub resources: Option<ResourceRequirements>,
    pub service: Option<GatewayService>,
    pub hpa: Option<Hpa>,
    pub routes: Option<Routes>,
}

#[derive(Clone, Debug, Default, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct GatewayService {
    pub name: Option<String>,
    #[serde(rename = "type")]
    pub type_: Option<String>,
    pub port: Option<i64>,
    pub target_port: Option<i64>,
    pub node_port: Option<i64>,
    pub annotations: Option<BTreeMap<String, String>>,
}

#[derive(Clone, Debug, Default, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Hpa {
    pub enabled: Option<bool>,
    pub cputhreshold: Option<i64>,
    pub minpods: Option<i64>,
    pub maxpods: Option<i64>,
}

#[derive(Clone, Debug, Default, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Routes {
    pub gateway: Option<bool>,
    pub streams: Option<bool>,
}

#[derive(Clone, Debug, Default, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Agent {
    pub token: Option<String>,
    pub instance: Option<String>,
    pub enabled: Option<bool>,
    pub additional_namespaces: Option<Vec<String>>,
    pub watch_cluster: Option<bool>,
    pub enable_status_finalizers: Option<bool>,
    pub enable_logs_finalizers: Option<bool>,
    pub image: Option<String>,
    pub image_tag: Option<String>,
    pub image_pull_policy: Option<String>,
    pub is_replica: Option<bool>,
    pub executor_refresh_interval: Option<i64>,
    pub service_account_annotations: Option<BTreeMap<String, String>>,
    pub service_account_image_pull_secrets: Option<Vec<String>>,
    pub resources: Option<ResourceRequirements>,
}

#[derive(Clone, Debug, Default, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Operator {
    pub enabled: Option<bool>,
    #[serde(rename = "skipCRD")]
    pub skip_crd: Option<bool>,
    pub skip_status: Option<bool>,
    pub leader_election: Option<bool>,
    pub image: Option<String>,
    pub image_tag: Option<String>,
    pub image_pull_policy: Option<String>,
    pub max_concurrent_reconciles: Option<i64>,
    pub resources: Option<ResourceRequirements>,
}

/// The chart's `securityContext`, applied to its pods and passed to runs.
#[derive(Clone, Debug, Default, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct SecurityContext {
    pub enabled: Option<bool>,
    pub run_as_user: Option<i64>,
    pub run_as_group: Option<i64>,
    pub fs_group: Option<i64>,
    pub allow_privilege_escalation: Option<bool>,
    pub run_as_non_root: Option<bool>,
    pub fs_group_change_policy: Option<String>,
    /// The seed's form: changes the agent's pods, not the ids passed to runs.
    pub user: Option<i64>,
    /// The seed's form: changes the agent's pods, not the ids passed to runs.
    pub group: Option<i64>,
}

/// A connection (`connections[]`, `artifactsStore`, `defaultArtifactsStore`).
#[derive(Clone, Debug, Default, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Connection {
    pub name: Option<String>,
    pub kind: Option<String>,
    pub description: Option<String>,
    pub tags: Option<Vec<String>>,
    /// Kind-specific (`volumeClaim`, `mountPath`, `bucket`, ...), kept as written.
    pub schema: Option<serde_json::Value>,
    pub secret: Option<ConnectionResource>,
    pub config_map: Option<ConnectionResource>,
    /// `NAME: value` pairs the run's main container gets.
    pub env: Option<serde_json::Value>,
    pub annotations: Option<BTreeMap<String, String>>,
}

/// A Secret or ConfigMap a connection exposes to runs.
#[derive(Clone, Debug, Default, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ConnectionResource {
    pub name: Option<String>,
    pub mount_path: Option<String>,
    pub items: Option<Vec<String>>,
    pub default_mode: Option<i64>,
}

#[derive(Clone, Debug, Default, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Operators {
    pub tfjob: Option<bool>,
    pub pytorchjob: Option<bool>,
    pub mpijob: Option<bool>,
    pub daskcluster: Option<bool>,
    pub raycluster: Option<bool>,
}

/// The chart's own defaults (2.15.1), which Helm merges the user's values into.
const CHART_DEFAULTS: &str = include_str!("../../fixtures/agent/chart-2.15.1-values.yaml");

/// Helm's merge of user values into defaults: mappings merge key by key, anything else
/// replaces, and a `null` removes the default.
fn merge(defaults: &mut serde_json::Value, user: &serde_json::Value) {
    match (defaults, user) {
        (serde_json::Value::Object(base), serde_json::Value::Object(over)) => {
            for (key, value) in over {
                if value.is_null() {
                    base.remove(key);
                } else if let Some(existing) = base.get_mut(key) {
                    merge(existing, value);
                } else {
                    base.insert(key.clone(), value.clone());
                }
            }
        }
        (slot, value) => *slot = value.clone(),
    }
}

impl AgentValues {
    /// The connections runs can name: `connections`, then the artifacts store.
    pub fn catalog(&self) -> impl Iterator<Item = &Connection> {
        self.connections
            .iter()
            .flatten()
            .chain(self.artifacts_store.as_ref())
    }

    /// The connection of the catalog with this name.
    pub fn connection(&self, name: &str) -> Option<&Connection> {
        self.catalog().find(|c| c.name.as_deref() == Some(name))
    }

    /// The pod security context the agent gives runs that set none, when its own is enabled
    /// (the chart passes `runAsUser`, `runAsGroup` and `fsGroup` to runs).
    pub fn pod_security_context(&self) -> Option<k8s_openapi::api::core::v1::PodSecurityContext> {
        let context = self.security_context.as_ref()?;
        if context.enabled != Some(true) {
            return None;
        }
        Some(k8s_openapi::api::core::v1::PodSecurityContext {
            run_as_user: context.run_as_user,
            run_as_group: context.run_as_group,
            fs_group: context.fs_group,
            ..Default::default()
        })
    }

    /// The values the chart renders with: the user's file merged into the chart's defaults,
    /// as `helm install -f values.yaml` does. `None` when the file does not decode.
    pub fn with_chart_defaults(user: &crate::yaml::Node) -> Option<AgentValues> {
        let user = crate::yaml::decode::<serde_json::Value>(user, "").value?;
        let tree = crate::yaml::load(CHART_DEFAULTS, crate::yaml::Limits::default()).ok()?;
        let mut merged = crate::yaml::decode::<serde_json::Value>(&tree, "").value?;
        merge(&mut merged, &user);
        serde_json::from_value(merged).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::decode::decode_typed;
    use crate::yaml::{Limits, load};

    #[test]
    fn the_charts_own_defaults_decode_without_a_finding() {
        let text = include_str!("../../fixtures/agent/chart-2.15.1-values.yaml");
        let tree = load(text, Limits::default()).unwrap();
        let (values, diagnostics) = decode_typed::<AgentValues>(&tree);
        assert!(diagnostics.is_empty(), "{diagnostics:#?}");
        let values = values.unwrap();
        assert_eq!(values.namespace.as_deref(), Some("polyaxon"));
        assert_eq!(values.security_context.unwrap().run_as_user, Some(2222));
    }

    #[test]
    fn user_values_merge_into_the_charts_defaults_as_helm_merges_them() {
        let tree = load("namespace: ml\nsecurityContext:\n  enabled: true\ninit:\n  imageTag: 9.9.9\nartifactsStore:\n", Limits::default()).unwrap();
        let values = AgentValues::with_chart_defaults(&tree).unwrap();
        assert_eq!(values.namespace.as_deref(), Some("ml"));
        let context = values.security_context.unwrap();
        assert_eq!(
            (context.enabled, context.run_as_user),
            (Some(true), Some(2222))
        );
        let init = values.init.unwrap();
        assert_eq!(init.image.as_deref(), Some("polyaxon/polyaxon-init"));
        assert_eq!(init.image_tag.as_deref(), Some("9.9.9"));
        assert!(values.artifacts_store.is_none());
        assert!(values.default_artifacts_store.is_some());
    }

    #[test]
    fn unknown_keys_are_refused_with_a_suggestion() {
        let tree = load(
            "securityContext:\n  enabled: true\n  runAsUsr: 1000\n",
            Limits::default(),
        )
        .unwrap();
        let (_, diagnostics) = decode_typed::<AgentValues>(&tree);
        assert_eq!(diagnostics.len(), 1);
        assert_eq!(diagnostics[0].rule.code, "SCH001");
        assert!(
            diagnostics[0]
                .help
                .as_deref()
                .unwrap_or_default()
                .contains("runAsUser")
        );
    }
}
