//! What the Kubernetes API server would refuse in the manifests plx renders from a job or a
//! service (`pkg/apis/core/validation`, `pkg/apis/batch/validation`, `pkg/apis/apps/validation`):
//! names, labels, annotations, ranges, enums, required fields and the cross-field rules.

use std::collections::{BTreeMap, HashMap};

use k8s_openapi::api::core::v1::{Container, PodSecurityContext, Probe, SecurityContext, Volume};

use crate::diagnostic::Diagnostic;
use crate::document::decode::display_path;
use crate::document::locate::{self, Findings, Target};
use crate::k8s::schema::{self, Subject, Violation};
use crate::k8s::validation;
use crate::model::MAIN_CONTAINER;
use crate::model::runs::{PodContainer, Role, RunView, Workload};
use crate::model::{V1Environment, V1Polyaxonfile, is_polyaxon_volume};
use crate::rules::{self, Rule};
use crate::yaml::Node;
use crate::yaml::Span;

/// `MaxDNSNameservers`, `MaxDNSSearchPaths` and `MaxDNSSearchListChars` in core validation.
const MAX_NAMESERVERS: usize = 3;
const MAX_SEARCH_PATHS: usize = 32;
const MAX_SEARCH_CHARS: usize = 2048;

pub fn check(run: &RunView<'_>, tree: &Node) -> Vec<Diagnostic> {
    let mut check = Check {
        findings: Findings::new(tree),
    };
    check.schema(run);
    check.environment(run);
    check.containers(run);
    check.volumes(run);
    check.service(run);
    check.termination(run);
    check.findings.into_vec()
}

/// The namespaces a file names (its own, its build's and its hooks'): the API server takes
/// only DNS-1123 labels.
pub fn namespaces(file: &V1Polyaxonfile, tree: &Node) -> Vec<Diagnostic> {
    let mut check = Check {
        findings: Findings::new(tree),
    };
    let build = file
        .build
        .as_ref()
        .map(|b| ("/build/namespace".to_owned(), b));
    let named = std::iter::once(("/namespace".to_owned(), file.namespace.as_ref()))
        .chain(build.map(|(at, b)| (at, b.namespace.as_ref())))
        .chain(
            file.hooks
                .iter()
                .flatten()
                .enumerate()
                .map(|(i, hook)| (format!("/hooks/{i}/namespace"), hook.namespace.as_ref())),
        );
    for (pointer, namespace) in named {
        if let Some(namespace) = namespace {
            check.dns_label(&pointer, "namespace", namespace);
        }
    }
    check.findings.into_vec()
}

/// The ranges the API server checks, with its own wording for each.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Bound {
    /// `IsValidPortNum`.
    Port,
    /// `ValidateNonnegativeField` on an int32 field.
    NonNegative32,
    /// `ValidateNonnegativeField` on an int64 field.
    NonNegative64,
    /// `IsValidUserID`, `IsValidGroupID`.
    Id,
    /// Affinity term weights.
    Weight,
    /// A probe's `terminationGracePeriodSeconds`.
    Positive,
    /// `validateVolumeSourceMode` / `fileModeErrorMsg`.
    FileMode,
    /// Pod `priority`, an int32 the decoder took as any integer.
    Int32,
}

impl Bound {
    fn limits(self) -> (i64, i64, &'static str) {
        let int32 = i64::from(i32::MAX);
        match self {
            Bound::Port => (1, 65535, "must be between 1 and 65535, inclusive"),
            Bound::NonNegative32 => (0, int32, "must be greater than or equal to 0"),
            Bound::NonNegative64 => (0, i64::MAX, "must be greater than or equal to 0"),
            Bound::Id => (0, int32, "must be between 0 and 2147483647, inclusive"),
            Bound::Weight => (1, 100, "must be in the range 1-100"),
            Bound::Positive => (1, i64::MAX, "must be greater than 0"),
            Bound::FileMode => (
                0,
                0o777,
                "must be a number between 0 and 0777 (octal), both inclusive",
            ),
            Bound::Int32 => (
                i64::from(i32::MIN),
                int32,
                "must be a 32-bit integer (between -2147483648 and 2147483647)",
            ),
        }
    }
}

/// A Polyaxon template, resolved before any object exists: not judged as a final value.
fn is_templated(text: &str) -> bool {
    text.contains("{{") || text.contains("{%")
}

/// A value that fails a format check: what it is, what it must be, the API server's words.
struct Invalid {
    what: String,
    expected: &'static str,
    errors: Vec<String>,
    fix: Option<String>,
}

