//! Mistakes in RBAC objects that the API server accepts and that then grant nothing, or not
//! what they say (`pkg/apis/rbac/validation/validation.go` and the authorizer's matching):
//! each at its line, like every other finding.

use k8s_openapi::api::rbac::v1::PolicyRule;

use super::manifests::{Manifest, ManifestFile, Object};
use crate::diagnostic::Diagnostic;
use crate::document::locate::{Findings, Target};
use crate::rules;

const RBAC_GROUP: &str = "rbac.authorization.k8s.io";

/// The verbs the API server's authorizers know (`kubectl create role --help` plus the
/// special ones: bind, escalate, impersonate, use, approve, sign, attest).
const VERBS: &[&str] = &[
    "get",
    "list",
    "watch",
    "create",
    "update",
    "patch",
    "delete",
    "deletecollection",
    "bind",
    "escalate",
    "impersonate",
    "use",
    "approve",
    "sign",
    "attest",
    "proxy",
    "*",
];

/// The verbs of a `nonResourceURLs` rule: lower-cased HTTP methods.
const HTTP_VERBS: &[&str] = &["get", "post", "put", "patch", "delete", "head", "options"];

/// (group, resource, namespaced) for the groups whose resources are fixed and well known:
/// Kubernetes' built-in groups and Polyaxon's CRDs (`kubectl api-resources` on a stock
/// cluster; `k8s-rbac/resource-scopes.yaml` in the reference data).
const RESOURCES: &[(&str, &str, bool)] = &[
    ("", "bindings", true),
    ("", "componentstatuses", false),
    ("", "configmaps", true),
    ("", "endpoints", true),
    ("", "events", true),
    ("", "limitranges", true),
    ("", "namespaces", false),
    ("", "nodes", false),
    ("", "persistentvolumeclaims", true),
    ("", "persistentvolumes", false),
    ("", "pods", true),
    ("", "podtemplates", true),
    ("", "replicationcontrollers", true),
    ("", "resourcequotas", true),
    ("", "secrets", true),
    ("", "serviceaccounts", true),
    ("", "services", true),
    ("apps", "controllerrevisions", true),
    ("apps", "daemonsets", true),
    ("apps", "deployments", true),
    ("apps", "replicasets", true),
    ("apps", "statefulsets", true),
    ("batch", "cronjobs", true),
    ("batch", "jobs", true),
    ("metrics.k8s.io", "nodes", false),
    ("metrics.k8s.io", "pods", true),
    ("networking.k8s.io", "ingressclasses", false),
    ("networking.k8s.io", "ipaddresses", false),
    ("networking.k8s.io", "servicecidrs", false),
    ("networking.k8s.io", "ingresses", true),
    ("networking.k8s.io", "networkpolicies", true),
    ("node.k8s.io", "runtimeclasses", false),
    ("rbac.authorization.k8s.io", "clusterrolebindings", false),
    ("rbac.authorization.k8s.io", "clusterroles", false),
    ("rbac.authorization.k8s.io", "rolebindings", true),
    ("rbac.authorization.k8s.io", "roles", true),
    ("storage.k8s.io", "csidrivers", false),
    ("storage.k8s.io", "csinodes", false),
    ("storage.k8s.io", "csistoragecapacities", true),
    ("storage.k8s.io", "storageclasses", false),
    ("storage.k8s.io", "volumeattachments", false),
    ("polyaxon.com", "clusters", true),
    ("polyaxon.com", "jobs", true),
    ("polyaxon.com", "kfjobs", true),
    ("polyaxon.com", "services", true),
    ("core.polyaxon.com", "operations", true),
];

/// Whether a resource of a well-known group is cluster-scoped (granted only cluster-wide).
pub fn is_cluster_scoped(group: &str, resource: &str) -> bool {
    let base = resource.split('/').next().unwrap_or(resource);
    RESOURCES
        .iter()
        .any(|(g, name, namespaced)| *g == group && *name == base && !namespaced)
}

fn known_group(group: &str) -> bool {
    RESOURCES.iter().any(|(g, _, _)| *g == group)
}

