//! The rule registry: every diagnostic plx can emit has one entry here, with a stable code
//! (`YAML001`), a kebab-case name, a default severity and an explanation. The explanation is
//! `docs/rules/<CODE>.md`, compiled in, so `plx explain` and the docs cannot disagree and a
//! rule without a page does not build.

pub mod catalog;

use std::fmt;

use serde::Serialize;

/// How much a finding matters: errors fail the run, warnings with `--strict`, info never.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    Info,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        })
    }
}

/// The families of rules, each with the prefix of its codes and what it judges.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Family {
    Yaml,
    Schema,
    Kubernetes,
    Security,
    Rbac,
    Agent,
    Params,
    Template,
    Reference,
    Dag,
    Operator,
    Suppression,
    Render,
    Migrate,
    Cli,
    Io,
}

impl Family {
    /// Every family, in the order the catalog lists them.
    pub const ALL: &[Family] = &[
        Family::Yaml,
        Family::Schema,
        Family::Kubernetes,
        Family::Security,
        Family::Rbac,
        Family::Agent,
        Family::Params,
        Family::Template,
        Family::Reference,
        Family::Dag,
        Family::Operator,
        Family::Suppression,
        Family::Render,
        Family::Migrate,
        Family::Cli,
        Family::Io,
    ];

    /// The prefix of the family's codes.
    pub fn prefix(self) -> &'static str {
        self.described().0
    }

    /// What the family's rules judge.
    pub fn about(self) -> &'static str {
        self.described().1
    }

    fn described(self) -> (&'static str, &'static str) {
        match self {
            Family::Yaml => ("YAML", "the YAML itself"),
            Family::Schema => ("SCH", "the Polyaxonfile specification"),
            Family::Kubernetes => ("K8S", "what the Kubernetes API server would refuse"),
            Family::Security => ("SEC", "security lint"),
            Family::Rbac => ("RBAC", "service account permissions against a profile"),
            Family::Agent => ("AGENT", "the agent's Helm values"),
            Family::Params => ("PRM", "params given to a run's inputs"),
            Family::Template => ("TPL", "`{{ ... }}` templates"),
            Family::Reference => ("REF", "component references"),
            Family::Dag => (
                "DAG",
                "a dag's graph of operations, as Polyaxon's full check builds it",
            ),
            Family::Operator => (
                "OPR",
                "what the operators of distributed runs refuse (Kubeflow, KubeRay, Dask)",
            ),
            Family::Suppression => ("IGN", "suppression comments"),
            Family::Render => ("RND", "what `plx render` cannot write"),
            Family::Migrate => (
                "MIG",
                "what `plx migrate` cannot carry from a Polyaxon 0.x file",
            ),
            Family::Cli => ("CLI", "the command line and `plx.toml`"),
            Family::Io => ("IO", "reading files"),
        }
    }
}

/// Whether a fix keeps the file's meaning (`plx check --fix` applies it) or guesses at it
/// (applied only with `--unsafe-fixes`), as ruff marks its fixes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Applicability {
    Safe,
    Unsafe,
}

impl fmt::Display for Applicability {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Applicability::Safe => "safe",
            Applicability::Unsafe => "unsafe",
        })
    }
}

/// The rules whose findings carry a fix, and how sure it is.
const FIXES: &[(&str, Applicability)] = &[
    ("YAML005", Applicability::Safe),
    ("SCH001", Applicability::Unsafe),
    ("SCH011", Applicability::Unsafe),
    ("SCH012", Applicability::Safe),
    ("AGENT002", Applicability::Unsafe),
    ("TPL003", Applicability::Unsafe),
];

#[derive(Debug, PartialEq, Eq)]
pub struct Rule {
    pub family: Family,
    pub code: &'static str,
    pub name: &'static str,
    pub severity: Severity,
    /// One line: what the rule finds.
    pub summary: &'static str,
    /// Markdown: what it does, why it matters, an example and the fix.
    pub explanation: &'static str,
}