struct Check<'a> {
    findings: Findings<'a>,
}

impl Check<'_> {
    fn span(&self, pointer: &str, target: Target) -> Span {
        self.findings.span(pointer, target)
    }

    /// A format check's result as findings: one per value, the API server's words in help.
    fn format(&mut self, rule: &'static Rule, pointer: &str, target: Target, invalid: Invalid) {
        self.format_with(rule, pointer, target, invalid, "the API server refuses it");
    }

    fn format_with(
        &mut self,
        rule: &'static Rule,
        pointer: &str,
        target: Target,
        invalid: Invalid,
        consequence: &str,
    ) {
        let Invalid {
            what,
            expected,
            errors,
            fix,
        } = invalid;
        if errors.is_empty() {
            return;
        }
        let message = format!("{what} is not {expected}");
        let mut help = format!("{consequence}: {}", errors.join("; "));
        if let Some(fix) = fix {
            help.push_str(&format!("; write e.g. `{fix}`"));
        }
        self.findings.at(rule, pointer, target, message).help(help);
    }

    fn dns_label(&mut self, pointer: &str, what: &str, name: &str) {
        if is_templated(name) {
            return;
        }
        let invalid = Invalid {
            what: format!("{what} `{name}`"),
            expected: "a DNS-1123 label",
            errors: validation::dns1123_label(name),
            fix: suggest_label(name),
        };
        self.format(
            &rules::K8S_INVALID_DNS_NAME,
            pointer,
            Target::Value,
            invalid,
        );
    }

    fn dns_subdomain(&mut self, pointer: &str, what: &str, name: &str) {
        if is_templated(name) {
            return;
        }
        let invalid = Invalid {
            what: format!("{what} `{name}`"),
            expected: "a DNS-1123 subdomain",
            errors: validation::dns1123_subdomain(name),
            fix: suggest_subdomain(name),
        };
        self.format(
            &rules::K8S_INVALID_DNS_NAME,
            pointer,
            Target::Value,
            invalid,
        );
    }

    fn range(&mut self, pointer: &str, value: i64, bound: Bound) {
        let (min, max, rule_text) = bound.limits();
        if (min..=max).contains(&value) {
            return;
        }
        let path = display_path(pointer);
        let shown = match bound {
            Bound::FileMode => format!("{value} (0{value:o} octal)"),
            _ => value.to_string(),
        };
        self.findings
            .at(
                &rules::K8S_VALUE_OUT_OF_RANGE,
                pointer,
                Target::Value,
                format!("`{path}` is {shown}; it {rule_text}"),
            )
            .help(format!(
                "the API server refuses it: `Invalid value: {value}: {rule_text}`"
            ));
    }

    /// Required fields and enums everywhere inside the Kubernetes objects, from the schema.
    fn schema(&mut self, run: &RunView<'_>) {
        let mut subjects = Vec::new();
        let environment = run.environment_pointer();
        if run.environment.is_some() {
            // `environment` holds a part of a pod spec; the containers come from elsewhere.
            subjects.push((schema::POD_SPEC, environment, &["containers"][..]));
        }
        for container in run.containers() {
            // plx names the main and init containers when the file does not.
            let filled: &[&str] = match container.role {
                Role::Sidecar => &[],
                Role::Main | Role::Init => &["name"],
            };
            subjects.push((schema::CONTAINER, container.pointer, filled));
        }
        for index in 0..run.volumes.len() {
            subjects.push((schema::VOLUME, format!("{}/volumes/{index}", run.at), &[]));
        }
        for (definition, pointer, filled) in subjects {
            let Some(node) = locate::node(self.findings.tree(), &pointer) else {
                continue;
            };
            let span = self.span(&pointer, Target::Key);
            for finding in schema::check(Subject {
                definition,
                node,
                pointer: pointer.clone(),
                span,
                filled,
            }) {
                let path = display_path(&finding.pointer);
                let diagnostic = match finding.violation {
                    Violation::Required { field } => Diagnostic::new(
                        &rules::K8S_REQUIRED_VALUE,
                        format!("`{path}` has no `{field}`, which Kubernetes requires"),
                    )
                    .help(format!(
                        "add `{field}`; the API server refuses the object: `{path}.{field}: Required value`"
                    )),
                    Violation::Unsupported { value, allowed } => {
                        let supported = allowed
                            .iter()
                            .map(|a| format!("\"{a}\""))
                            .collect::<Vec<_>>()
                            .join(", ");
                        let mut help = format!("supported values: {supported}");
                        if path.ends_with("restartPolicy") && value == "ExitCode" {
                            help.push_str("; Polyaxon 2.18 accepts `ExitCode`, but it is not a pod restart policy and the API server refuses the pod");
                        } else {
                            help = crate::suggest::after_did_you_mean(
                                &value,
                                allowed.iter().map(String::as_str),
                                help,
                            );
                        }
                        Diagnostic::new(
                            &rules::K8S_UNSUPPORTED_VALUE,
                            format!("unsupported value `{value}` for `{path}`"),
                        )
                        .help(help)
                    }
                };
                self.findings.push(diagnostic.at(finding.span));
            }
        }
    }

    fn environment(&mut self, run: &RunView<'_>) {
        let Some(env) = run.environment else {
            return;
        };
        let at = run.environment_pointer();
        self.labels(&at, "labels", env.labels.as_ref());
        self.labels(&at, "nodeSelector", env.node_selector.as_ref());
        self.annotations(&at, env.annotations.as_ref());
        if let Some(name) = &env.service_account_name {
            self.dns_subdomain(
                &format!("{at}/serviceAccountName"),
                "service account name",
                name,
            );
        }
        if let Some(name) = &env.priority_class_name {
            self.dns_subdomain(
                &format!("{at}/priorityClassName"),
                "priority class name",
                name,
            );
        }
        if let Some(name) = &env.node_name {
            self.dns_subdomain(&format!("{at}/nodeName"), "node name", name);
        }
        // The API server does not check these references, but a Secret's name is a DNS
        // subdomain: a reference that is not one can never resolve, and the kubelet pulls
        // without the credentials.
        for (index, secret) in env.image_pull_secrets.iter().flatten().enumerate() {
            if is_templated(secret) {
                continue;
            }
            let invalid = Invalid {
                what: format!("image pull secret name `{secret}`"),
                expected: "a DNS-1123 subdomain",
                errors: validation::dns1123_subdomain(secret),
                fix: suggest_subdomain(secret),
            };
            self.format_with(
                &rules::K8S_INVALID_DNS_NAME,
                &format!("{at}/imagePullSecrets/{index}"),
                Target::Value,
                invalid,
                "no Secret can have this name, so the image is pulled without these credentials",
            );
        }
        for (index, alias) in env.host_aliases.iter().flatten().enumerate() {
            let alias_at = format!("{at}/hostAliases/{index}");
            // A missing `ip` is a required value (K8S006); a written empty one is not an IP.
            let ip_at = format!("{alias_at}/ip");
            if locate::node(self.findings.tree(), &ip_at).is_some() {
                self.ip(&ip_at, &alias.ip);
            }
            for (host, hostname) in alias.hostnames.iter().flatten().enumerate() {
                self.dns_subdomain(
                    &format!("{alias_at}/hostnames/{host}"),
                    "host alias hostname",
                    hostname,
                );
            }
        }
        if let Some(priority) = env.priority {
            self.range(&format!("{at}/priority"), priority.0, Bound::Int32);
        }
        if let Some(context) = &env.security_context {
            self.pod_security_context(&format!("{at}/securityContext"), context);
        }
        self.tolerations(&at, env);
        self.dns(&at, env);
        self.restart_policy(run, &at, env);
        self.affinity_weights(&at, env);
        if let Some(node_name) = &env.node_name {
            let bypassed: Vec<&str> = [
                ("nodeSelector", env.node_selector.is_some()),
                ("affinity", env.affinity.is_some()),
                ("tolerations", env.tolerations.is_some()),
            ]
            .into_iter()
            .filter_map(|(key, set)| set.then_some(key))
            .collect();
            if !bypassed.is_empty() {
                let listed = bypassed
                    .iter()
                    .map(|k| format!("`{k}`"))
                    .collect::<Vec<_>>()
                    .join(" and ");
                let places: Vec<Span> = bypassed
                    .iter()
                    .map(|key| self.span(&format!("{at}/{key}"), Target::Key))
                    .collect();
                let mut finding = self.findings.at(
                    &rules::K8S_NODE_NAME_BYPASSES_SCHEDULER,
                    &format!("{at}/nodeName"),
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
        }
    }

    fn labels(&mut self, at: &str, key: &str, labels: Option<&BTreeMap<String, String>>) {
        for (name, value) in labels.into_iter().flatten() {
            let pointer = format!(
                "{at}/{key}/{}",
                crate::yaml::tree::escape_pointer_token(name)
            );
            let what = if key == "labels" {
                "label"
            } else {
                "node selector label"
            };
            self.label_key(
                &rules::K8S_INVALID_LABEL,
                &pointer,
                &format!("{what} key `{name}`"),
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
                    what: format!("{what} value `{value}`"),
                    expected: "a valid label value",
                    errors: validation::label_value(value),
                    fix: suggest_qualified(value).filter(|_| !value.is_empty()),
                },
            );
        }
    }

    /// `ValidateLabelName`: a qualified name.
    fn label_key(&mut self, rule: &'static Rule, pointer: &str, what: &str, name: &str) {
        if is_templated(name) {
            return;
        }
        let invalid = Invalid {
            what: what.to_owned(),
            expected: "a valid label key",
            errors: validation::qualified_name(name),
            fix: suggest_qualified(name),
        };
        self.format(rule, pointer, Target::Key, invalid);
    }

    fn annotations(&mut self, at: &str, annotations: Option<&BTreeMap<String, String>>) {
        let Some(annotations) = annotations else {
            return;
        };
        let mut total = 0;
        for (name, value) in annotations {
            total += name.len() + value.len();
            if is_templated(name) {
                continue;
            }
            let pointer = format!(
                "{at}/annotations/{}",
                crate::yaml::tree::escape_pointer_token(name)
            );
            self.format(
                &rules::K8S_INVALID_ANNOTATION,
                &pointer,
                Target::Key,
                Invalid {
                    what: format!("annotation key `{name}`"),
                    expected: "a valid annotation key",
                    errors: validation::qualified_name(&name.to_ascii_lowercase()),
                    fix: suggest_qualified(name),
                },
            );
        }
        if total > validation::ANNOTATIONS_MAX_BYTES {
            self.findings.at(&rules::K8S_INVALID_ANNOTATION, &format!("{at}/annotations"), Target::Key, format!(
                    "the annotations hold {total} bytes; Kubernetes allows {} in all",
                    validation::ANNOTATIONS_MAX_BYTES
                )).help(format!(
                    "the API server refuses it: `metadata.annotations: Too long: may not be more than {} bytes`; keep large data in a ConfigMap and reference it",
                    validation::ANNOTATIONS_MAX_BYTES
                ));
        }
    }

    fn ip(&mut self, pointer: &str, text: &str) {
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

    fn pod_security_context(&mut self, at: &str, context: &PodSecurityContext) {
        for (key, value) in [
            ("runAsUser", context.run_as_user),
            ("runAsGroup", context.run_as_group),
            ("fsGroup", context.fs_group),
        ] {
            if let Some(value) = value {
                self.range(&format!("{at}/{key}"), value, Bound::Id);
            }
        }
        for (index, group) in context.supplemental_groups.iter().flatten().enumerate() {
            self.range(
                &format!("{at}/supplementalGroups/{index}"),
                *group,
                Bound::Id,
            );
        }
    }

    fn security_context(&mut self, at: &str, context: &SecurityContext) {
        for (key, value) in [
            ("runAsUser", context.run_as_user),
            ("runAsGroup", context.run_as_group),
        ] {
            if let Some(value) = value {
                self.range(&format!("{at}/{key}"), value, Bound::Id);
            }
        }
    }

    fn tolerations(&mut self, at: &str, env: &V1Environment) {
        for (index, toleration) in env.tolerations.iter().flatten().enumerate() {
            let here = format!("{at}/tolerations/{index}");
            let operator = toleration.operator.as_deref().unwrap_or("Equal");
            let key = toleration.key.as_deref().unwrap_or("");
            let value = toleration.value.as_deref().unwrap_or("");
            if !key.is_empty() {
                self.label_key(
                    &rules::K8S_INVALID_TOLERATION,
                    &format!("{here}/key"),
                    &format!("toleration key `{key}`"),
                    key,
                );
            }
            if operator != "Exists" && !is_templated(value) {
                let invalid = Invalid {
                    what: format!("toleration value `{value}`"),
                    expected: "a valid label value",
                    errors: validation::label_value(value),
                    fix: suggest_qualified(value).filter(|_| !value.is_empty()),
                };
                self.format(
                    &rules::K8S_INVALID_TOLERATION,
                    &format!("{here}/value"),
                    Target::Value,
                    invalid,
                );
            }
            if operator == "Exists" && !value.is_empty() {
                self.findings.at(&rules::K8S_INVALID_TOLERATION, &format!("{here}/value"), Target::Value, format!("a toleration with `operator: Exists` has `value: {value}`")).help("the API server refuses it: `value must be empty when `operator` is 'Exists'`; drop `value` to tolerate every value of the key, or use `operator: Equal` to tolerate only this one");
            }
            if key.is_empty() && operator != "Exists" {
                self.findings.at(&rules::K8S_INVALID_TOLERATION, &format!("{here}/operator"), if toleration.operator.is_some() {
                        Target::Value
                    } else {
                        Target::Key
                    }, "a toleration without `key` must have `operator: Exists`").help("the API server refuses it: `operator must be Exists when `key` is empty, which means \"match all values and all keys\"`; add the taint's `key`");
            }
            if toleration.toleration_seconds.is_some()
                && toleration.effect.as_deref() != Some("NoExecute")
            {
                self.findings.at(&rules::K8S_INVALID_TOLERATION, &format!("{here}/tolerationSeconds"), Target::Key, "`tolerationSeconds` needs `effect: NoExecute`").help("the API server refuses it: `effect must be 'NoExecute' when `tolerationSeconds` is set`; only NoExecute taints evict, so only they have a grace period");
            }
        }
    }

    fn dns(&mut self, at: &str, env: &V1Environment) {
        let nameservers = env
            .dns_config
            .as_ref()
            .and_then(|c| c.nameservers.as_deref())
            .unwrap_or_default();
        if env.dns_policy.as_deref() == Some("None") && nameservers.is_empty() {
            self.findings.at(&rules::K8S_DNS_NONE_WITHOUT_NAMESERVERS, &format!("{at}/dnsPolicy"), Target::Value, "`dnsPolicy: None` without `dnsConfig.nameservers` leaves the pod with no DNS server").help("the API server refuses it: `must provide at least one DNS nameserver when `dnsPolicy` is None`; add `dnsConfig: {nameservers: [<ip>]}`, or use `dnsPolicy: ClusterFirst`");
        }
        let Some(config) = &env.dns_config else {
            return;
        };
        let config_at = format!("{at}/dnsConfig");
        if nameservers.len() > MAX_NAMESERVERS {
            self.findings.at(&rules::K8S_INVALID_DNS_CONFIG, &format!("{config_at}/nameservers"), Target::Key, format!(
                    "{} nameservers; a pod may have at most {MAX_NAMESERVERS}",
                    nameservers.len()
                )).help(format!(
                    "the API server refuses it: `must not have more than {MAX_NAMESERVERS} nameservers`; resolv.conf reads only the first {MAX_NAMESERVERS}"
                ));
        }
        for (index, server) in nameservers.iter().enumerate() {
            self.ip(&format!("{config_at}/nameservers/{index}"), server);
        }
        for (index, option) in config.options.iter().flatten().enumerate() {
            if option.name.as_deref().is_none_or(str::is_empty) {
                self.findings.at(&rules::K8S_INVALID_DNS_CONFIG, &format!("{config_at}/options/{index}"), Target::Key, "a dnsConfig option without a `name`").help("the API server refuses it: `Required value: must not be empty`; write the resolv.conf option, e.g. `{name: ndots, value: \"2\"}`");
            }
        }
        let searches = config.searches.as_deref().unwrap_or_default();
        if searches.len() > MAX_SEARCH_PATHS {
            self.findings.at(&rules::K8S_INVALID_DNS_CONFIG, &format!("{config_at}/searches"), Target::Key, format!(
                    "{} search domains; a pod may have at most {MAX_SEARCH_PATHS}",
                    searches.len()
                )).help(format!(
                    "the API server refuses it: `must not have more than {MAX_SEARCH_PATHS} search paths`"
                ));
        }
        let chars =
            searches.iter().map(String::len).sum::<usize>() + searches.len().saturating_sub(1);
        if chars > MAX_SEARCH_CHARS {
            self.findings.at(&rules::K8S_INVALID_DNS_CONFIG, &format!("{config_at}/searches"), Target::Key, format!("the search list is {chars} characters long; at most {MAX_SEARCH_CHARS} are allowed")).help(format!("the API server refuses it: `must not have more than {MAX_SEARCH_CHARS} characters (including spaces) in the search list`"));
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
                        &format!("{config_at}/searches/{index}"),
                        Target::Value,
                        format!("search domain `{search}` is not a DNS subdomain"),
                    )
                    .help(format!("the API server refuses it: {}", errors.join("; ")));
            }
        }
    }

    /// The restart policies each workload kind allows (pod, apps and batch validation).
    fn restart_policy(&mut self, run: &RunView<'_>, at: &str, env: &V1Environment) {
        // An empty policy is the field's zero value: the workload's default applies.
        let Some(policy) = env.restart_policy.as_deref().filter(|p| !p.is_empty()) else {
            return;
        };
        let allowed: &[&str] = match run.workload {
            Workload::Deployment => &["Always"],
            Workload::Job => &["OnFailure", "Never"],
            Workload::Pod => return,
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
        self.findings.at(&rules::K8S_WORKLOAD_RESTART_POLICY, &format!("{at}/restartPolicy"), Target::Value, format!("`restartPolicy: {policy}` is not allowed in a {}", run.workload.kind())).help(format!("{why}; the API server refuses it: `spec.template.spec.restartPolicy: Unsupported value: \"{policy}\": supported values: {listed}`"));
    }

    fn affinity_weights(&mut self, at: &str, env: &V1Environment) {
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
                    format!("{key}/preferredDuringSchedulingIgnoredDuringExecution/{i}/weight"),
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

    fn containers(&mut self, run: &RunView<'_>) {
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
                        &format!("{pointer}/name"),
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
                let here = format!("{pointer}/name");
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

    fn container(&mut self, run: &RunView<'_>, at: &str, container: &Container) {
        let mut port_names: HashMap<&str, String> = HashMap::new();
        for (index, port) in container.ports.iter().flatten().enumerate() {
            let here = format!("{at}/ports/{index}");
            self.range(
                &format!("{here}/containerPort"),
                i64::from(port.container_port),
                Bound::Port,
            );
            if let Some(host_port) = port.host_port.filter(|p| *p != 0) {
                self.range(
                    &format!("{here}/hostPort"),
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
                let fix = suggest_label(name).map(|s| s.chars().take(15).collect::<String>());
                self.format(
                    &rules::K8S_INVALID_DNS_NAME,
                    &format!("{here}/name"),
                    Target::Value,
                    Invalid {
                        what: format!("port name `{name}`"),
                        expected: "an IANA service name",
                        errors,
                        fix,
                    },
                );
                self.duplicate(
                    &mut port_names,
                    name,
                    &format!("{here}/name"),
                    "ports of this container are named",
                    "port names must be unique within a container",
                );
            }
        }
        let mut mount_paths: HashMap<&str, String> = HashMap::new();
        for (index, mount) in container.volume_mounts.iter().flatten().enumerate() {
            let here = format!("{at}/volumeMounts/{index}");
            // Polyaxon provides its context volumes; `plx render` refuses them (RND002).
            if !mount.name.is_empty()
                && !is_polyaxon_volume(&mount.name)
                && !run.volumes.iter().any(|v| v.name == mount.name)
            {
                let defined: Vec<&str> = run.volumes.iter().map(|v| v.name.as_str()).collect();
                let listed = if defined.is_empty() {
                    "this run defines no volumes; add one under `run.volumes`".to_owned()
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
                        &format!("{here}/name"),
                        Target::Value,
                        format!("volume mount `{}` names no volume of this run", mount.name),
                    )
                    .help(help);
            }
            if !mount.mount_path.is_empty() {
                self.duplicate(
                    &mut mount_paths,
                    &mount.mount_path,
                    &format!("{here}/mountPath"),
                    "volume mounts of this container use the path",
                    "a path can hold one mount",
                );
            }
        }
        if let Some(context) = &container.security_context {
            self.security_context(&format!("{at}/securityContext"), context);
        }
        for (key, probe) in [
            ("livenessProbe", &container.liveness_probe),
            ("readinessProbe", &container.readiness_probe),
            ("startupProbe", &container.startup_probe),
        ] {
            if let Some(probe) = probe {
                self.probe(&format!("{at}/{key}"), probe);
            }
        }
    }

    /// Fields one kind of container may not have (`validateInitContainers`,
    /// `validateContainers`, `validateReadinessProbe`, `validateLivenessProbe`, ...).
    fn container_kind_fields(&mut self, role: Role, at: &str, container: &Container) {
        let restart = container
            .restart_policy
            .as_deref()
            .filter(|p| !p.is_empty());
        let refuse = |this: &mut Self, key: &str, message: String, why: &str| {
            this.findings
                .at(
                    &rules::K8S_CONTAINER_FIELD_NOT_ALLOWED,
                    &format!("{at}/{key}"),
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
                self.findings.at(&rules::K8S_CONTAINER_FIELD_NOT_ALLOWED, &format!("{at}/{key}/successThreshold"), Target::Value, format!("`{key}.successThreshold` is {threshold}; it must be 1")).help("the API server refuses it: `must be 1`; one success is what ends a liveness or startup failure, so only a readiness probe may ask for more");
            }
        }
    }

    fn duplicate<'n>(
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

    fn probe(&mut self, at: &str, probe: &Probe) {
        for (key, value) in [
            ("initialDelaySeconds", probe.initial_delay_seconds),
            ("timeoutSeconds", probe.timeout_seconds),
            ("periodSeconds", probe.period_seconds),
            ("successThreshold", probe.success_threshold),
            ("failureThreshold", probe.failure_threshold),
        ] {
            if let Some(value) = value {
                self.range(
                    &format!("{at}/{key}"),
                    i64::from(value),
                    Bound::NonNegative32,
                );
            }
        }
        if let Some(grace) = probe.termination_grace_period_seconds {
            // A grace period of 0 kills at once; the API server wants at least 1 second here.
            self.range(
                &format!("{at}/terminationGracePeriodSeconds"),
                grace,
                Bound::Positive,
            );
        }
    }

    fn volumes(&mut self, run: &RunView<'_>) {
        let mut names: HashMap<&str, String> = HashMap::new();
        for (index, volume) in run.volumes.iter().enumerate() {
            let here = format!("{}/volumes/{index}", run.at);
            if !volume.name.is_empty() {
                self.dns_label(&format!("{here}/name"), "volume name", &volume.name);
                self.duplicate(
                    &mut names,
                    &volume.name,
                    &format!("{here}/name"),
                    "volumes are named",
                    "volume names must be unique in a pod",
                );
            }
            self.volume_modes(&here, volume);
        }
    }

    /// File modes: `0`–`0777`, as the API server checks them (`validateVolumeSourceMode`).
    fn volume_modes(&mut self, at: &str, volume: &Volume) {
        let mut modes = Vec::new();
        if let Some(secret) = &volume.secret {
            modes.push(("secret/defaultMode".to_owned(), secret.default_mode));
            for (i, item) in secret.items.iter().flatten().enumerate() {
                modes.push((format!("secret/items/{i}/mode"), item.mode));
            }
        }
        if let Some(config_map) = &volume.config_map {
            modes.push(("configMap/defaultMode".to_owned(), config_map.default_mode));
            for (i, item) in config_map.items.iter().flatten().enumerate() {
                modes.push((format!("configMap/items/{i}/mode"), item.mode));
            }
        }
        if let Some(projected) = &volume.projected {
            modes.push(("projected/defaultMode".to_owned(), projected.default_mode));
            for (s, source) in projected.sources.iter().flatten().enumerate() {
                let items = [
                    (
                        "secret",
                        source.secret.as_ref().and_then(|v| v.items.as_ref()),
                    ),
                    (
                        "configMap",
                        source.config_map.as_ref().and_then(|v| v.items.as_ref()),
                    ),
                ];
                for (kind, items) in items {
                    for (i, item) in items.into_iter().flatten().enumerate() {
                        modes.push((
                            format!("projected/sources/{s}/{kind}/items/{i}/mode"),
                            item.mode,
                        ));
                    }
                }
                let downward = source.downward_api.as_ref().and_then(|v| v.items.as_ref());
                for (i, item) in downward.into_iter().flatten().enumerate() {
                    modes.push((
                        format!("projected/sources/{s}/downwardAPI/items/{i}/mode"),
                        item.mode,
                    ));
                }
            }
        }
        if let Some(downward) = &volume.downward_api {
            modes.push(("downwardAPI/defaultMode".to_owned(), downward.default_mode));
            for (i, item) in downward.items.iter().flatten().enumerate() {
                modes.push((format!("downwardAPI/items/{i}/mode"), item.mode));
            }
        }
        for (pointer, mode) in modes {
            if let Some(mode) = mode {
                self.range(&format!("{at}/{pointer}"), i64::from(mode), Bound::FileMode);
            }
        }
    }

    fn service(&mut self, run: &RunView<'_>) {
        let Some(service) = run.service else {
            return;
        };
        for (index, port) in service
            .ports
            .as_ref()
            .and_then(|p| p.value())
            .into_iter()
            .flatten()
            .enumerate()
        {
            self.range(&format!("{}/ports/{index}", run.at), *port, Bound::Port);
        }
        if let Some(replicas) = service.replicas.as_ref().and_then(|r| r.value()) {
            self.range(
                &format!("{}/replicas", run.at),
                *replicas,
                Bound::NonNegative32,
            );
        }
    }

    fn termination(&mut self, run: &RunView<'_>) {
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
                self.range(&format!("{at}/{key}"), *value, bound);
            }
        }
    }
}

/// The closest DNS-1123 label to `text`, when there is one that differs.
fn suggest_label(text: &str) -> Option<String> {
    crate::k8s::names::to_dns1123_label(text).filter(|label| label != text)
}

fn suggest_subdomain(text: &str) -> Option<String> {
    let parts: Vec<String> = text
        .split('.')
        .filter_map(|part| {
            suggest_label(part).or_else(|| (!part.is_empty()).then(|| part.to_owned()))
        })
        .collect();
    let out = parts.join(".");
    (!out.is_empty() && out != text && validation::dns1123_subdomain(&out).is_empty())
        .then_some(out)
}

/// The closest label key or value: invalid characters become `-`, the ends alphanumeric.
fn suggest_qualified(text: &str) -> Option<String> {
    let (prefix, name) = match text.rsplit_once('/') {
        Some((prefix, name)) => (suggest_subdomain(prefix).or(Some(prefix.to_owned())), name),
        None => (None, text),
    };
    let mut out: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '-'
            }
        })
        .collect();
    out = out
        .trim_matches(|c: char| !c.is_ascii_alphanumeric())
        .to_owned();
    out.truncate(validation::QUALIFIED_NAME_MAX);
    let out = out
        .trim_end_matches(|c: char| !c.is_ascii_alphanumeric())
        .to_owned();
    let full = match prefix {
        Some(prefix) => format!("{prefix}/{out}"),
        None => out,
    };
    (!full.is_empty() && full != text && validation::qualified_name(&full).is_empty())
        .then_some(full)
}