/// Lints every RBAC object of a file.
pub fn lint(file: &ManifestFile) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for manifest in &file.manifests {
        let mut findings = Findings::new(&manifest.node);
        match &manifest.object {
            Object::Role(role) => rules_lint(
                role.rules.as_deref().unwrap_or_default(),
                true,
                &mut findings,
            ),
            Object::ClusterRole(role) => {
                cluster_object_namespace(
                    manifest,
                    role.metadata.namespace.as_deref(),
                    &mut findings,
                );
                rules_lint(
                    role.rules.as_deref().unwrap_or_default(),
                    false,
                    &mut findings,
                );
            }
            Object::RoleBinding(binding) => {
                subjects_lint(
                    manifest,
                    binding.subjects.as_deref().unwrap_or_default(),
                    false,
                    &mut findings,
                );
                role_ref_lint(
                    manifest,
                    &binding.role_ref.kind,
                    &binding.role_ref.api_group,
                    &["Role", "ClusterRole"],
                    &mut findings,
                );
            }
            Object::ClusterRoleBinding(binding) => {
                cluster_object_namespace(
                    manifest,
                    binding.metadata.namespace.as_deref(),
                    &mut findings,
                );
                subjects_lint(
                    manifest,
                    binding.subjects.as_deref().unwrap_or_default(),
                    true,
                    &mut findings,
                );
                role_ref_lint(
                    manifest,
                    &binding.role_ref.kind,
                    &binding.role_ref.api_group,
                    &["ClusterRole"],
                    &mut findings,
                );
            }
            Object::ServiceAccount(_) | Object::Other => {}
        }
        out.extend(findings.into_vec());
    }
    out
}

fn cluster_object_namespace(
    manifest: &Manifest,
    namespace: Option<&str>,
    findings: &mut Findings<'_>,
) {
    let Some(namespace) = namespace.filter(|n| !n.is_empty()) else {
        return;
    };
    findings.at(&rules::RBAC_NAMESPACE_ON_CLUSTER_OBJECT, "/metadata/namespace", Target::Key, format!("a {} is cluster-scoped: `namespace: {namespace}` is ignored", manifest.kind())).help(format!("remove `metadata.namespace`; the API server drops it, so the {} is not limited to `{namespace}` as this file suggests", manifest.kind()));
}

fn rules_lint(
    rules: &[k8s_openapi::api::rbac::v1::PolicyRule],
    in_role: bool,
    findings: &mut Findings<'_>,
) {
    for (index, rule) in rules.iter().enumerate() {
        let at = format!("/rules/{index}");
        let groups = rule.api_groups.as_deref().unwrap_or_default();
        verbs_lint(rule, &at, findings);
        resources_lint(rule, &at, in_role, findings);
        if in_role
            && rule
                .non_resource_urls
                .as_ref()
                .is_some_and(|u| !u.is_empty())
        {
            findings.at(&rules::RBAC_NON_RESOURCE_URLS_IN_ROLE, &format!("{at}/nonResourceURLs"), Target::Key, "a Role cannot grant `nonResourceURLs`").help("the API server refuses it (`namespaced rules cannot apply to non-resource URLs`); non-resource URLs such as /healthz belong to no namespace: use a ClusterRole");
        }
        let named = rule.resource_names.as_ref().is_some_and(|n| !n.is_empty());
        for verb in ["create", "deletecollection"] {
            if named && rule.verbs.iter().any(|v| v == verb) {
                findings.at(&rules::RBAC_RESOURCE_NAMES_WITH_UNNAMED_VERB, &format!("{at}/resourceNames"), Target::Key, format!("`resourceNames` never match `{verb}`")).help(format!("a `{verb}` request carries no object name, so this rule never grants it; put `{verb}` in a rule without `resourceNames`"));
            }
        }
        if groups.iter().any(|g| g == "*") && groups.len() > 1 {
            findings.at(&rules::RBAC_ALL_API_GROUPS, &format!("{at}/apiGroups"), Target::Key, format!("`apiGroups: [{}]` grants every API group", groups.iter().map(|g| format!("\"{g}\"")).collect::<Vec<_>>().join(", "))).help("`*` matches every group, so the other entries add nothing and the rule reaches the same resource names in every group (CRDs included); list the groups you mean");
        }
    }
}

