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
    /// Labels of the run's pod.
    pub labels: Option<BTreeMap<String, String>>,
    /// Annotations of the run's pod.
    pub annotations: Option<BTreeMap<String, String>>,
    /// Node labels the pod must be scheduled on.
    pub node_selector: Option<BTreeMap<String, String>>,
    /// The pod's scheduling constraints.
    pub affinity: Option<Affinity>,
    /// The node taints the pod tolerates.
    pub tolerations: Option<Vec<Toleration>>,
    /// Schedule the pod on this node.
    pub node_name: Option<String>,
    /// The service account the pod runs as.
    pub service_account_name: Option<String>,
    /// Entries added to the pod's /etc/hosts.
    pub host_aliases: Option<Vec<HostAlias>>,
    /// The pod's security context: the fields a pod's and a container's share (`runAsUser`,
    /// `runAsNonRoot`, ...).
    pub security_context: Option<V1EnvironmentSecurityContext>,
    /// Names of the secrets to pull the images with.
    pub image_pull_secrets: Option<Vec<String>>,
    /// Use the node's network namespace.
    pub host_network: Option<bool>,
    /// Share the node's process namespace.
    #[serde(rename = "hostPID")]
    pub host_pid: Option<bool>,
    /// The pod's DNS policy: ClusterFirst, ClusterFirstWithHostNet, Default or None.
    pub dns_policy: Option<String>,
    /// The pod's DNS settings, merged with those of its `dnsPolicy`.
    pub dns_config: Option<PodDNSConfig>,
    /// The scheduler to place the pod with.
    pub scheduler_name: Option<String>,
    /// The pod's priority class.
    pub priority_class_name: Option<String>,
    /// The pod's priority.
    pub priority: Option<LaxInt>,
    /// The pod's restart policy: Never, OnFailure or Always.
    pub restart_policy: Option<String>,
}

/// `environment.securityContext`: the fields a pod's and a container's security context share.
/// Polyaxon types it as a container `SecurityContext` (refusing the pod-only `fsGroup`,
/// `supplementalGroups`, `sysctls`, ...) and writes it on the pod, whose `PodSecurityContext`
/// drops the container-only ones (`privileged`, `capabilities`, ...): only these work.
#[derive(Clone, Debug, Default, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct V1EnvironmentSecurityContext {
    /// The UID the containers run as.
    pub run_as_user: Option<i64>,
    /// The GID the containers run as.
    pub run_as_group: Option<i64>,
    /// Require the containers to run as a non-root user.
    pub run_as_non_root: Option<bool>,
    /// The SELinux context of the containers.
    #[serde(rename = "seLinuxOptions")]
    pub se_linux_options: Option<SELinuxOptions>,
    /// The seccomp profile of the containers.
    pub seccomp_profile: Option<SeccompProfile>,
    /// The AppArmor profile of the containers.
    pub app_armor_profile: Option<AppArmorProfile>,
    /// Windows-specific settings of the containers.
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