impl Rule {
    /// Whether the rule's findings carry a fix, and how sure it is (`plx check --fix`).
    pub fn fix(&self) -> Option<Applicability> {
        FIXES
            .iter()
            .find(|(code, _)| *code == self.code)
            .map(|(_, applicability)| *applicability)
    }
}

macro_rules! rules {
    ($($family:ident { $($ident:ident = $code:literal, $name:literal, $severity:ident, $summary:literal;)* })*) => {
        $($(
            pub static $ident: Rule = Rule {
                family: Family::$family,
                code: $code,
                name: $name,
                severity: Severity::$severity,
                summary: $summary,
                explanation: include_str!(concat!("../../docs/rules/", $code, ".md")),
            };
        )*)*
        /// Every rule, in code order.
        pub static RULES: &[&Rule] = &[$($(&$ident),*),*];
    };
}

rules! {
    Yaml {
        YAML_SYNTAX = "YAML001", "syntax-error", Error, "The file is not valid YAML (or JSON).";
        YAML_DUPLICATE_KEY = "YAML002", "duplicate-key", Error, "A mapping has the same key twice.";
        YAML_MULTIPLE_DOCUMENTS = "YAML003", "multiple-documents", Error, "The file holds more than one YAML document.";
        YAML_EMPTY = "YAML004", "empty-document", Error, "The file is empty or holds only comments.";
        YAML_AMBIGUOUS_SCALAR = "YAML005", "ambiguous-scalar", Warning, "An unquoted value in a string field is read as a boolean, number, null or date by YAML 1.1 readers.";
        YAML_TOO_DEEP = "YAML006", "nesting-too-deep", Error, "Mappings and lists are nested deeper than plx accepts.";
        YAML_TOO_MANY_NODES = "YAML007", "too-many-nodes", Error, "The document expands (through aliases) to more nodes than plx accepts.";
        YAML_FILE_TOO_LARGE = "YAML008", "file-too-large", Error, "The file is larger than plx reads.";
        YAML_INVALID_UTF8 = "YAML009", "invalid-utf8", Error, "The file is not valid UTF-8.";
        YAML_UNSUPPORTED = "YAML010", "unsupported-yaml", Error, "The file uses a YAML feature that Polyaxonfiles cannot use: complex keys, custom tags or undefined aliases.";
    }
    Schema {
        SCH_UNKNOWN_KEY = "SCH001", "unknown-key", Error, "A key that the Polyaxonfile specification or the Kubernetes object does not have.";
        SCH_INVALID_TYPE = "SCH002", "invalid-type", Error, "A value of the wrong type (a string where an integer belongs, a list where a mapping belongs, ...).";
        SCH_MISSING_KEY = "SCH003", "missing-key", Error, "A required key is missing.";
        SCH_INVALID_VALUE = "SCH004", "invalid-value", Error, "A value outside the allowed set (an unknown `kind`, `patchStrategy`, ...).";
        SCH_LEGACY_FORMAT = "SCH005", "polyaxon-v0-format", Error, "A Polyaxon 0.x Polyaxonfile, which Polyaxon 1.x and 2.x no longer read.";
        SCH_CONTAINER_FIELD_ON_POD = "SCH006", "container-field-in-pod-security-context", Error, "`environment.securityContext` is the pod's security context; this field belongs to a container's.";
        SCH_MISSING_CONTAINER = "SCH007", "missing-container", Error, "A job or service without a main `container`.";
        SCH_UNSUPPORTED_VERSION = "SCH008", "unknown-version", Warning, "A `version` other than the Polyaxonfile specification's 1.1.";
        SCH_INVALID_NAME = "SCH009", "invalid-name", Error, "A component or operation `name` with characters Polyaxon refuses.";
        SCH_MISSING_RUN = "SCH010", "missing-run", Error, "A component with nothing to run: no `run` section and no shortcut that makes one.";
        SCH_STRING_COMMAND = "SCH011", "string-command", Warning, "A container `command` or `args` written as one string with spaces, which runs as a single argument.";
        SCH_UNCONVERTED_SNAKE_CASE = "SCH012", "unconverted-snake-case-key", Error, "A snake_case key below the first level of a Kubernetes object, which Polyaxon does not convert to camelCase, so Kubernetes drops the setting.";
        SCH_POD_ONLY_SECURITY_FIELD = "SCH013", "pod-only-field-in-environment-security-context", Error, "A pod-only security field (`fsGroup`, `supplementalGroups`, `sysctls`, ...) in `environment.securityContext`, which Polyaxon types as a container's and refuses.";
    }
    Kubernetes {
        K8S_INVALID_DNS_NAME = "K8S001", "invalid-dns-name", Error, "A container, volume, port, service account, priority class, image pull secret, node or host alias name that is not the DNS-1123 label, subdomain or IANA service name Kubernetes requires.";
        K8S_INVALID_LABEL = "K8S002", "invalid-label", Error, "A label or node selector key or value that Kubernetes refuses.";
        K8S_INVALID_ANNOTATION = "K8S003", "invalid-annotation", Error, "An annotation key that is not a qualified name, or annotations over 256 KiB in all.";
        K8S_VALUE_OUT_OF_RANGE = "K8S004", "value-out-of-range", Error, "A number outside the range Kubernetes allows: ports, replicas, termination, user and group ids, probe timings, file modes, affinity weights.";
        K8S_UNSUPPORTED_VALUE = "K8S005", "unsupported-value", Error, "A value outside a Kubernetes enum (dnsPolicy, restartPolicy, toleration operator and effect, imagePullPolicy, protocol, ...).";
        K8S_REQUIRED_VALUE = "K8S006", "required-value", Error, "A field that the Kubernetes schema requires is missing from a Kubernetes object.";
        K8S_WORKLOAD_RESTART_POLICY = "K8S007", "workload-restart-policy", Error, "A restartPolicy the rendered workload does not allow: a Deployment needs Always, a Job OnFailure or Never.";
        K8S_INVALID_TOLERATION = "K8S008", "invalid-toleration", Error, "A toleration whose operator, key, value, effect and tolerationSeconds do not fit together.";
        K8S_DNS_NONE_WITHOUT_NAMESERVERS = "K8S009", "dns-none-without-nameservers", Error, "`dnsPolicy: None` without `dnsConfig.nameservers`.";
        K8S_INVALID_DNS_CONFIG = "K8S010", "invalid-dns-config", Error, "A dnsConfig over Kubernetes' limits (3 nameservers, 32 search domains, 2048 characters) or with an invalid search domain.";
        K8S_DUPLICATE_NAME = "K8S011", "duplicate-name", Error, "Two containers, volumes, container ports or mount paths with the same name.";
        K8S_UNDEFINED_VOLUME = "K8S012", "undefined-volume", Error, "A volumeMount that names no volume of the run.";
        K8S_INVALID_IP = "K8S013", "invalid-ip", Error, "A hostAliases ip or dnsConfig nameserver that is not an IP address.";
        K8S_NODE_NAME_BYPASSES_SCHEDULER = "K8S014", "node-name-bypasses-scheduler", Info, "`nodeName` with nodeSelector, affinity or tolerations: the scheduler is bypassed, so they do not steer placement.";
        K8S_CONTAINER_FIELD_NOT_ALLOWED = "K8S015", "container-field-not-allowed", Error, "A container field this kind of container may not have: probes or lifecycle on an init container, restartPolicy on a regular one, terminationGracePeriodSeconds on a readiness probe, successThreshold other than 1 on a liveness or startup probe.";
    }
    Rbac {
        RBAC_MISSING_PERMISSION = "RBAC001", "missing-permission", Error, "The service account lacks a permission the profile requires.";
        RBAC_EXCESS_PERMISSION = "RBAC002", "excess-permission", Warning, "A rule grants the service account more than the profile asks for.";
        RBAC_RISKY_PERMISSION = "RBAC003", "risky-permission", Warning, "A rule lets the service account escalate: wildcards, reading secrets, exec or port-forward into pods, bind, escalate, impersonate, writing RBAC.";
        RBAC_DANGLING_BINDING = "RBAC004", "dangling-binding", Warning, "A binding of the service account refers to a role that is not in the given files, so it grants nothing there.";
        RBAC_UNKNOWN_VERB = "RBAC005", "unknown-verb", Error, "A rule's verb is not a Kubernetes verb (often: apiGroups, resources and verbs swapped), so the rule grants nothing.";
        RBAC_UNKNOWN_RESOURCE = "RBAC006", "unknown-resource", Error, "A rule names a resource its well-known API group does not have, or an API group where a resource belongs.";
        RBAC_NAMESPACE_ON_CLUSTER_OBJECT = "RBAC007", "namespace-on-cluster-object", Warning, "`metadata.namespace` on a ClusterRole or ClusterRoleBinding, which the API server ignores.";
        RBAC_CLUSTER_RESOURCE_IN_ROLE = "RBAC008", "cluster-resource-in-role", Error, "A Role names a cluster-scoped resource (nodes, namespaces, ...), which a Role cannot grant.";
        RBAC_NON_RESOURCE_URLS_IN_ROLE = "RBAC009", "non-resource-urls-in-role", Error, "A Role with `nonResourceURLs`, which only ClusterRoles may have.";
        RBAC_RESOURCE_NAMES_WITH_UNNAMED_VERB = "RBAC010", "resource-names-with-unnamed-verb", Warning, "`resourceNames` with `create` or `deletecollection`, whose requests carry no name, so the rule never grants them.";
        RBAC_INVALID_SUBJECT = "RBAC011", "invalid-subject", Error, "A binding subject the API server refuses: a ClusterRoleBinding ServiceAccount without namespace, a wrong apiGroup, an unknown kind.";
        RBAC_INVALID_ROLE_REF = "RBAC012", "invalid-role-ref", Error, "A roleRef a binding cannot use: a ClusterRoleBinding to a Role, an unknown kind or API group.";
        RBAC_ALL_API_GROUPS = "RBAC013", "all-api-groups", Warning, "`apiGroups` with `*` among other groups: the rule reaches every API group.";
    }
    Agent {
        AGENT_UNREAD_KEY = "AGENT001", "unread-key", Info, "An agent values key the 2.x chart no longer reads (`deploymentVersion`, `auth.useResolver`).";
        AGENT_LEGACY_SECURITY_CONTEXT = "AGENT002", "legacy-security-context", Warning, "`securityContext.user`/`group`, which change the agent's pods but not the ids runs get.";
        AGENT_RUNS_AS_ROOT = "AGENT003", "runs-as-root", Warning, "An enabled agent securityContext that lets runs run as root.";
        AGENT_INLINE_TOKEN = "AGENT004", "inline-token", Warning, "The agent token written in the values file instead of a Secret (`agentSecret`).";
        AGENT_INVALID_TIMEZONE = "AGENT005", "invalid-timezone", Error, "A `timezone` that is not an IANA time zone name.";
        AGENT_UNSUPPORTED_VALUE = "AGENT006", "unsupported-chart-value", Error, "A `dns.backend` or `gateway.service.type` the chart does not support.";
        AGENT_INGRESS_TLS = "AGENT007", "ingress-tls", Error, "`ingress.tls` without `ingress.hostName`, or TLS hosts that do not include it.";
        AGENT_INVALID_CONNECTION = "AGENT008", "invalid-connection", Error, "A connection without a name, with a duplicate name, an unknown kind, or without the schema keys its kind needs; or no artifacts store at all.";
        AGENT_UNKNOWN_CONNECTION = "AGENT009", "unknown-connection", Error, "A Polyaxonfile names a connection the agent's values do not define.";
        AGENT_UNMANAGED_NAMESPACE = "AGENT010", "unmanaged-namespace", Error, "A Polyaxonfile's `namespace` is not one the agent manages.";
        AGENT_RBAC_DISABLED = "AGENT011", "rbac-disabled", Warning, "`rbac.enabled: false`: the runs' service account gets no role from the chart.";
    }
    Security {
        SEC_HOST_NETWORK = "SEC001", "host-network", Warning, "The pod uses the node's network namespace.";
        SEC_HOST_NETWORK_DNS_POLICY = "SEC002", "host-network-without-dns-policy", Warning, "A hostNetwork pod without `dnsPolicy: ClusterFirstWithHostNet` cannot resolve cluster names.";
        SEC_HOST_PID = "SEC003", "host-pid", Warning, "The pod shares the node's process namespace.";
        SEC_PRIVILEGED = "SEC004", "privileged-container", Warning, "A container runs privileged.";
        SEC_PRIVILEGE_ESCALATION = "SEC005", "privilege-escalation", Warning, "A container allows privilege escalation.";
        SEC_ADDED_CAPABILITIES = "SEC006", "added-capabilities", Warning, "A container adds Linux capabilities.";
        SEC_RUN_AS_ROOT = "SEC007", "run-as-root", Warning, "A container runs, or may run, as root.";
        SEC_HOST_PATH_VOLUME = "SEC008", "host-path-volume", Warning, "A volume mounts a path of the node.";
        SEC_MUTABLE_IMAGE_TAG = "SEC009", "mutable-image-tag", Warning, "A container image without a tag or with `:latest`.";
        SEC_EXTERNAL_SERVICE = "SEC010", "external-service", Warning, "A service exposed with `isExternal: true`, without Polyaxon's authentication in front.";
        SEC_MISSING_RESOURCES = "SEC011", "missing-resources", Warning, "The main container sets no resource requests or limits.";
        SEC_DEFAULT_SERVICE_ACCOUNT_TOKEN = "SEC012", "default-service-account-token", Warning, "`serviceAccountName: default` mounts the namespace's shared service account token.";
    }
    Params {
        PRM_UNKNOWN_PARAM = "PRM001", "unknown-param", Error, "A param names no input or output of the component.";
        PRM_MISSING_PARAM = "PRM002", "missing-param", Warning, "A required input has no value (an error on `plx render`).";
        PRM_INVALID_PARAM = "PRM003", "invalid-param", Error, "A param value does not fit its input's type or validation.";
    }
    Template {
        TPL_SYNTAX = "TPL001", "template-syntax", Error, "A `{{ ... }}` template is not valid Jinja2.";
        TPL_UNDEFINED_NAME = "TPL002", "undefined-template-name", Error, "A template reads a name the run does not define.";
        TPL_WHOLE_PARAM = "TPL003", "whole-param-in-template", Warning, "`{{ params.NAME }}` prints the whole param (its value, type, connection, ...), almost always meant as `{{ NAME }}` or `{{ params.NAME.value }}`.";
    }
    Reference {
        REF_UNRESOLVED = "REF001", "unresolved-reference", Error, "A component reference (`pathRef`, `hubRef`, `urlRef`) cannot be followed.";
    }
    Dag {
        DAG_CYCLE = "DAG001", "dependency-cycle", Error, "A dag's operations wait for each other in a cycle (through `dependencies`, params' `ref: ops.NAME` or events), so none of them can start.";
        DAG_UNKNOWN_COMPONENT = "DAG002", "unknown-dag-component", Error, "An operation's `dagRef` names no component of the dag.";
        DAG_UNKNOWN_OPERATION = "DAG003", "unknown-operation", Error, "An operation waits for an operation the dag does not have, or a param reads an output or input that operation does not declare.";
        DAG_DUPLICATE_NAME = "DAG004", "duplicate-operation-name", Error, "Two operations, or two components, of a dag have the same name.";
    }
    Operator {
        OPR_SINGLE_REPLICA_ROLE = "OPR001", "single-replica-role", Error, "A role its operator runs exactly once (a PyTorchJob's master, an MPIJob's launcher) has another number of replicas.";
        OPR_MISSING_REPLICA_ROLE = "OPR002", "missing-replica-role", Error, "A distributed run lacks a role its operator requires (an MPIJob's launcher, a RayCluster's head, a DaskCluster's scheduler or worker, an elastic PyTorchJob's worker).";
        OPR_REPLICA_BOUNDS = "OPR003", "replica-bounds", Error, "A replica count the operator refuses: a PyTorchJob worker below 1, a Ray worker group's negative or inverted minReplicas/maxReplicas.";
        OPR_REFUSED_SETTING = "OPR004", "operator-refused-setting", Error, "A setting KubeRay refuses: `labels` in `rayStartParams`, an autoscaler `upscalingMode` it does not know.";
    }
    Suppression {
        IGN_UNKNOWN_RULE = "IGN001", "unknown-rule-in-suppression", Warning, "A suppression comment names no plx rule.";
        IGN_UNUSED = "IGN002", "unused-suppression", Warning, "A suppression comment silences no finding.";
    }
    Render {
        RND_UNSUPPORTED_RUN_KIND = "RND001", "unsupported-run-kind", Error, "`plx render` writes jobs, services and distributed runs; this run kind (a dag, a notifier, ...) is not rendered.";
        RND_NOT_YET_RENDERED = "RND002", "not-rendered-yet", Error, "The file uses a feature that `plx render` cannot turn into plain manifests yet.";
        RND_IGNORED_SECTION = "RND003", "control-plane-section", Warning, "A section that steers Polyaxon itself (plugins, hooks, cache, ...) and has no place in plain manifests.";
        RND_OPERATOR_DECIDES = "RND004", "operator-decides", Warning, "A setting the operator of a distributed run decides itself (a Dask pod's restart policy, a long-lived cluster's termination); the rendered object leaves it out.";
    }
    Migrate {
        MIG_NO_EQUIVALENT = "MIG001", "no-1-1-equivalent", Warning, "A Polyaxon 0.x setting that a 1.1 component has no place for: `plx migrate` leaves it out and says what to do instead.";
        MIG_NOT_MIGRATABLE = "MIG002", "not-migratable", Error, "A file `plx migrate` cannot translate: not a Polyaxon 0.x file, a 0.x kind without a 1.1 component, or a run without an image.";
    }
    Cli {
        CLI_INVALID_ARGUMENT = "CLI001", "invalid-argument", Error, "A command-line argument or `plx.toml` setting plx cannot use; nothing is checked.";
    }
    Io {
        IO_UNREADABLE_FILE = "IO001", "unreadable-file", Error, "A file plx was asked to read is missing, is not a regular file, or cannot be read.";
        IO_OUTSIDE_REPOSITORY = "IO002", "path-outside-repository", Error, "A path a checked file or `plx.toml` names leads outside the repository (or `--hub-dir`); it is not read.";
        IO_NOTHING_TO_CHECK = "IO003", "nothing-to-check", Warning, "A folder named on the command line holds no file plx checks.";
    }
}

