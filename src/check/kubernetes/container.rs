//! Containers: names unique across the pod, images, ports, mounts, probes, and the fields one
//! kind of container may not have (`validateContainers`, `validateInitContainers`).

use std::collections::HashMap;

use k8s_openapi::api::core::v1::{Container, Probe};

use super::{Bound, Invalid, is_templated, suggest_label};
use crate::document::decode::display_path;
use crate::document::locate::Target;
use crate::k8s::validation;
use crate::model::MAIN_CONTAINER;
use crate::model::is_polyaxon_volume;
use crate::model::runs::{PodContainer, Role, RunView};
use crate::rules::{self};
use crate::yaml::tree::{child_pointer, item_pointer};

impl super::Check<'_> {
    pub(super) fn containers(&mut self, run: &RunView<'_>) {
        let containers = run.containers();
        let mut names: HashMap<String, String> = HashMap::new();
        let mut init_index = 0;
        for PodContainer {
            role,
            container,
            pointer,
        } in &containers
        {
            // The name the rendered container gets: plx names unnamed main and init containers.
            let name = match (role, container.name.is_empty()) {
                (Role::Main, true) => Some(MAIN_CONTAINER.to_owned()),
                (Role::Init, true) => Some(format!("init-{init_index}")),
                (Role::Sidecar, true) => None,
                (_, false) => {
                    self.dns_label(
                        &child_pointer(pointer, "name"),
                        "container name",
                        &container.name,
                    );
                    Some(container.name.clone())
                }
            };
            if *role == Role::Init {
                init_index += 1;
            }
            if let Some(name) = name {
                let here = child_pointer(pointer, "name");
                match names.get(&name) {
                    Some(first) => {
                        let first = self.span(first, Target::Value);
                        self.findings
                            .at(
                                &rules::K8S_DUPLICATE_NAME,
                                &here,
                                Target::Value,
                                format!("two containers are named `{name}`"),
                            )
                            .help(format!("container names must be unique across the main container, sidecars and init containers; the API server refuses it: `Duplicate value: \"{name}\"`"))
                            .label(first, "first used here");
                    }
                    None => {
                        names.insert(name, here);
                    }
                }
            }
            // `validateContainerCommon`: an image is required, though the schema omits it.
            if container.image.as_deref().is_none_or(str::is_empty) && !run.completed_by_polyaxon {
                self.findings.at(&rules::K8S_REQUIRED_VALUE, pointer, Target::Key, format!("`{}` has no `image`, which Kubernetes requires", display_path(pointer))).help(format!("add `image: <name>:<tag>`; the API server refuses the pod: `{}.image: Required value`", display_path(pointer)));
            }
            self.container(run, pointer, container);
            self.container_kind_fields(*role, pointer, container);
        }
    }

    pub(super) fn container(&mut self, run: &RunView<'_>, at: &str, container: &Container) {
        self.ports(at, container);
        self.mounts(run, at, container);
        if let Some(context) = &container.security_context {
            self.security_context(&child_pointer(at, "securityContext"), context);
        }
        for (key, probe) in [
            ("livenessProbe", &container.liveness_probe),
            ("readinessProbe", &container.readiness_probe),
            ("startupProbe", &container.startup_probe),
        ] {
            if let Some(probe) = probe {
                self.probe(&child_pointer(at, key), probe);
            }
        }
    }

    /// Port numbers, and names that are IANA service names, unique in the container.
    fn ports(&mut self, at: &str, container: &Container) {
        let mut port_names: HashMap<&str, String> = HashMap::new();
        for (index, port) in container.ports.iter().flatten().enumerate() {
            let here = item_pointer(at, "ports", index);
            self.range(
                &child_pointer(&here, "containerPort"),
                i64::from(port.container_port),
                Bound::Port,
            );
            if let Some(host_port) = port.host_port.filter(|p| *p != 0) {
                self.range(
                    &child_pointer(&here, "hostPort"),
                    i64::from(host_port),
                    Bound::Port,
                );
            }
            // An empty name is no name (`if len(port.Name) > 0` in the API server).
            if let Some(name) = port
                .name
                .as_deref()
                .filter(|n| !n.is_empty() && !is_templated(n))
            {
                let errors = validation::iana_svc_name(name);
                self.format(
                    &rules::K8S_INVALID_DNS_NAME,
                    &child_pointer(&here, "name"),
                    Target::Value,
                    Invalid {
                        what: || format!("port name `{name}`"),
                        expected: "an IANA service name",
                        errors,
                        fix: || suggest_label(name).map(|s| s.chars().take(15).collect()),
                    },
                );
                self.duplicate(
                    &mut port_names,
                    name,
                    &child_pointer(&here, "name"),
                    "ports of this container are named",
                    "port names must be unique within a container",
                );
            }
        }
    }

    /// Volume mounts: each of a volume of the run, each at a path of its own.
    fn mounts(&mut self, run: &RunView<'_>, at: &str, container: &Container) {
        let mut mount_paths: HashMap<&str, String> = HashMap::new();
        for (index, mount) in container.volume_mounts.iter().flatten().enumerate() {
            let here = item_pointer(at, "volumeMounts", index);
            // Polyaxon provides its context volumes; `plx render` refuses them (RND002).
            if !mount.name.is_empty()
                && !is_polyaxon_volume(&mount.name)
                && !run.pod_volumes().any(|v| v.name == mount.name)
            {
                let defined: Vec<&str> = run.pod_volumes().map(|v| v.name.as_str()).collect();
                let listed = if defined.is_empty() {
                    format!(
                        "this pod has no volumes; add one under `{}.volumes`",
                        display_path(&run.at)
                    )
                } else {
                    format!(
                        "the volumes are {}",
                        defined
                            .iter()
                            .map(|d| format!("`{d}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                };
                let mut help = crate::suggest::after_did_you_mean(
                    &mount.name,
                    defined.iter().copied(),
                    listed,
                );
                help.push_str(&format!("; the API server refuses the pod: `volumeMounts[{index}].name: Not found: \"{}\"`", mount.name));
                self.findings
                    .at(
                        &rules::K8S_UNDEFINED_VOLUME,
                        &child_pointer(&here, "name"),
                        Target::Value,
                        format!("volume mount `{}` names no volume of this run", mount.name),
                    )
                    .help(help);
            }
            if !mount.mount_path.is_empty() {
                self.duplicate(
                    &mut mount_paths,
                    &mount.mount_path,
                    &child_pointer(&here, "mountPath"),
                    "volume mounts of this container use the path",
                    "a path can hold one mount",
                );
            }
        }
    }

    /// Fields one kind of container may not have (`validateInitContainers`,
    /// `validateContainers`, `validateReadinessProbe`, `validateLivenessProbe`, ...).
    pub(super) fn container_kind_fields(&mut self, role: Role, at: &str, container: &Container) {
        let restart = container
            .restart_policy
            .as_deref()
            .filter(|p| !p.is_empty());
        let refuse = |this: &mut Self, key: &str, message: String, why: &str| {
            this.findings
                .at(
                    &rules::K8S_CONTAINER_FIELD_NOT_ALLOWED,
                    &child_pointer(at, key),
                    Target::Key,
                    message,
                )
                .help(why);
        };
        match role {
            Role::Main | Role::Sidecar if restart.is_some() => refuse(
                self,
                "restartPolicy",
                "`restartPolicy` on a regular container".into(),
                "the API server refuses it: `may not be set for non-init containers`; a container's restartPolicy only makes an init container a native sidecar (`Always`); the pod's `environment.restartPolicy` governs regular containers",
            ),
            Role::Init if restart.is_some_and(|r| r != "Always") => refuse(
                self,
                "restartPolicy",
                format!(
                    "init container `restartPolicy: {}`",
                    restart.unwrap_or_default()
                ),
                "the API server refuses it: `Unsupported value: supported values: \"Always\"`; an init container may only set `Always`, which makes it a native sidecar",
            ),
            Role::Init if restart.is_none() => {
                for (key, set) in [
                    ("livenessProbe", container.liveness_probe.is_some()),
                    ("readinessProbe", container.readiness_probe.is_some()),
                    ("startupProbe", container.startup_probe.is_some()),
                    ("lifecycle", container.lifecycle.is_some()),
                ] {
                    if set {
                        refuse(
                            self,
                            key,
                            format!("`{key}` on an init container"),
                            "the API server refuses it: `may not be set for init containers without restartPolicy=Always`; an init container runs to completion before the others start, so nothing probes it; add `restartPolicy: Always` to make it a native sidecar, or drop the field",
                        );
                    }
                }
            }
            _ => {}
        }
        if container
            .readiness_probe
            .as_ref()
            .is_some_and(|p| p.termination_grace_period_seconds.is_some())
        {
            refuse(
                self,
                "readinessProbe/terminationGracePeriodSeconds",
                "`terminationGracePeriodSeconds` on a readiness probe".into(),
                "the API server refuses it: `must not be set for readinessProbes`; a failing readiness probe never kills the container, so there is no grace period to set",
            );
        }
        for (key, probe) in [
            ("livenessProbe", &container.liveness_probe),
            ("startupProbe", &container.startup_probe),
        ] {
            if let Some(threshold) = probe.as_ref().and_then(|p| p.success_threshold)
                && threshold != 1
            {
                self.findings.at(&rules::K8S_CONTAINER_FIELD_NOT_ALLOWED, &child_pointer(&child_pointer(at, key), "successThreshold"), Target::Value, format!("`{key}.successThreshold` is {threshold}; it must be 1")).help("the API server refuses it: `must be 1`; one success is what ends a liveness or startup failure, so only a readiness probe may ask for more");
            }
        }
    }

    pub(super) fn duplicate<'n>(
        &mut self,
        seen: &mut HashMap<&'n str, String>,
        value: &'n str,
        pointer: &str,
        what: &str,
        why: &str,
    ) {
        if let Some(first) = seen.get(value) {
            let first = self.span(first, Target::Value);
            self.findings
                .at(
                    &rules::K8S_DUPLICATE_NAME,
                    pointer,
                    Target::Value,
                    format!("two {what} `{value}`"),
                )
                .help(format!(
                    "{why}; the API server refuses it: `Duplicate value: \"{value}\"`"
                ))
                .label(first, "first used here");
        } else {
            seen.insert(value, pointer.to_owned());
        }
    }

    pub(super) fn probe(&mut self, at: &str, probe: &Probe) {
        for (key, value) in [
            ("initialDelaySeconds", probe.initial_delay_seconds),
            ("timeoutSeconds", probe.timeout_seconds),
            ("periodSeconds", probe.period_seconds),
            ("successThreshold", probe.success_threshold),
            ("failureThreshold", probe.failure_threshold),
        ] {
            if let Some(value) = value {
                self.range(
                    &child_pointer(at, key),
                    i64::from(value),
                    Bound::NonNegative32,
                );
            }
        }
        if let Some(grace) = probe.termination_grace_period_seconds {
            // A grace period of 0 kills at once; the API server wants at least 1 second here.
            self.range(
                &child_pointer(at, "terminationGracePeriodSeconds"),
                grace,
                Bound::Positive,
            );
        }
    }
}
