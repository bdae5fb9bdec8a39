//! Security lint: what a reviewer would refuse in the pod plx renders, each with the reason.
//! Warnings by default (`--strict` makes them fail), as kube-linter and kube-score report
//! them, but at the line that sets them.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{Container, PodSecurityContext};

use crate::diagnostic::Diagnostic;
use crate::document::locate::{Findings, Target};
use crate::model::runs::{Role, RunView};
use crate::rules;
use crate::yaml::Node;
use crate::yaml::scalar::is_whole_template;
use crate::yaml::tree::{child_pointer, item_pointer};

/// `agent_context` is the pod security context the agent gives runs without their own
/// (`--values` with `securityContext.enabled`).
pub fn check(
    run: &RunView<'_>,
    tree: &Node,
    agent_context: Option<&PodSecurityContext>,
) -> Vec<Diagnostic> {
    let mut lint = Lint {
        findings: Findings::new(tree),
        agent_context,
    };
    lint.host_namespaces(run);
    lint.containers(run);
    lint.run_as_root(run);
    lint.volumes(run);
    lint.service(run);
    lint.service_account(run);
    lint.findings.into_vec()
}

struct Lint<'a> {
    findings: Findings<'a>,
    agent_context: Option<&'a PodSecurityContext>,
}

impl Lint<'_> {
    fn host_namespaces(&mut self, run: &RunView<'_>) {
        let Some(env) = run.environment else {
            return;
        };
        let at = run.environment_pointer();
        if env.host_network == Some(true) {
            self.findings.at(&rules::SEC_HOST_NETWORK, &child_pointer(&at, "hostNetwork"), Target::Key, "the pod uses the node's network namespace (`hostNetwork: true`)").help("the pod sees every interface of the node, can reach services bound to the node's localhost and can snoop the traffic of other pods on the node, and its ports take the node's; drop `hostNetwork` and expose ports through `run.ports`, which become a Service");
            // `Default` and `None` choose their resolver on purpose; only ClusterFirst (the
            // default) silently falls back to the node's.
            let policy = env.dns_policy.as_deref().filter(|p| !p.is_empty());
            if matches!(policy, None | Some("ClusterFirst")) {
                let (pointer, target) = match policy {
                    Some(_) => (child_pointer(&at, "dnsPolicy"), Target::Value),
                    None => (child_pointer(&at, "hostNetwork"), Target::Key),
                };
                self.findings.at(&rules::SEC_HOST_NETWORK_DNS_POLICY, &pointer, target, format!(
                        "a `hostNetwork` pod with `dnsPolicy: {}` resolves names with the node's resolver, not the cluster's",
                        policy.unwrap_or("ClusterFirst")
                    )).help("with hostNetwork, `ClusterFirst` falls back to the node's /etc/resolv.conf, so cluster Services (and Polyaxon's API) do not resolve; set `dnsPolicy: ClusterFirstWithHostNet`");
            }
        }
        if env.host_pid == Some(true) {
            self.findings.at(&rules::SEC_HOST_PID, &child_pointer(&at, "hostPID"), Target::Key, "the pod shares the node's process namespace (`hostPID: true`)").help("its containers see and can signal every process on the node, read their environment (secrets included) through /proc, and with ptrace escalate outside the container; drop `hostPID`");
        }
    }

    fn containers(&mut self, run: &RunView<'_>) {
        for pod_container in run.containers() {
            let at = &pod_container.pointer;
            let container = pod_container.container;
            let name = display_name(pod_container.role, container);
            if let Some(context) = &container.security_context {
                let context_at = child_pointer(at, "securityContext");
                if context.privileged == Some(true) {
                    self.findings.at(&rules::SEC_PRIVILEGED, &child_pointer(&context_at, "privileged"), Target::Key, format!("{name} runs privileged")).help("a privileged container has every capability and all of the node's devices: it is root on the node; grant only the capabilities it needs with `capabilities.add`, or use a device plugin for GPUs");
                }
                if context.allow_privilege_escalation == Some(true) {
                    self.findings.at(&rules::SEC_PRIVILEGE_ESCALATION, &child_pointer(&context_at, "allowPrivilegeEscalation"), Target::Key, format!("{name} allows privilege escalation")).help("a process can gain more privileges than its parent (setuid binaries, file capabilities); set `allowPrivilegeEscalation: false`");
                }
                if let Some(added) = context
                    .capabilities
                    .as_ref()
                    .and_then(|c| c.add.as_ref())
                    .filter(|a| !a.is_empty())
                {
                    self.findings.at(&rules::SEC_ADDED_CAPABILITIES, &child_pointer(&context_at, "capabilities/add"), Target::Key, format!("{name} adds capabilities: {}", added.join(", "))).help("each added Linux capability is a piece of root (NET_ADMIN reconfigures the node's network, SYS_ADMIN is nearly all of root); drop the ones the workload does not need, and `drop: [ALL]` the rest");
                }
            }
            self.image(at, &name, container);
            if pod_container.role == Role::Main {
                let resources = container.resources.as_ref();
                let set = |map: Option<&BTreeMap<_, _>>| map.is_some_and(|m| !m.is_empty());
                if !set(resources.and_then(|r| r.requests.as_ref()))
                    && !set(resources.and_then(|r| r.limits.as_ref()))
                {
                    self.findings.at(&rules::SEC_MISSING_RESOURCES, at, Target::Key, format!("{name} sets no resource requests or limits")).help("without requests the scheduler places the pod blind and it is the first evicted under pressure; without limits one run can starve the node; add `resources: {requests: {cpu: ..., memory: ...}, limits: {memory: ...}}`");
                }
            }
        }
    }

    fn image(&mut self, at: &str, name: &str, container: &Container) {
        let Some(image) = container.image.as_deref() else {
            return;
        };
        if image.is_empty() || image.contains("{{") || is_whole_template(image) {
            return;
        }
        let problem = match image_tag(image) {
            ImageTag::Digest => return,
            ImageTag::Tag(tag) if tag != "latest" => return,
            ImageTag::Tag(_) => format!("{name} uses `{image}`, a moving tag"),
            ImageTag::None => format!("{name} uses `{image}` without a tag, which means `:latest`"),
        };
        self.findings.at(&rules::SEC_MUTABLE_IMAGE_TAG, &child_pointer(at, "image"), Target::Value, problem).help("`latest` changes under you: two pods of the same run can run different code, and a compromised push reaches you on the next pull; pin a version tag, or a digest (`image@sha256:...`)");
    }

    /// Whether each container can run as root, with the pod's `securityContext` as default.
    fn run_as_root(&mut self, run: &RunView<'_>) {
        let env_at = run.environment_pointer();
        let own = run
            .environment
            .and_then(|e| e.security_context.as_ref())
            .map(|context| context.to_pod());
        let pod = own.as_ref().or(self.agent_context);
        let pod_user = pod.and_then(|p| p.run_as_user);
        let pod_non_root = pod.and_then(|p| p.run_as_non_root);
        // One finding per place: a pod-level `runAsUser: 0` is one finding, not one per container.
        let mut findings: BTreeMap<String, (Target, String)> = BTreeMap::new();
        for pod_container in run.containers() {
            let context = pod_container.container.security_context.as_ref();
            let name = display_name(pod_container.role, pod_container.container);
            let own_user = context.and_then(|c| c.run_as_user);
            let own_non_root = context.and_then(|c| c.run_as_non_root);
            let user_at = |own: bool| {
                if own {
                    child_pointer(&pod_container.pointer, "securityContext/runAsUser")
                } else {
                    child_pointer(&env_at, "securityContext/runAsUser")
                }
            };
            // A pod-level setting is one finding about the pod, not one per container.
            let who = |own: bool| {
                if own {
                    format!("{name} runs")
                } else {
                    "the pod's containers run".to_owned()
                }
            };
            match own_user.or(pod_user) {
                Some(0) => {
                    let own = own_user.is_some();
                    findings.entry(user_at(own)).or_insert((
                        Target::Value,
                        format!("{} as root (`runAsUser: 0`)", who(own)),
                    ));
                }
                Some(_) => {}
                None => match own_non_root.or(pod_non_root) {
                    Some(true) => {}
                    Some(false) => {
                        let pointer = if own_non_root.is_some() {
                            child_pointer(&pod_container.pointer, "securityContext/runAsNonRoot")
                        } else {
                            child_pointer(&env_at, "securityContext/runAsNonRoot")
                        };
                        findings.entry(pointer).or_insert((
                            Target::Value,
                            format!(
                                "{} as root if the image says so (`runAsNonRoot: false`)",
                                who(own_non_root.is_some())
                            ),
                        ));
                    }
                    None => {
                        findings.insert(
                            pod_container.pointer.clone(),
                            (Target::Key, format!("{name} may run as root")),
                        );
                    }
                },
            }
        }
        for (pointer, (target, message)) in findings {
            self.findings.at(&rules::SEC_RUN_AS_ROOT, &pointer, target, message).help("unless `runAsNonRoot: true` or a non-zero `runAsUser` applies, a container runs as its image's user, often root; root in a container is root on the node as soon as anything else goes wrong (a kernel bug, a mounted host path, a privileged setting); set `runAsNonRoot: true` and a `runAsUser` in `run.environment.securityContext` (all containers) or in the container's `securityContext`");
        }
    }

    fn volumes(&mut self, run: &RunView<'_>) {
        for (index, volume) in run.volumes.iter().enumerate() {
            if let Some(host_path) = &volume.host_path {
                self.findings.at(&rules::SEC_HOST_PATH_VOLUME, &child_pointer(&item_pointer(&run.at, "volumes", index), "hostPath"), Target::Key, format!("volume `{}` mounts the node's `{}`", volume.name, host_path.path)).help("a hostPath volume reads and writes the node's own files: a container that can write there can plant binaries or read other pods' data, and the pod is tied to what one node holds; use a PersistentVolumeClaim, or an emptyDir for scratch space");
            }
        }
    }

    fn service(&mut self, run: &RunView<'_>) {
        let Some(service) = run.service else {
            return;
        };
        if service.is_external.as_ref().and_then(|e| e.value()) == Some(&true) {
            self.findings.at(&rules::SEC_EXTERNAL_SERVICE, &child_pointer(&run.at, "isExternal"), Target::Value, "`isExternal: true` exposes this service without Polyaxon's authentication").help("Polyaxon serves an external service on its own, not behind its API's auth proxy: anyone who can reach it can use it (a notebook is a shell); keep `isExternal: false` and reach it through Polyaxon, or put your own authentication in front");
        }
    }

    fn service_account(&mut self, run: &RunView<'_>) {
        let Some(env) = run.environment else {
            return;
        };
        if env.service_account_name.as_deref() == Some("default") {
            self.findings.at(&rules::SEC_DEFAULT_SERVICE_ACCOUNT_TOKEN, &child_pointer(&run.environment_pointer(), "serviceAccountName"), Target::Value, "`serviceAccountName: default` mounts the namespace's default service account token into the pod").help("every pod in the namespace shares that account, and anything granted to it is granted to this run's code; without `serviceAccountName` plx renders `automountServiceAccountToken: false`; drop the key, or name a dedicated account with only the rules the run needs");
        }
    }
}

