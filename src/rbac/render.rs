//! A profile as manifests for one service account: the ServiceAccount, a Role and RoleBinding
//! per namespace the profile grants in, and a ClusterRole and ClusterRoleBinding for its
//! cluster-wide parts — what SkyPilot's docs ask admins to hand-write as create-sky-sa.yaml.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::ServiceAccount;
use k8s_openapi::api::rbac::v1::{
    ClusterRole, ClusterRoleBinding, PolicyRule, Role, RoleBinding, RoleRef, Subject,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use serde::Serialize;

use super::effective::Reach;
use super::profile::{Profile, Scope};

const RBAC_GROUP: &str = "rbac.authorization.k8s.io";

/// Who the objects are for.
pub struct Request<'a> {
    pub profile: &'a Profile,
    /// Optional parts to grant too.
    pub with: &'a [String],
    pub account: &'a str,
    /// The account's namespace; `None` leaves it to `kubectl apply -n`.
    pub namespace: Option<&'a str>,
    /// Write the ServiceAccount too (false when it exists already).
    pub service_account: bool,
    pub labels: BTreeMap<String, String>,
}

#[derive(Debug, PartialEq, Eq)]
pub enum RenderError {
    /// A ClusterRoleBinding must name the account's namespace.
    NamespaceNeeded { part: String },
}

/// The objects, in the order Helm installs kinds.
pub fn objects(request: &Request<'_>) -> Result<Vec<serde_json::Value>, RenderError> {
    let by_reach = rules_by_reach(request)?;
    let metadata = |name: String, namespace: Option<&str>| ObjectMeta {
        name: Some(name),
        namespace: namespace.filter(|n| !n.is_empty()).map(str::to_owned),
        labels: Some(request.labels.clone()),
        ..ObjectMeta::default()
    };
    let subject = |with_namespace: bool| Subject {
        kind: "ServiceAccount".into(),
        name: request.account.to_owned(),
        namespace: request
            .namespace
            .filter(|_| with_namespace)
            .map(str::to_owned),
        api_group: None,
    };
    let mut objects = Vec::new();
    if request.service_account {
        objects.push(value(&ServiceAccount {
            metadata: metadata(request.account.to_owned(), request.namespace),
            ..ServiceAccount::default()
        }));
    }
    // Cluster-wide names, and names in namespaces shared with other accounts, carry the
    // account's namespace: `NS.NAME` is unambiguous, as a namespace holds no dot.
    let qualified_name = format!(
        "{}.{}",
        request.namespace.unwrap_or_default(),
        request.account
    );
    if let Some(rules) = by_reach.get(&Reach::Cluster) {
        objects.push(value(&ClusterRole {
            metadata: metadata(qualified_name.clone(), None),
            rules: Some(rules.clone()),
            ..ClusterRole::default()
        }));
        objects.push(value(&ClusterRoleBinding {
            metadata: metadata(qualified_name.clone(), None),
            role_ref: role_ref("ClusterRole", &qualified_name),
            subjects: Some(vec![subject(true)]),
        }));
    }
    for (reach, rules) in &by_reach {
        let Reach::Namespace(namespace) = reach else {
            continue;
        };
        let own = Some(namespace.as_str()) == request.namespace || namespace.is_empty();
        let name = if own {
            request.account.to_owned()
        } else {
            qualified_name.clone()
        };
        objects.push(value(&Role {
            metadata: metadata(name.clone(), Some(namespace)),
            rules: Some(rules.clone()),
        }));
        objects.push(value(&RoleBinding {
            metadata: metadata(name.clone(), Some(namespace)),
            role_ref: role_ref("Role", &name),
            // In its own namespace the subject's namespace defaults to the binding's.
            subjects: Some(vec![subject(!own)]),
        }));
    }
    Ok(objects)
}

