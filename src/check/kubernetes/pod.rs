//! The pod's own fields: labels and annotations, host aliases and DNS, security contexts,
//! tolerations, affinity weights, the restart policy and the termination settings
//! (`ValidatePodSpec`, `validatePodSpecSecurityContext`, `validateTolerations`, ...).

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::SecurityContext;

use super::{Bound, Invalid, is_templated, suggest_qualified, suggest_subdomain};
use crate::document::locate::{self, Target};
use crate::k8s::validation;
use crate::model::runs::{RunView, Workload};
use crate::model::{V1Environment, V1EnvironmentSecurityContext};
use crate::rules::{self, Rule};
use crate::yaml::Span;
use crate::yaml::tree::{child_pointer, entry_pointer, item_pointer};

/// `MaxDNSNameservers`, `MaxDNSSearchPaths` and `MaxDNSSearchListChars` in core validation.
const MAX_NAMESERVERS: usize = 3;
const MAX_SEARCH_PATHS: usize = 32;
const MAX_SEARCH_CHARS: usize = 2048;

impl super::Check<'_> {
    pub(super) fn environment(&mut self, run: &RunView<'_>) {
        let Some(env) = run.environment else {
            return;
        };
        let at = run.environment_pointer();
        self.labels(&at, "labels", env.labels.as_ref());
        self.labels(&at, "nodeSelector", env.node_selector.as_ref());
        self.annotations(&at, env.annotations.as_ref());
        self.references(&at, env);
        self.host_aliases(&at, env);
        if let Some(priority) = env.priority {
            self.range(&child_pointer(&at, "priority"), priority.0, Bound::Int32);
        }
        if let Some(context) = &env.security_context {
            self.pod_security_context(&child_pointer(&at, "securityContext"), context);
        }
        self.tolerations(&at, env);
        self.dns(&at, env);
        self.restart_policy(run, &at, env);
        self.affinity_weights(&at, env);
        self.node_name(&at, env);
    }

    /// The names the pod refers to: its service account, priority class, node and image pull
    /// secrets.
    fn references(&mut self, at: &str, env: &V1Environment) {
        if let Some(name) = &env.service_account_name {
            self.dns_subdomain(
                &child_pointer(at, "serviceAccountName"),
                "service account name",
                name,
            );
        }
        if let Some(name) = &env.priority_class_name {
            self.dns_subdomain(
                &child_pointer(at, "priorityClassName"),
                "priority class name",
                name,
            );
        }
        if let Some(name) = &env.node_name {
            self.dns_subdomain(&child_pointer(at, "nodeName"), "node name", name);
        }
        // The API server does not check these references, but a Secret's name is a DNS
        // subdomain: a reference that is not one can never resolve, and the kubelet pulls
        // without the credentials.
        for (index, secret) in env.image_pull_secrets.iter().flatten().enumerate() {
            if is_templated(secret) {
                continue;
            }
            let invalid = Invalid {
                what: || format!("image pull secret name `{secret}`"),
                expected: "a DNS-1123 subdomain",
                errors: validation::dns1123_subdomain(secret),
                fix: || suggest_subdomain(secret),
            };
            self.format_with(
                &rules::K8S_INVALID_DNS_NAME,
                &item_pointer(at, "imagePullSecrets", index),
                Target::Value,
                invalid,
                "no Secret can have this name, so the image is pulled without these credentials",
            );
        }
    }

    fn host_aliases(&mut self, at: &str, env: &V1Environment) {
        for (index, alias) in env.host_aliases.iter().flatten().enumerate() {
            let alias_at = item_pointer(at, "hostAliases", index);
            // A missing `ip` is a required value (K8S006); a written empty one is not an IP.
            let ip_at = child_pointer(&alias_at, "ip");
            if locate::node(self.findings.tree(), &ip_at).is_some() {
                self.ip(&ip_at, &alias.ip);
            }
            for (host, hostname) in alias.hostnames.iter().flatten().enumerate() {
                self.dns_subdomain(
                    &item_pointer(&alias_at, "hostnames", host),
                    "host alias hostname",
                    hostname,
                );
            }
        }
    }

    /// `nodeName` with placement settings: the scheduler, which reads them, is bypassed.
    fn node_name(&mut self, at: &str, env: &V1Environment) {
        let Some(node_name) = &env.node_name else {
            return;
        };
        let bypassed: Vec<&str> = [
            ("nodeSelector", env.node_selector.is_some()),
            ("affinity", env.affinity.is_some()),
            ("tolerations", env.tolerations.is_some()),
        ]
        .into_iter()
        .filter_map(|(key, set)| set.then_some(key))
        .collect();
        if bypassed.is_empty() {
            return;
        }
        let listed = bypassed
            .iter()
            .map(|k| format!("`{k}`"))
            .collect::<Vec<_>>()
            .join(" and ");
        let places: Vec<Span> = bypassed
            .iter()
            .map(|key| self.span(&child_pointer(at, key), Target::Key))
            .collect();
        let mut finding = self.findings.at(
            &rules::K8S_NODE_NAME_BYPASSES_SCHEDULER,
            &child_pointer(at, "nodeName"),
            Target::Value,
            format!(
                "`nodeName: {node_name}` places the pod directly, bypassing the scheduler and {listed}"
            ),
        )
        .help("the kubelet of that node admits or rejects the pod itself: if the node lacks room, the pod fails instead of waiting; to pin a node through the scheduler, drop `nodeName` and add `kubernetes.io/hostname: <node>` to `nodeSelector`");
        for place in places {
            finding = finding.label(place, "not used for placement");
        }
    }

    pub(super) fn labels(
        &mut self,
        at: &str,
        key: &str,
        labels: Option<&BTreeMap<String, String>>,
    ) {
        for (name, value) in labels.into_iter().flatten() {
            let pointer = entry_pointer(&child_pointer(at, key), name);
            let what = if key == "labels" {
                "label"
            } else {
                "node selector label"
            };
            self.label_key(
                &rules::K8S_INVALID_LABEL,
                &pointer,
                || format!("{what} key `{name}`"),
                name,
            );
            if is_templated(value) {
                continue;
            }
            self.format(
                &rules::K8S_INVALID_LABEL,
                &pointer,
                Target::Value,
                Invalid {
                    what: || format!("{what} value `{value}`"),
                    expected: "a valid label value",
                    errors: validation::label_value(value),
                    fix: || suggest_qualified(value).filter(|_| !value.is_empty()),
                },
            );
        }
    }

    /// `ValidateLabelName`: a qualified name.
    pub(super) fn label_key(
        &mut self,
        rule: &'static Rule,
        pointer: &str,
        what: impl FnOnce() -> String,
        name: &str,
    ) {
        if is_templated(name) {
            return;
        }
        let invalid = Invalid {
            what,
            expected: "a valid label key",
            errors: validation::qualified_name(name),
            fix: || suggest_qualified(name),
        };
        self.format(rule, pointer, Target::Key, invalid);
    }

    pub(super) fn annotations(&mut self, at: &str, annotations: Option<&BTreeMap<String, String>>) {
        let Some(annotations) = annotations else {
            return;
        };
        let mut total = 0;
        for (name, value) in annotations {
            total += name.len() + value.len();
            if is_templated(name) {
                continue;
            }
            let pointer = entry_pointer(&child_pointer(at, "annotations"), name);
            self.format(
                &rules::K8S_INVALID_ANNOTATION,
                &pointer,
                Target::Key,
                Invalid {
                    what: || format!("annotation key `{name}`"),
                    expected: "a valid annotation key",
                    errors: validation::qualified_name(&name.to_ascii_lowercase()),
                    fix: || suggest_qualified(name),
                },
            );
        }
        if total > validation::ANNOTATIONS_MAX_BYTES {
            self.findings.at(&rules::K8S_INVALID_ANNOTATION, &child_pointer(at, "annotations"), Target::Key, format!(
                    "the annotations hold {total} bytes; Kubernetes allows {} in all",
                    validation::ANNOTATIONS_MAX_BYTES
                )).help(format!(
                    "the API server refuses it: `metadata.annotations: Too long: may not be more than {} bytes`; keep large data in a ConfigMap and reference it",
                    validation::ANNOTATIONS_MAX_BYTES
                ));
        }
    }

    pub(super) fn ip(&mut self, pointer: &str, text: &str) {
        if is_templated(text) {
            return;
        }
        let errors = validation::ip(text);
        if !errors.is_empty() {
            self.findings
                .at(
                    &rules::K8S_INVALID_IP,
                    pointer,
                    Target::Value,
                    format!("`{text}` is not an IP address"),
                )
                .help(format!("the API server refuses it: {}", errors.join("; ")));
        }
    }

    pub(super) fn pod_security_context(
        &mut self,
        at: &str,
        context: &V1EnvironmentSecurityContext,
    ) {
        for (key, value) in [
            ("runAsUser", context.run_as_user),
            ("runAsGroup", context.run_as_group),
        ] {
            if let Some(value) = value {
                self.range(&child_pointer(at, key), value, Bound::Id);
            }
        }
    }

    pub(super) fn security_context(&mut self, at: &str, context: &SecurityContext) {
        for (key, value) in [
            ("runAsUser", context.run_as_user),
            ("runAsGroup", context.run_as_group),
        ] {
            if let Some(value) = value {
                self.range(&child_pointer(at, key), value, Bound::Id);
            }
        }
    }

    pub(super) fn tolerations(&mut self, at: &str, env: &V1Environment) {
        for (index, toleration) in env.tolerations.iter().flatten().enumerate() {
            let here = item_pointer(at, "tolerations", index);
            let operator = toleration.operator.as_deref().unwrap_or("Equal");
            let key = toleration.key.as_deref().unwrap_or("");
            let value = toleration.value.as_deref().unwrap_or("");
            if !key.is_empty() {
                self.label_key(
                    &rules::K8S_INVALID_TOLERATION,
                    &child_pointer(&here, "key"),
                    || format!("toleration key `{key}`"),
                    key,
                );
            }
            if operator != "Exists" && !is_templated(value) {
                let invalid = Invalid {
                    what: || format!("toleration value `{value}`"),
                    expected: "a valid label value",
                    errors: validation::label_value(value),
                    fix: || suggest_qualified(value).filter(|_| !value.is_empty()),
                };
                self.format(
                    &rules::K8S_INVALID_TOLERATION,
                    &child_pointer(&here, "value"),
                    Target::Value,
                    invalid,
                );
            }
            if operator == "Exists" && !value.is_empty() {
                self.findings.at(&rules::K8S_INVALID_TOLERATION, &child_pointer(&here, "value"), Target::Value, format!("a toleration with `operator: Exists` has `value: {value}`")).help("the API server refuses it: `value must be empty when `operator` is 'Exists'`; drop `value` to tolerate every value of the key, or use `operator: Equal` to tolerate only this one");
            }
            if key.is_empty() && operator != "Exists" {
                self.findings.at(&rules::K8S_INVALID_TOLERATION, &child_pointer(&here, "operator"), if toleration.operator.is_some() {
                        Target::Value
                    } else {
                        Target::Key
                    }, "a toleration without `key` must have `operator: Exists`").help("the API server refuses it: `operator must be Exists when `key` is empty, which means \"match all values and all keys\"`; add the taint's `key`");
            }
            if toleration.toleration_seconds.is_some()
                && toleration.effect.as_deref() != Some("NoExecute")
            {
                self.findings.at(&rules::K8S_INVALID_TOLERATION, &child_pointer(&here, "tolerationSeconds"), Target::Key, "`tolerationSeconds` needs `effect: NoExecute`").help("the API server refuses it: `effect must be 'NoExecute' when `tolerationSeconds` is set`; only NoExecute taints evict, so only they have a grace period");
            }
        }
    }

    pub(super) fn dns(&mut self, at: &str, env: &V1Environment) {
        let nameservers = env
            .dns_config
            .as_ref()
            .and_then(|c| c.nameservers.as_deref())
            .unwrap_or_default();
        if env.dns_policy.as_deref() == Some("None") && nameservers.is_empty() {
            self.findings.at(&rules::K8S_DNS_NONE_WITHOUT_NAMESERVERS, &child_pointer(at, "dnsPolicy"), Target::Value, "`dnsPolicy: None` without `dnsConfig.nameservers` leaves the pod with no DNS server").help("the API server refuses it: `must provide at least one DNS nameserver when `dnsPolicy` is None`; add `dnsConfig: {nameservers: [<ip>]}`, or use `dnsPolicy: ClusterFirst`");
        }
        let Some(config) = &env.dns_config else {
            return;
        };
        let config_at = child_pointer(at, "dnsConfig");
        if nameservers.len() > MAX_NAMESERVERS {
            self.findings.at(&rules::K8S_INVALID_DNS_CONFIG, &child_pointer(&config_at, "nameservers"), Target::Key, format!(
                    "{} nameservers; a pod may have at most {MAX_NAMESERVERS}",
                    nameservers.len()
                )).help(format!(
                    "the API server refuses it: `must not have more than {MAX_NAMESERVERS} nameservers`; resolv.conf reads only the first {MAX_NAMESERVERS}"
                ));
        }
        for (index, server) in nameservers.iter().enumerate() {
            self.ip(&item_pointer(&config_at, "nameservers", index), server);
        }
        for (index, option) in config.options.iter().flatten().enumerate() {
            if option.name.as_deref().is_none_or(str::is_empty) {
                self.findings.at(&rules::K8S_INVALID_DNS_CONFIG, &item_pointer(&config_at, "options", index), Target::Key, "a dnsConfig option without a `name`").help("the API server refuses it: `Required value: must not be empty`; write the resolv.conf option, e.g. `{name: ndots, value: \"2\"}`");
            }
        }
        let searches = config.searches.as_deref().unwrap_or_default();
        if searches.len() > MAX_SEARCH_PATHS {
            self.findings.at(&rules::K8S_INVALID_DNS_CONFIG, &child_pointer(&config_at, "searches"), Target::Key, format!(
                    "{} search domains; a pod may have at most {MAX_SEARCH_PATHS}",
                    searches.len()
                )).help(format!(
                    "the API server refuses it: `must not have more than {MAX_SEARCH_PATHS} search paths`"
                ));
        }
        let chars =
            searches.iter().map(String::len).sum::<usize>() + searches.len().saturating_sub(1);
        if chars > MAX_SEARCH_CHARS {
            self.findings.at(&rules::K8S_INVALID_DNS_CONFIG, &child_pointer(&config_at, "searches"), Target::Key, format!("the search list is {chars} characters long; at most {MAX_SEARCH_CHARS} are allowed")).help(format!("the API server refuses it: `must not have more than {MAX_SEARCH_CHARS} characters (including spaces) in the search list`"));
        }
        for (index, search) in searches.iter().enumerate() {
            // A search domain may end in a dot (fully qualified), or be a lone dot.
            if search == "." {
                continue;
            }
            let errors = validation::dns_search_domain(search.strip_suffix('.').unwrap_or(search));
            if !errors.is_empty() {
                self.findings
                    .at(
                        &rules::K8S_INVALID_DNS_CONFIG,
                        &item_pointer(&config_at, "searches", index),
                        Target::Value,
                        format!("search domain `{search}` is not a DNS subdomain"),
                    )
                    .help(format!("the API server refuses it: {}", errors.join("; ")));
            }
        }
    }

    /// The restart policies each workload kind allows (pod, apps and batch validation).
    pub(super) fn restart_policy(&mut self, run: &RunView<'_>, at: &str, env: &V1Environment) {
        // An empty policy is the field's zero value: the workload's default applies.
        let Some(policy) = env.restart_policy.as_deref().filter(|p| !p.is_empty()) else {
            return;
        };
        let allowed: &[&str] = match run.workload {
            Workload::Deployment => &["Always"],
            Workload::Job => &["OnFailure", "Never"],
            // A bare pod takes any policy; the operators of distributed runs take any, and
            // `ExitCode` too (Kubeflow); a dag's children judge their own.
            Workload::Pod | Workload::Replica | Workload::Shared => return,
        };
        // Values outside the enum are reported once, as unsupported values.
        if !["Always", "OnFailure", "Never"].contains(&policy) || allowed.contains(&policy) {
            return;
        }
        let listed = allowed
            .iter()
            .map(|a| format!("\"{a}\""))
            .collect::<Vec<_>>()
            .join(", ");
        let why = match run.workload {
            Workload::Deployment => {
                "this service has `replicas`, so plx renders a Deployment, whose pods must restart `Always`"
            }
            _ => {
                "a job becomes a batch/v1 Job, whose pods restart `OnFailure` or `Never` (the Job itself retries, up to `termination.maxRetries`)"
            }
        };
        self.findings.at(&rules::K8S_WORKLOAD_RESTART_POLICY, &child_pointer(at, "restartPolicy"), Target::Value, format!("`restartPolicy: {policy}` is not allowed in a {}", run.workload.kind())).help(format!("{why}; the API server refuses it: `spec.template.spec.restartPolicy: Unsupported value: \"{policy}\": supported values: {listed}`"));
    }

    pub(super) fn affinity_weights(&mut self, at: &str, env: &V1Environment) {
        let Some(affinity) = &env.affinity else {
            return;
        };
        let mut weights = Vec::new();
        if let Some(node) = &affinity.node_affinity {
            for (i, term) in node
                .preferred_during_scheduling_ignored_during_execution
                .iter()
                .flatten()
                .enumerate()
            {
                weights.push((
                    format!(
                        "nodeAffinity/preferredDuringSchedulingIgnoredDuringExecution/{i}/weight"
                    ),
                    term.weight,
                ));
            }
        }
        for (key, terms) in [
            (
                "podAffinity",
                affinity.pod_affinity.as_ref().and_then(|a| {
                    a.preferred_during_scheduling_ignored_during_execution
                        .as_ref()
                }),
            ),
            (
                "podAntiAffinity",
                affinity.pod_anti_affinity.as_ref().and_then(|a| {
                    a.preferred_during_scheduling_ignored_during_execution
                        .as_ref()
                }),
            ),
        ] {
            for (i, term) in terms.into_iter().flatten().enumerate() {
                weights.push((
                    child_pointer(
                        &item_pointer(key, "preferredDuringSchedulingIgnoredDuringExecution", i),
                        "weight",
                    ),
                    term.weight,
                ));
            }
        }
        for (pointer, weight) in weights {
            self.range(
                &format!("{at}/affinity/{pointer}"),
                i64::from(weight),
                Bound::Weight,
            );
        }
    }

    pub(super) fn termination(&mut self, run: &RunView<'_>) {
        let Some((termination, at)) = &run.termination else {
            return;
        };
        // A service's pods do not stop by themselves: only a job's Job uses these.
        if run.workload != Workload::Job {
            return;
        }
        // backoffLimit and ttlSecondsAfterFinished are int32, activeDeadlineSeconds int64.
        for (key, value, bound) in [
            ("maxRetries", &termination.max_retries, Bound::NonNegative32),
            ("ttl", &termination.ttl, Bound::NonNegative32),
            ("timeout", &termination.timeout, Bound::NonNegative64),
        ] {
            if let Some(value) = value.as_ref().and_then(|v| v.value()) {
                self.range(&child_pointer(at, key), *value, bound);
            }
        }
    }
}