#[cfg(test)]
mod tests {
    use crate::check::check_bytes;

    /// The codes of the K8S findings for a job whose run holds `run` (YAML, indented 2).
    fn k8s_codes(run: &str) -> Vec<&'static str> {
        let text = format!("version: 1.1\nkind: component\nrun:\n  kind: job\n{run}");
        crate::check::family_codes(text, crate::rules::Family::Kubernetes)
    }

    #[test]
    fn templates_are_not_judged_as_final_values() {
        let run = "  environment:\n    labels: {run: '{{ globals.uuid }}'}\n    serviceAccountName: '{{ sa }}'\n    imagePullSecrets: ['{{ secret }}']\n  container:\n    name: '{{ name }}'\n    image: busybox:1.36\n    ports: [{containerPort: 80, name: '{{ port }}'}]\n";
        assert_eq!(k8s_codes(run), Vec::<&str>::new());
    }

    #[test]
    fn zero_values_pass_as_the_api_server_defaults_them() {
        let run = "  environment:\n    restartPolicy: ''\n    tolerations: [{key: a, operator: '', effect: ''}]\n    hostAliases: [{ip: 010.0.0.1, hostnames: [db.local]}]\n  container:\n    name: main\n    image: busybox:1.36\n    imagePullPolicy: ''\n    ports: [{containerPort: 80, name: '', protocol: ''}]\n    readinessProbe:\n      httpGet: {port: 80, httpHeaders: [{name: X-Empty}]}\n";
        assert_eq!(k8s_codes(run), Vec::<&str>::new());
    }

    #[test]
    fn a_container_needs_an_image_unless_polyaxon_builds_it() {
        let run = "  container:\n    name: main\n";
        assert_eq!(k8s_codes(run), vec!["K8S006"]);
        let built = "version: 1.1\nkind: component\nbuild: {hubRef: kaniko}\nrun:\n  kind: job\n  container:\n    name: main\n";
        let checked = check_bytes("t.yaml", built.as_bytes().to_vec(), &Default::default());
        assert!(checked.diagnostics.iter().all(|d| d.rule.code != "K8S006"));
    }

    #[test]
    fn a_job_refuses_always_and_a_deployment_needs_it() {
        let job = "  environment: {restartPolicy: Always}\n  container: {name: main, image: busybox:1.36}\n";
        assert_eq!(k8s_codes(job), vec!["K8S007"]);
        let text = "version: 1.1\nkind: component\nrun:\n  kind: service\n  replicas: 2\n  environment: {restartPolicy: Never}\n  container: {name: main, image: busybox:1.36}\n";
        let checked = check_bytes("t.yaml", text.as_bytes().to_vec(), &Default::default());
        assert!(checked.diagnostics.iter().any(|d| d.rule.code == "K8S007"));
    }
}