/// The rules of the parts granted, by where they are granted.
fn rules_by_reach(request: &Request<'_>) -> Result<BTreeMap<Reach, Vec<PolicyRule>>, RenderError> {
    let mut by_reach: BTreeMap<Reach, Vec<PolicyRule>> = BTreeMap::new();
    for part in &request.profile.parts {
        if part.optional && !request.with.contains(&part.name) {
            continue;
        }
        let needs_namespace = || RenderError::NamespaceNeeded {
            part: part.name.clone(),
        };
        let reach = match (part.scope, &part.namespace) {
            (Scope::Cluster, _) => {
                request.namespace.ok_or_else(needs_namespace)?;
                Reach::Cluster
            }
            // The RoleBinding lives in the fixed namespace and must name the account's.
            (Scope::Namespace, Some(namespace)) => {
                request.namespace.ok_or_else(needs_namespace)?;
                Reach::Namespace(namespace.clone())
            }
            // The account's namespace; "" stands for "wherever it is applied".
            (Scope::Namespace, None) => {
                Reach::Namespace(request.namespace.unwrap_or_default().to_owned())
            }
        };
        by_reach
            .entry(reach)
            .or_default()
            .extend(part.rules.iter().cloned());
    }
    Ok(by_reach)
}

fn role_ref(kind: &str, name: &str) -> RoleRef {
    RoleRef {
        api_group: RBAC_GROUP.into(),
        kind: kind.into(),
        name: name.into(),
    }
}

fn value<T: Serialize>(object: &T) -> serde_json::Value {
    serde_json::to_value(object).expect("k8s-openapi objects serialize")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rbac::profile::built_in;

    #[test]
    fn skypilot_gets_a_role_per_namespace_and_a_cluster_role() {
        let profile = built_in("skypilot").unwrap();
        let with = vec!["object-store".to_owned()];
        let request = Request {
            profile: &profile,
            with: &with,
            account: "sky-sa",
            namespace: Some("default"),
            service_account: true,
            labels: BTreeMap::new(),
        };
        let kinds: Vec<String> = objects(&request)
            .unwrap()
            .iter()
            .map(|o| format!("{} {}", o["kind"], o["metadata"]["namespace"]))
            .collect();
        assert_eq!(
            kinds,
            [
                "\"ServiceAccount\" \"default\"",
                "\"ClusterRole\" null",
                "\"ClusterRoleBinding\" null",
                "\"Role\" \"default\"",
                "\"RoleBinding\" \"default\"",
                "\"Role\" \"skypilot-system\"",
                "\"RoleBinding\" \"skypilot-system\"",
            ]
        );
    }

    #[test]
    fn cluster_parts_need_the_namespace() {
        let profile = built_in("skypilot").unwrap();
        let request = Request {
            profile: &profile,
            with: &[],
            account: "sky-sa",
            namespace: None,
            service_account: true,
            labels: BTreeMap::new(),
        };
        assert!(matches!(
            objects(&request),
            Err(RenderError::NamespaceNeeded { .. })
        ));
    }
}

#[cfg(test)]
mod naming_tests {
    use super::*;
    use crate::rbac::profile::built_in;

    #[test]
    fn shared_namespaces_and_cluster_objects_carry_the_accounts_namespace() {
        let profile = built_in("skypilot").unwrap();
        let with = vec!["object-store".to_owned()];
        let names = |namespace: &str| -> Vec<String> {
            let request = Request {
                profile: &profile,
                with: &with,
                account: "sky-sa",
                namespace: Some(namespace),
                service_account: false,
                labels: BTreeMap::new(),
            };
            objects(&request)
                .unwrap()
                .iter()
                .map(|o| format!("{}/{}", o["metadata"]["namespace"], o["metadata"]["name"]))
                .collect()
        };
        let default = names("default");
        let team = names("team");
        assert!(
            default.contains(&"\"skypilot-system\"/\"default.sky-sa\"".to_owned()),
            "{default:?}"
        );
        assert!(
            default
                .iter()
                .all(|n| !team.contains(n) || n.starts_with("\"team\""))
        );
    }

    #[test]
    fn a_fixed_namespace_part_needs_the_accounts_namespace() {
        let text = "name: fixed\ndescription: d\nparts:\n- name: system\n  description: d\n  scope: namespace\n  namespace: kube-system\n  rules: [{apiGroups: [''], resources: [pods], verbs: [get]}]\n";
        let profile = crate::rbac::profile::parse("p.yaml", text.as_bytes().to_vec()).unwrap();
        let request = Request {
            profile: &profile,
            with: &[],
            account: "runner",
            namespace: None,
            service_account: false,
            labels: BTreeMap::new(),
        };
        assert_eq!(
            objects(&request),
            Err(RenderError::NamespaceNeeded {
                part: "system".into()
            })
        );
    }
}
