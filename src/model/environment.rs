use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{
    Affinity, HostAlias, PodDNSConfig, PodSecurityContext, Toleration,
};
use serde::Deserialize;

use super::values::LaxInt;

/// Polyaxon's `V1Environment`: everything in it lands on the pod spec.
#[derive(Clone, Debug, Default, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct V1Environment {
    pub labels: Option<BTreeMap<String, String>>,
    pub annotations: Option<BTreeMap<String, String>>,
    pub node_selector: Option<BTreeMap<String, String>>,
    pub affinity: Option<Affinity>,
    pub tolerations: Option<Vec<Toleration>>,
    pub node_name: Option<String>,
    pub service_account_name: Option<String>,
    pub host_aliases: Option<Vec<HostAlias>>,
    /// Typed as what it is in Kubernetes: the pod's security context. Polyaxon types it as a
    /// container SecurityContext, refusing `fsGroup` and writing invalid pods.
    pub security_context: Option<PodSecurityContext>,
    pub image_pull_secrets: Option<Vec<String>>,
    pub host_network: Option<bool>,
    #[serde(rename = "hostPID")]
    pub host_pid: Option<bool>,
    pub dns_policy: Option<String>,
    pub dns_config: Option<PodDNSConfig>,
    pub scheduler_name: Option<String>,
    pub priority_class_name: Option<String>,
    pub priority: Option<LaxInt>,
    pub restart_policy: Option<String>,
}
