//! Profiles: the recommended minimum rules of a tool, in parts (what must be granted in the
//! account's namespace, what cluster-wide, what in a fixed namespace, and what is optional).
//! The built-in ones are data files under `src/rbac/profiles/`, compiled in; a user passes
//! their own as a path.

use k8s_openapi::api::rbac::v1::PolicyRule;
use serde::Deserialize;

use crate::diagnostic::Diagnostic;
use crate::document::SourceFile;
use crate::document::decode::decode_typed;
use crate::document::load::load;
use crate::yaml::Limits;

/// The built-in profiles, by name; the first is the default.
pub const BUILT_IN: &[(&str, &str)] = &[
    ("polyaxon", include_str!("profiles/polyaxon.yaml")),
    ("polyaxon-2.1", include_str!("profiles/polyaxon-2.1.yaml")),
    ("polyaxon-1", include_str!("profiles/polyaxon-1.yaml")),
    ("skypilot", include_str!("profiles/skypilot.yaml")),
];

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Profile {
    pub name: String,
    pub description: String,
    pub parts: Vec<Part>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Part {
    pub name: String,
    pub description: String,
    pub scope: Scope,
    /// A fixed namespace for a namespaced part (SkyPilot's `skypilot-system`); else the
    /// account's own.
    pub namespace: Option<String>,
    #[serde(default)]
    pub optional: bool,
    pub rules: Vec<PolicyRule>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
pub enum Scope {
    /// Granted in one namespace: a Role (or ClusterRole) bound by a RoleBinding.
    #[serde(rename = "namespace")]
    Namespace,
    /// Granted cluster-wide: a ClusterRole bound by a ClusterRoleBinding.
    #[serde(rename = "cluster")]
    Cluster,
}

/// A profile that could not be read: the file and what is wrong in it.
#[derive(Debug)]
pub struct ProfileError {
    pub source: SourceFile,
    pub diagnostics: Vec<Diagnostic>,
}

/// Parses a profile file.
pub fn parse(path: &str, bytes: Vec<u8>) -> Result<Profile, Box<ProfileError>> {
    let (source, tree, mut diagnostics) = load(path, bytes, Limits::default());
    let profile = tree.and_then(|tree| {
        let (profile, found) = decode_typed::<Profile>(&tree);
        diagnostics.extend(found);
        profile
    });
    match profile {
        Some(profile) if !diagnostics.iter().any(Diagnostic::is_error) => Ok(profile),
        _ => Err(Box::new(ProfileError {
            source,
            diagnostics,
        })),
    }
}

impl Profile {
    /// Rules a namespace part cannot grant: a Role cannot grant cluster-scoped resources, and
    /// rendering one would silently grant nothing.
    pub fn misplaced_rules(&self) -> Vec<String> {
        let mut out = Vec::new();
        for part in self.parts.iter().filter(|p| p.scope == Scope::Namespace) {
            for rule in &part.rules {
                for group in rule.api_groups.iter().flatten() {
                    for resource in rule.resources.iter().flatten() {
                        if super::lint::is_cluster_scoped(group, resource) {
                            out.push(format!(
                                "part `{}` grants `{resource}` (\"{group}\" group) in a namespace, but it is cluster-scoped: move it to a part with `scope: cluster`",
                                part.name
                            ));
                        }
                    }
                }
                if rule
                    .non_resource_urls
                    .as_ref()
                    .is_some_and(|u| !u.is_empty())
                {
                    out.push(format!(
                        "part `{}` grants `nonResourceURLs` in a namespace: move them to a part with `scope: cluster`",
                        part.name
                    ));
                }
            }
        }
        out
    }
}

/// A built-in profile by name.
pub fn built_in(name: &str) -> Option<Profile> {
    let (_, text) = BUILT_IN.iter().find(|(n, _)| *n == name)?;
    Some(
        parse(
            &format!("<built-in profile {name}>"),
            text.as_bytes().to_vec(),
        )
        .expect("built-in profiles parse (tested)"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_built_in_profile_parses_and_is_named_after_itself() {
        for (name, text) in BUILT_IN {
            let profile = parse(name, text.as_bytes().to_vec())
                .unwrap_or_else(|e| panic!("{name}: {:?}", e.diagnostics));
            assert_eq!(&profile.name, name);
            assert!(profile.parts.iter().any(|p| !p.optional), "{name}");
            assert_eq!(profile.misplaced_rules(), Vec::<String>::new(), "{name}");
        }
    }
}

#[cfg(test)]
mod placement_tests {
    use super::*;

    #[test]
    fn a_namespace_part_cannot_hold_cluster_scoped_resources() {
        let text = "name: mine\ndescription: d\nparts:\n- name: ns\n  description: d\n  scope: namespace\n  rules: [{apiGroups: [''], resources: [nodes], verbs: [get]}]\n";
        let profile = parse("p.yaml", text.as_bytes().to_vec()).unwrap();
        assert_eq!(profile.misplaced_rules().len(), 1);
    }
}