/// Verbs the authorizer knows (RBAC005); a rule for non-resource URLs takes lower-case HTTP
/// methods.
fn verbs_lint(rule: &PolicyRule, at: &str, findings: &mut Findings<'_>) {
    let resources = rule.resources.as_deref().unwrap_or_default();
    let url_rule = resources.is_empty() && rule.non_resource_urls.is_some();
    for (v, verb) in rule.verbs.iter().enumerate() {
        // The authorizer compares verbs exactly: `GET` matches no request.
        if VERBS.contains(&verb.as_str()) || (url_rule && HTTP_VERBS.contains(&verb.as_str())) {
            continue;
        }
        let swapped = RESOURCES.iter().any(|(_, r, _)| r == verb);
        let help = if verb.chars().any(|c| c.is_ascii_uppercase()) {
            format!(
                "verbs are lower-case and compared exactly: write `{}`",
                verb.to_ascii_lowercase()
            )
        } else if swapped {
            format!(
                "`{verb}` is a resource: the rule's fields look swapped; write `apiGroups` (e.g. \"apps\"), `resources` (e.g. \"{verb}\") and `verbs` (e.g. \"get\", \"list\")"
            )
        } else {
            "verbs are get, list, watch, create, update, patch, delete, deletecollection (and bind, escalate, impersonate, use); a rule with an unknown verb grants nothing".to_owned()
        };
        findings
            .at(
                &rules::RBAC_UNKNOWN_VERB,
                &format!("{at}/verbs/{v}"),
                Target::Value,
                format!("`{verb}` is not a verb"),
            )
            .help(help);
    }
}

/// Resources that exist in the rule's groups (RBAC006), and none cluster-scoped in a Role
/// (RBAC008).
fn resources_lint(rule: &PolicyRule, at: &str, in_role: bool, findings: &mut Findings<'_>) {
    let groups = rule.api_groups.as_deref().unwrap_or_default();
    let resources = rule.resources.as_deref().unwrap_or_default();
    for (r, resource) in resources.iter().enumerate() {
        let base = resource.split('/').next().unwrap_or(resource);
        if base == "*" {
            continue;
        }
        let is_group = known_group(base) && !RESOURCES.iter().any(|(_, name, _)| *name == base);
        // Only when every group of the rule is well known and none has the resource: a
        // rule may list several groups whose resources differ.
        let all_known = !groups.is_empty() && groups.iter().all(|g| known_group(g));
        let in_none = !groups.iter().any(|g| {
            RESOURCES
                .iter()
                .any(|(group, name, _)| group == g && *name == base)
        });
        if is_group || (all_known && in_none) {
            let message = if is_group {
                format!("`{resource}` is an API group, not a resource")
            } else {
                let listed: Vec<String> = groups.iter().map(|g| format!("\"{g}\"")).collect();
                format!("API group {} has no resource `{base}`", listed.join(" / "))
            };
            findings.at(&rules::RBAC_UNKNOWN_RESOURCE, &format!("{at}/resources/{r}"), Target::Value, message).help("a rule naming a resource that does not exist grants nothing; `kubectl api-resources` lists each group's resources".to_owned());
        }
        if in_role {
            let cluster_scoped = groups.iter().any(|g| {
                RESOURCES
                    .iter()
                    .any(|(group, name, namespaced)| group == g && *name == base && !namespaced)
            });
            if cluster_scoped {
                findings.at(&rules::RBAC_CLUSTER_RESOURCE_IN_ROLE, &format!("{at}/resources/{r}"), Target::Value, format!("`{resource}` is cluster-scoped: a Role cannot grant it")).help("a Role grants only inside its namespace, and cluster-scoped objects live in none; move the rule to a ClusterRole bound by a ClusterRoleBinding".to_owned());
            }
        }
    }
}

