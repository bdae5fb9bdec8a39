//! RBAC manifests as files hold them: `---`-separated documents and `kind: List`s of
//! ServiceAccounts, Roles, ClusterRoles and their bindings, each decoded strictly (unknown
//! fields are SCH001, as in Polyaxonfiles) and kept with its place in the file.

use k8s_openapi::api::core::v1::ServiceAccount;
use k8s_openapi::api::rbac::v1::{ClusterRole, ClusterRoleBinding, Role, RoleBinding};

use crate::diagnostic::Diagnostic;
use crate::document::SourceFile;
use crate::document::decode::decode_typed;
use crate::document::load::load_documents;
use crate::yaml::{Limits, Node};

/// One object of a manifest file.
#[derive(Clone, Debug)]
pub enum Object {
    ServiceAccount(ServiceAccount),
    Role(Role),
    ClusterRole(ClusterRole),
    RoleBinding(RoleBinding),
    ClusterRoleBinding(ClusterRoleBinding),
    /// Any other kind (a Namespace, a Deployment, ...): kept so findings can skip it.
    Other,
}

#[derive(Clone, Debug)]
pub struct Manifest {
    pub object: Object,
    /// The object's mapping in the file, for spans.
    pub node: Node,
}

impl Manifest {
    pub fn kind(&self) -> &'static str {
        match self.object {
            Object::ServiceAccount(_) => "ServiceAccount",
            Object::Role(_) => "Role",
            Object::ClusterRole(_) => "ClusterRole",
            Object::RoleBinding(_) => "RoleBinding",
            Object::ClusterRoleBinding(_) => "ClusterRoleBinding",
            Object::Other => "other",
        }
    }
}

/// A manifest file: its text, its objects, and what kept some of them from being read.
#[derive(Debug)]
pub struct ManifestFile {
    pub source: SourceFile,
    pub manifests: Vec<Manifest>,
    pub diagnostics: Vec<Diagnostic>,
}

pub fn read(path: &str, bytes: Vec<u8>) -> ManifestFile {
    let (source, documents, mut diagnostics) = load_documents(path, bytes, Limits::default());
    let mut manifests = Vec::new();
    for document in documents {
        collect(document, &mut manifests, &mut diagnostics);
    }
    ManifestFile {
        source,
        manifests,
        diagnostics,
    }
}

fn collect(node: Node, manifests: &mut Vec<Manifest>, diagnostics: &mut Vec<Diagnostic>) {
    let kind = node
        .get("kind")
        .and_then(|k| k.value.as_str())
        .unwrap_or("");
    let object = match kind {
        // `kubectl get -o yaml` writes several objects as a List.
        "List" => {
            if let Some(items) = node.get("items").and_then(|i| match &i.value.kind {
                crate::yaml::NodeKind::Seq(items) => Some(items.clone()),
                _ => None,
            }) {
                for item in items {
                    collect(item, manifests, diagnostics);
                }
            }
            return;
        }
        "ServiceAccount" => typed(&node, diagnostics).map(Object::ServiceAccount),
        "Role" => typed(&node, diagnostics).map(Object::Role),
        "ClusterRole" => typed(&node, diagnostics).map(Object::ClusterRole),
        "RoleBinding" => typed(&node, diagnostics).map(Object::RoleBinding),
        "ClusterRoleBinding" => typed(&node, diagnostics).map(Object::ClusterRoleBinding),
        _ => Some(Object::Other),
    };
    if let Some(object) = object {
        manifests.push(Manifest { object, node });
    }
}

fn typed<T: serde::de::DeserializeOwned>(
    node: &Node,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<T> {
    let (value, found) = decode_typed::<T>(node);
    let failed = found.iter().any(Diagnostic::is_error);
    diagnostics.extend(found);
    value.filter(|_| !failed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_documents_and_lists() {
        let text = "kind: ServiceAccount\napiVersion: v1\nmetadata: {name: sa, namespace: ns}\n---\n---\napiVersion: v1\nkind: List\nitems:\n- apiVersion: rbac.authorization.k8s.io/v1\n  kind: Role\n  metadata: {name: r, namespace: ns}\n  rules: [{apiGroups: [''], resources: [pods], verbs: [get]}]\n- apiVersion: v1\n  kind: Namespace\n  metadata: {name: ns}\n";
        let file = read("m.yaml", text.as_bytes().to_vec());
        assert!(file.diagnostics.is_empty(), "{:?}", file.diagnostics);
        let kinds: Vec<_> = file.manifests.iter().map(Manifest::kind).collect();
        assert_eq!(kinds, ["ServiceAccount", "Role", "other"]);
    }

    #[test]
    fn unknown_fields_are_reported_at_their_line() {
        let text = "apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: {name: r}\nrules:\n- apiGroups: ['']\n  resource: [pods]\n  verbs: [get]\n";
        let file = read("m.yaml", text.as_bytes().to_vec());
        assert_eq!(file.diagnostics.len(), 1);
        assert_eq!(file.diagnostics[0].rule.code, "SCH001");
        assert!(file.manifests.is_empty());
    }
}
