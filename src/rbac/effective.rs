//! What a set of manifests grants one service account, as the RBAC authorizer would compute
//! it (`plugin/pkg/auth/authorizer/rbac/rbac.go`, `pkg/registry/rbac/validation/rule.go`):
//! which bindings name the account (directly, or through the groups every service account
//! is in), which roles they refer to (ClusterRole aggregation included), and where each
//! rule holds (one namespace, or the whole cluster).

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use k8s_openapi::api::rbac::v1::{ClusterRole, PolicyRule, RoleRef, Subject};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, ObjectMeta};

use super::manifests::{ManifestFile, Object};

/// `namespace:name`, as `kubectl auth can-i --as system:serviceaccount:NS:NAME` names it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Account {
    pub namespace: String,
    pub name: String,
}

impl FromStr for Account {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        let text = text.strip_prefix("system:serviceaccount:").unwrap_or(text);
        match text.split_once(':') {
            Some((namespace, name)) if !namespace.is_empty() && !name.is_empty() => Ok(Account {
                namespace: namespace.to_owned(),
                name: name.to_owned(),
            }),
            _ => Err(format!(
                "`{text}` is not NAMESPACE:NAME (e.g. `default:sky-sa`)"
            )),
        }
    }
}

impl fmt::Display for Account {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.namespace, self.name)
    }
}

/// Where a rule holds.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Reach {
    /// Every namespace and the cluster-scoped resources: a ClusterRoleBinding's grant.
    Cluster,
    /// One namespace: a RoleBinding's grant.
    Namespace(String),
}

impl Reach {
    /// Whether a grant with this reach holds for a request in `target`.
    pub fn holds_in(&self, target: &Reach) -> bool {
        self == &Reach::Cluster || self == target
    }
}

impl fmt::Display for Reach {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Reach::Cluster => f.write_str("cluster-wide"),
            Reach::Namespace(namespace) => write!(f, "in namespace {namespace}"),
        }
    }
}

/// Which object of which file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ObjectRef {
    pub file: usize,
    pub manifest: usize,
}

/// One rule the account holds, and where it comes from.
#[derive(Clone, Debug)]
pub struct Grant {
    pub rule: PolicyRule,
    pub reach: Reach,
    pub binding: ObjectRef,
    /// The role holding the rule, and the rule's index in its `rules`.
    pub role: ObjectRef,
    pub rule_index: usize,
}

/// The bindings that name the account, including those whose role is not in the files.
#[derive(Clone, Debug, Default)]
pub struct Effective {
    pub grants: Vec<Grant>,
    pub bindings: Vec<(ObjectRef, Reach)>,
    /// Bindings of the account whose role is not among the files (they grant nothing here).
    pub dangling: Vec<Dangling>,
}

/// A binding of the account to a role that is not among the files, and the roles it could
/// have meant: a typo in `roleRef.name` is the usual cause.
#[derive(Clone, Debug)]
pub struct Dangling {
    pub binding: ObjectRef,
    pub role_ref: RoleRef,
    /// Where a Role was looked for (a Role belongs to the binding's namespace); `None` for a
    /// ClusterRole.
    pub namespace: Option<String>,
    /// The names of the files' roles the binding could refer to: every ClusterRole for a
    /// ClusterRole, the Roles of the binding's namespace for a Role.
    pub candidates: Vec<String>,
}

/// The namespace an object lives in: its own, else the account's (where
/// `kubectl apply -n <namespace>` would put it).
fn namespace_of(metadata: &ObjectMeta, account: &Account) -> String {
    metadata
        .namespace
        .clone()
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| account.namespace.clone())
}

/// `appliesToUser` in rbac.go: a subject names the account directly, by its user name, or by
/// a group every service account (of its namespace) belongs to.
fn subject_applies(subject: &Subject, binding_namespace: &str, account: &Account) -> bool {
    match subject.kind.as_str() {
        "ServiceAccount" => {
            // A RoleBinding's ServiceAccount subject defaults to the binding's namespace.
            let namespace = subject
                .namespace
                .as_deref()
                .filter(|n| !n.is_empty())
                .unwrap_or(binding_namespace);
            subject.name == account.name && namespace == account.namespace
        }
        "User" => subject.name == format!("system:serviceaccount:{account}"),
        "Group" => [
            "system:serviceaccounts".to_owned(),
            format!("system:serviceaccounts:{}", account.namespace),
            "system:authenticated".to_owned(),
        ]
        .contains(&subject.name),
        _ => false,
    }
}