/// How a finding names a container.
fn display_name(role: Role, container: &Container) -> String {
    let what = match role {
        Role::Main => "the main container",
        Role::Sidecar => "sidecar",
        Role::Init => "init container",
    };
    if container.name.is_empty() {
        what.to_owned()
    } else if role == Role::Main {
        format!("the main container `{}`", container.name)
    } else {
        format!("{what} `{}`", container.name)
    }
}

#[derive(Debug, PartialEq, Eq)]
enum ImageTag<'a> {
    Digest,
    Tag(&'a str),
    None,
}

/// The tag of an image reference: after the last `:` of its last path part (a `:` before a
/// `/` is a registry's port).
fn image_tag(image: &str) -> ImageTag<'_> {
    if image.contains('@') {
        return ImageTag::Digest;
    }
    let last = image.rsplit('/').next().unwrap_or(image);
    match last.split_once(':') {
        Some((_, tag)) => ImageTag::Tag(tag),
        None => ImageTag::None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_image_tags() {
        assert_eq!(image_tag("python:3.12"), ImageTag::Tag("3.12"));
        assert_eq!(image_tag("localhost:5000/team/app"), ImageTag::None);
        assert_eq!(
            image_tag("localhost:5000/app:latest"),
            ImageTag::Tag("latest")
        );
        assert_eq!(image_tag("busybox@sha256:abc"), ImageTag::Digest);
        assert_eq!(image_tag("busybox"), ImageTag::None);
    }

    fn sec_codes(environment: &str) -> Vec<&'static str> {
        let text = format!(
            "version: 1.1\nkind: component\nrun:\n  kind: job\n  environment:\n{environment}  container:\n    name: main\n    image: busybox:1.36\n    resources: {{limits: {{memory: 1Gi}}}}\n"
        );
        crate::check::family_codes(text, crate::rules::Family::Security)
    }

    /// A setting Polyaxon drops (a snake_case key it does not convert, SCH012) protects
    /// nothing: the lint judges the container without it.
    #[test]
    fn a_dropped_setting_does_not_count() {
        let job = |context: &str| {
            format!(
                "version: 1.1\nkind: component\nrun:\n  kind: job\n  container:\n    image: busybox:1.36\n    resources: {{limits: {{memory: 1Gi}}}}\n    securityContext: {context}\n"
            )
        };
        let kept = job("{runAsNonRoot: true, runAsUser: 1000}");
        assert!(crate::check::family_codes(kept, crate::rules::Family::Security).is_empty());
        let dropped = job("{run_as_non_root: true, run_as_user: 1000}");
        assert_eq!(
            crate::check::family_codes(dropped, crate::rules::Family::Security),
            vec!["SEC007"]
        );
    }

    #[test]
    fn host_network_dns_policy_only_for_cluster_first() {
        let base = "    securityContext: {runAsNonRoot: true}\n    hostNetwork: true\n";
        assert_eq!(sec_codes(base), vec!["SEC001", "SEC002"]);
        let none =
            format!("{base}    dnsPolicy: None\n    dnsConfig: {{nameservers: [1.1.1.1]}}\n");
        assert_eq!(sec_codes(&none), vec!["SEC001"]);
        let explicit = format!("{base}    dnsPolicy: ClusterFirstWithHostNet\n");
        assert_eq!(sec_codes(&explicit), vec!["SEC001"]);
    }

    #[test]
    fn a_container_setting_overrides_the_pods() {
        assert_eq!(
            sec_codes("    securityContext: {runAsUser: 0}\n"),
            vec!["SEC007"]
        );
        assert_eq!(
            sec_codes("    securityContext: {runAsUser: 1000, runAsNonRoot: false}\n"),
            Vec::<&str>::new()
        );
        assert_eq!(
            sec_codes("    securityContext: {runAsNonRoot: false}\n"),
            vec!["SEC007"]
        );
    }
}
