use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{
    Affinity, AppArmorProfile, HostAlias, PodDNSConfig, PodSecurityContext, SELinuxOptions,
    SeccompProfile, Toleration, WindowsSecurityContextOptions,
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
    pub security_context: Option<V1EnvironmentSecurityContext>,
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

/// `environment.securityContext`: the fields a pod's and a container's security context share.
/// Polyaxon types it as a container `SecurityContext` (refusing the pod-only `fsGroup`,
/// `supplementalGroups`, `sysctls`, ...) and writes it on the pod, whose `PodSecurityContext`
/// drops the container-only ones (`privileged`, `capabilities`, ...): only these work.
#[derive(Clone, Debug, Default, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct V1EnvironmentSecurityContext {
    pub run_as_user: Option<i64>,
    pub run_as_group: Option<i64>,
    pub run_as_non_root: Option<bool>,
    #[serde(rename = "seLinuxOptions")]
    pub se_linux_options: Option<SELinuxOptions>,
    pub seccomp_profile: Option<SeccompProfile>,
    pub app_armor_profile: Option<AppArmorProfile>,
    pub windows_options: Option<WindowsSecurityContextOptions>,
}

impl V1EnvironmentSecurityContext {
    /// The pod security context it becomes.
    pub fn to_pod(&self) -> PodSecurityContext {
        PodSecurityContext {
            run_as_user: self.run_as_user,
            run_as_group: self.run_as_group,
            run_as_non_root: self.run_as_non_root,
            se_linux_options: self.se_linux_options.clone(),
            seccomp_profile: self.seccomp_profile.clone(),
            app_armor_profile: self.app_armor_profile.clone(),
            windows_options: self.windows_options.clone(),
            ..PodSecurityContext::default()
        }
    }
}