fn selector_matches(selector: &LabelSelector, labels: &BTreeMap<String, String>) -> bool {
    let labels_match = selector
        .match_labels
        .iter()
        .flatten()
        .all(|(key, value)| labels.get(key) == Some(value));
    let expressions_match = selector.match_expressions.iter().flatten().all(|e| {
        let value = labels.get(&e.key);
        let values = e.values.as_deref().unwrap_or_default();
        match e.operator.as_str() {
            "In" => value.is_some_and(|v| values.contains(v)),
            "NotIn" => value.is_none_or(|v| !values.contains(v)),
            "Exists" => value.is_some(),
            "DoesNotExist" => value.is_none(),
            _ => false,
        }
    });
    labels_match && expressions_match
}

/// A ClusterRole's rules: its own, or, with an `aggregationRule`, those of every ClusterRole
/// its selectors match (the controller overwrites the aggregated role's own rules). A matched
/// role that is itself aggregated contributes its aggregated rules, as the controller's
/// repeated passes converge to (`admin` holds `edit`, which holds `view`).
fn cluster_role_rules(
    role: &ClusterRole,
    at: ObjectRef,
    roles: &[(ObjectRef, &ClusterRole)],
) -> Vec<(ObjectRef, usize, PolicyRule)> {
    let mut visiting = vec![at];
    aggregated(role, at, roles, &mut visiting)
}

fn aggregated(
    role: &ClusterRole,
    at: ObjectRef,
    roles: &[(ObjectRef, &ClusterRole)],
    visiting: &mut Vec<ObjectRef>,
) -> Vec<(ObjectRef, usize, PolicyRule)> {
    let Some(aggregation) = &role.aggregation_rule else {
        return role
            .rules
            .iter()
            .flatten()
            .cloned()
            .enumerate()
            .map(|(index, rule)| (at, index, rule))
            .collect();
    };
    let selectors = aggregation
        .cluster_role_selectors
        .as_deref()
        .unwrap_or_default();
    let empty = BTreeMap::new();
    let mut out = Vec::new();
    for (other, candidate) in roles {
        let labels = candidate.metadata.labels.as_ref().unwrap_or(&empty);
        // A cycle of aggregated roles adds nothing new: skip roles already being resolved.
        if visiting.contains(other) || !selectors.iter().any(|s| selector_matches(s, labels)) {
            continue;
        }
        visiting.push(*other);
        out.extend(aggregated(candidate, *other, roles, visiting));
        visiting.pop();
    }
    out
}

/// Everything the files grant `account`.
pub fn effective(files: &[ManifestFile], account: &Account) -> Effective {
    let objects: Vec<(ObjectRef, &Object)> = files
        .iter()
        .enumerate()
        .flat_map(|(file, f)| {
            f.manifests
                .iter()
                .enumerate()
                .map(move |(manifest, m)| (ObjectRef { file, manifest }, &m.object))
        })
        .collect();
    let roles = Roles {
        account,
        cluster_roles: objects
            .iter()
            .filter_map(|(at, object)| match object {
                Object::ClusterRole(role) => Some((*at, role)),
                _ => None,
            })
            .collect(),
        objects: &objects,
    };
    let mut effective = Effective::default();
    for (at, object) in &objects {
        let Some((reach, role_ref)) = binding_of(object, account) else {
            continue;
        };
        effective.bindings.push((*at, reach.clone()));
        let role_namespace = match &reach {
            Reach::Namespace(namespace) => namespace.as_str(),
            Reach::Cluster => "",
        };
        match roles.rules_of(role_ref, role_namespace) {
            Some(rules) => {
                effective
                    .grants
                    .extend(rules.into_iter().map(|(role, rule_index, rule)| Grant {
                        rule,
                        reach: reach.clone(),
                        binding: *at,
                        role,
                        rule_index,
                    }))
            }
            None => effective
                .dangling
                .push(roles.dangling(*at, role_ref, role_namespace)),
        }
    }
    effective
}