impl Rule {
    /// Whether a finding of this rule means plx could not do what it was asked (exit 2),
    /// rather than a finding in what it read (exit 1).
    pub fn is_usage(&self) -> bool {
        matches!(self.family, Family::Cli | Family::Io)
    }
}

/// Looks a rule up by its code (`SCH001`) or its name (`unknown-key`), case-insensitively.
pub fn find(code_or_name: &str) -> Option<&'static Rule> {
    RULES.iter().copied().find(|rule| {
        rule.code.eq_ignore_ascii_case(code_or_name) || rule.name.eq_ignore_ascii_case(code_or_name)
    })
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    #[test]
    fn codes_and_names_are_unique() {
        let codes: HashSet<_> = RULES.iter().map(|r| r.code).collect();
        let names: HashSet<_> = RULES.iter().map(|r| r.name).collect();
        assert_eq!(codes.len(), RULES.len());
        assert_eq!(names.len(), RULES.len());
    }

    #[test]
    fn codes_carry_a_family_prefix_and_names_are_kebab_case() {
        for rule in RULES {
            let family = rule.code.trim_end_matches(|c: char| c.is_ascii_digit());
            assert_eq!(family, rule.family.prefix(), "{}", rule.code);
            assert!(
                rule.name
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
                "{}",
                rule.name
            );
        }
    }
}