fn subjects_lint(
    manifest: &Manifest,
    subjects: &[k8s_openapi::api::rbac::v1::Subject],
    cluster: bool,
    findings: &mut Findings<'_>,
) {
    for (index, subject) in subjects.iter().enumerate() {
        let at = format!("/subjects/{index}");
        let group = subject.api_group.as_deref().unwrap_or_default();
        let problem = match subject.kind.as_str() {
            "ServiceAccount" if cluster && subject.namespace.as_deref().is_none_or(str::is_empty) => Some((
                "namespace",
                "a ClusterRoleBinding's ServiceAccount subject needs its `namespace`".to_owned(),
                "the API server refuses it: a ClusterRoleBinding has no namespace to default to; add the account's namespace".to_owned(),
            )),
            "ServiceAccount" if !group.is_empty() => Some((
                "apiGroup",
                format!("a ServiceAccount subject's `apiGroup` must be empty, not `{group}`"),
                "the API server refuses it; remove `apiGroup` from ServiceAccount subjects".to_owned(),
            )),
            // An empty apiGroup is defaulted to the RBAC group (`SetDefaults_Subject`).
            "User" | "Group" if !group.is_empty() && group != RBAC_GROUP => Some((
                "apiGroup",
                format!("a {} subject's `apiGroup` must be `{RBAC_GROUP}`", subject.kind),
                format!("the API server refuses it; write `apiGroup: {RBAC_GROUP}`"),
            )),
            "ServiceAccount" | "User" | "Group" => None,
            other => Some((
                "kind",
                format!("`{other}` is not a subject kind"),
                "subjects are ServiceAccount, User or Group; the API server refuses any other".to_owned(),
            )),
        };
        if let Some((key, message, help)) = problem {
            let pointer = format!("{at}/{key}");
            let target = if subject_has(manifest, &pointer) {
                Target::Value
            } else {
                Target::Key
            };
            findings
                .at(&rules::RBAC_INVALID_SUBJECT, &pointer, target, message)
                .help(help);
        }
    }
}

fn subject_has(manifest: &Manifest, pointer: &str) -> bool {
    crate::document::locate::node(&manifest.node, pointer).is_some()
}

fn role_ref_lint(
    manifest: &Manifest,
    kind: &str,
    group: &str,
    allowed: &[&str],
    findings: &mut Findings<'_>,
) {
    if !allowed.contains(&kind) {
        findings
            .at(
                &rules::RBAC_INVALID_ROLE_REF,
                "/roleRef/kind",
                Target::Value,
                format!("a {} cannot refer to a `{kind}`", manifest.kind()),
            )
            .help(format!(
                "the API server refuses it: `roleRef.kind` must be {}",
                allowed.join(" or ")
            ));
    }
    // An empty apiGroup is defaulted (`SetDefaults_RoleBinding`).
    if !group.is_empty() && group != RBAC_GROUP {
        findings
            .at(
                &rules::RBAC_INVALID_ROLE_REF,
                "/roleRef/apiGroup",
                Target::Value,
                format!("`roleRef.apiGroup` must be `{RBAC_GROUP}`"),
            )
            .help("the API server refuses any other group".to_owned());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rbac::manifests::read;

    fn codes(text: &str) -> Vec<&'static str> {
        let file = read("m.yaml", text.as_bytes().to_vec());
        assert!(file.diagnostics.is_empty(), "{:?}", file.diagnostics);
        lint(&file).iter().map(|d| d.rule.code).collect()
    }

    const ROLE: &str = "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: r}\nrules:\n";

    #[test]
    fn url_rules_take_http_methods_and_verbs_are_exact() {
        assert!(
            codes(&format!(
                "{ROLE}- nonResourceURLs: [/healthz]\n  verbs: [get, post]\n"
            ))
            .is_empty()
        );
        assert_eq!(
            codes(&format!(
                "{ROLE}- apiGroups: ['']\n  resources: [pods]\n  verbs: [GET, post]\n"
            )),
            ["RBAC005", "RBAC005"]
        );
    }

    #[test]
    fn a_resource_needs_only_one_of_the_rules_groups() {
        assert!(
            codes(&format!(
                "{ROLE}- apiGroups: ['', apps]\n  resources: [pods, deployments]\n  verbs: [get]\n"
            ))
            .is_empty()
        );
        assert_eq!(
            codes(&format!(
                "{ROLE}- apiGroups: [metrics.k8s.io]\n  resources: [pods, apis]\n  verbs: [get]\n"
            )),
            ["RBAC006"]
        );
        // Unknown groups (CRDs) are not judged.
        assert!(
            codes(&format!(
                "{ROLE}- apiGroups: [example.com]\n  resources: [widgets]\n  verbs: [get]\n"
            ))
            .is_empty()
        );
    }

    #[test]
    fn defaulted_api_groups_pass() {
        let binding = "apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {name: b, namespace: team}\nsubjects: [{kind: User, name: jane}, {kind: Group, name: devs}]\nroleRef: {kind: ClusterRole, name: view, apiGroup: ''}\n";
        assert!(codes(binding).is_empty());
        let wrong = binding.replace(
            "kind: User, name: jane",
            "kind: User, name: jane, apiGroup: v1",
        );
        assert_eq!(codes(&wrong), ["RBAC011"]);
    }
}