/// A binding that applies to `account`: where it grants, and the role it grants. A
/// ClusterRoleBinding may only refer to a ClusterRole.
fn binding_of<'a>(object: &'a Object, account: &Account) -> Option<(Reach, &'a RoleRef)> {
    let (reach, subjects, role_ref, binding_namespace) = match object {
        Object::RoleBinding(binding) => {
            let namespace = namespace_of(&binding.metadata, account);
            (
                Reach::Namespace(namespace.clone()),
                &binding.subjects,
                &binding.role_ref,
                namespace,
            )
        }
        Object::ClusterRoleBinding(binding) => (
            Reach::Cluster,
            &binding.subjects,
            &binding.role_ref,
            String::new(),
        ),
        _ => return None,
    };
    let applies = subjects
        .iter()
        .flatten()
        .any(|s| subject_applies(s, &binding_namespace, account));
    let kind_fits = reach != Reach::Cluster || role_ref.kind == "ClusterRole";
    (applies && kind_fits).then_some((reach, role_ref))
}

/// The roles of the files, by the references bindings make to them.
struct Roles<'a> {
    account: &'a Account,
    objects: &'a [(ObjectRef, &'a Object)],
    cluster_roles: Vec<(ObjectRef, &'a ClusterRole)>,
}

impl Roles<'_> {
    /// A binding whose role is not in the files, with the names it could have meant.
    fn dangling(&self, binding: ObjectRef, role_ref: &RoleRef, namespace: &str) -> Dangling {
        let is_role = role_ref.kind == "Role";
        let candidates = self
            .objects
            .iter()
            .filter_map(|(_, object)| match object {
                Object::Role(role) if is_role => (namespace_of(&role.metadata, self.account)
                    == namespace)
                    .then_some(&role.metadata),
                Object::ClusterRole(role) if role_ref.kind == "ClusterRole" => Some(&role.metadata),
                _ => None,
            })
            .filter_map(|metadata| metadata.name.clone())
            .collect();
        Dangling {
            binding,
            role_ref: role_ref.clone(),
            namespace: is_role.then(|| namespace.to_owned()),
            candidates,
        }
    }

    /// The rules a roleRef resolves to, or None when the role is not in the files.
    fn rules_of(
        &self,
        role_ref: &RoleRef,
        namespace: &str,
    ) -> Option<Vec<(ObjectRef, usize, PolicyRule)>> {
        match role_ref.kind.as_str() {
            "Role" => self.objects.iter().find_map(|(at, object)| match object {
                Object::Role(role)
                    if role.metadata.name.as_deref() == Some(role_ref.name.as_str())
                        && namespace_of(&role.metadata, self.account) == namespace =>
                {
                    Some(
                        role.rules
                            .iter()
                            .flatten()
                            .cloned()
                            .enumerate()
                            .map(|(index, rule)| (*at, index, rule))
                            .collect(),
                    )
                }
                _ => None,
            }),
            "ClusterRole" => self
                .cluster_roles
                .iter()
                .find(|(_, role)| role.metadata.name.as_deref() == Some(role_ref.name.as_str()))
                .map(|(at, role)| cluster_role_rules(role, *at, &self.cluster_roles)),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rbac::manifests::read;
    use crate::rbac::matching::{Atom, rules_allow};

    fn allowed(effective: &Effective, reach: &Reach, atom: &Atom) -> bool {
        let rules: Vec<PolicyRule> = effective
            .grants
            .iter()
            .filter(|g| g.reach.holds_in(reach))
            .map(|g| g.rule.clone())
            .collect();
        rules_allow(&rules, atom)
    }

    fn account() -> Account {
        "ml:runner".parse().unwrap()
    }

    #[test]
    fn a_role_binding_to_a_cluster_role_grants_only_in_its_namespace() {
        let text = "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: reader}\nrules: [{apiGroups: [''], resources: [pods], verbs: [get]}]\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {name: b, namespace: ml}\nsubjects: [{kind: ServiceAccount, name: runner}]\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: reader}\n";
        let files = [read("m.yaml", text.as_bytes().to_vec())];
        let effective = effective(&files, &account());
        let get_pods = Atom::resource("", "pods", "get");
        assert!(allowed(
            &effective,
            &Reach::Namespace("ml".into()),
            &get_pods
        ));
        assert!(!allowed(
            &effective,
            &Reach::Namespace("other".into()),
            &get_pods
        ));
        assert!(!allowed(&effective, &Reach::Cluster, &get_pods));
    }

    #[test]
    fn groups_of_every_service_account_apply_and_other_accounts_do_not() {
        let text = "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata: {name: all}\nsubjects: [{kind: Group, name: 'system:serviceaccounts:ml', apiGroup: rbac.authorization.k8s.io}]\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: agg}\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: agg}\naggregationRule: {clusterRoleSelectors: [{matchLabels: {team: ml}}]}\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: part, labels: {team: ml}}\nrules: [{apiGroups: [''], resources: [nodes], verbs: [list]}]\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata: {name: other}\nsubjects: [{kind: ServiceAccount, name: runner, namespace: elsewhere}]\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: missing}\n";
        let files = [read("m.yaml", text.as_bytes().to_vec())];
        let effective = effective(&files, &account());
        let list_nodes = Atom::resource("", "nodes", "list");
        assert!(allowed(&effective, &Reach::Cluster, &list_nodes));
        assert!(effective.dangling.is_empty());
        assert_eq!(effective.bindings.len(), 1);
    }

    #[test]
    fn aggregation_follows_aggregated_roles() {
        let text = "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: top}\naggregationRule: {clusterRoleSelectors: [{matchLabels: {to: top}}]}\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: mid, labels: {to: top}}\naggregationRule: {clusterRoleSelectors: [{matchLabels: {to: mid}}]}\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: leaf, labels: {to: mid}}\nrules: [{apiGroups: [''], resources: [pods], verbs: [get]}]\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {name: b, namespace: ml}\nsubjects: [{kind: ServiceAccount, name: runner}]\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: top}\n";
        let files = [read("m.yaml", text.as_bytes().to_vec())];
        let effective = effective(&files, &account());
        let get_pods = Atom::resource("", "pods", "get");
        assert!(allowed(
            &effective,
            &Reach::Namespace("ml".into()),
            &get_pods
        ));
    }

    #[test]
    fn a_dangling_binding_offers_only_roles_it_could_refer_to() {
        // A Role ref can mean a Role of the binding's namespace; a ClusterRole ref, a ClusterRole.
        let text = "apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: {name: reader-ml, namespace: ml}\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: {name: reader-other, namespace: other}\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: reader-cluster}\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {name: to-role, namespace: ml}\nsubjects: [{kind: ServiceAccount, name: runner}]\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: reader}\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata: {name: to-cluster-role}\nsubjects: [{kind: ServiceAccount, name: runner, namespace: ml}]\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: reader}\n";
        let files = [read("m.yaml", text.as_bytes().to_vec())];
        let effective = effective(&files, &account());
        let found: Vec<(&str, Option<&str>, Vec<String>)> = effective
            .dangling
            .iter()
            .map(|d| {
                (
                    d.role_ref.kind.as_str(),
                    d.namespace.as_deref(),
                    d.candidates.clone(),
                )
            })
            .collect();
        assert_eq!(
            found,
            [
                ("Role", Some("ml"), vec!["reader-ml".to_owned()]),
                ("ClusterRole", None, vec!["reader-cluster".to_owned()]),
            ]
        );
    }

    #[test]
    fn accounts_parse_from_namespace_and_name() {
        assert_eq!(
            "system:serviceaccount:default:sky-sa"
                .parse::<Account>()
                .unwrap(),
            Account {
                namespace: "default".into(),
                name: "sky-sa".into()
            }
        );
        assert!("sky-sa".parse::<Account>().is_err());
    }
}
