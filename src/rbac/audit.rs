//! A profile against what the manifests grant an account: every missing permission (an
//! error, at the role or binding where it belongs), every grant beyond the profile, and every
//! grant that lets the account escalate (warnings, at the rule).

use std::collections::BTreeMap;

use k8s_openapi::api::rbac::v1::{PolicyRule, RoleRef};
use serde::Serialize;

use super::effective::{Account, Dangling, Effective, Grant, ObjectRef, Reach, effective};
use super::lint::is_cluster_scoped;
use super::manifests::{ManifestFile, Object};
use super::matching::{Atom, breakdown, rules_allow, uncovered};
use super::profile::{Part, Profile, Scope};
use crate::diagnostic::Diagnostic;
use crate::document::locate::{Target, span};
use crate::rules;

/// One line of the summary: a part of the profile and how much of it the account holds.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PartSummary {
    pub part: String,
    pub reach: String,
    pub optional: bool,
    pub required: usize,
    pub granted: usize,
    pub missing: usize,
}

#[derive(Debug, Serialize)]
pub struct Summary {
    pub profile: String,
    pub account: String,
    pub parts: Vec<PartSummary>,
    pub excess: usize,
    pub risky: usize,
}

/// The findings, per file (in the order of `files`), and the summary.
pub struct Audit {
    pub diagnostics: Vec<Vec<Diagnostic>>,
    pub summary: Summary,
}

/// Which parts are checked: the required ones and the optional ones asked for by name.
pub fn audit(
    files: &[ManifestFile],
    profile: &Profile,
    with: &[String],
    account: &Account,
) -> Audit {
    let effective = effective(files, account);
    let mut diagnostics: Vec<Vec<Diagnostic>> = files.iter().map(|_| Vec::new()).collect();
    let mut summary = Summary {
        profile: profile.name.clone(),
        account: account.to_string(),
        parts: Vec::new(),
        excess: 0,
        risky: 0,
    };
    for part in &profile.parts {
        let checked = !part.optional || with.contains(&part.name);
        let (part_summary, missing) = part_audit(files, account, &effective, part, checked);
        summary.parts.push(part_summary);
        if let Some((file, diagnostic)) = missing {
            diagnostics[file].push(diagnostic);
        }
    }
    for grant in &effective.grants {
        for diagnostic in grant_audit(files, profile, account, grant, &mut summary) {
            diagnostics[grant.role.file].push(diagnostic);
        }
    }
    for missing in &effective.dangling {
        let at = missing.binding;
        let manifest = &files[at.file].manifests[at.manifest];
        diagnostics[at.file].push(dangling(manifest, missing, account));
    }
    for file in &mut diagnostics {
        file.sort_by_key(|d| (d.span.map(|s| s.start), d.rule.code));
    }
    Audit {
        diagnostics,
        summary,
    }
}

/// One part of the profile: what it requires, what of it the account holds, and, when the
/// part is checked and something is missing, the finding (RBAC001) with its file.
fn part_audit(
    files: &[ManifestFile],
    account: &Account,
    effective: &Effective,
    part: &Part,
    checked: bool,
) -> (PartSummary, Option<(usize, Diagnostic)>) {
    let reach = reach_of(part, account);
    let atoms: Vec<Atom> = part.rules.iter().flat_map(breakdown).collect();
    let held: Vec<PolicyRule> = effective
        .grants
        .iter()
        .filter(|g| g.reach.holds_in(&reach))
        .map(|g| g.rule.clone())
        .collect();
    let missing: Vec<&Atom> = atoms.iter().filter(|a| !rules_allow(&held, a)).collect();
    let summary = PartSummary {
        part: part.name.clone(),
        reach: reach.to_string(),
        optional: part.optional,
        required: atoms.len(),
        granted: atoms.len() - missing.len(),
        missing: missing.len(),
    };
    let finding = (checked && !missing.is_empty())
        .then(|| missing_diagnostic(files, account, effective, part, &reach, &missing));
    (summary, finding)
}

/// One rule granted to the account: beyond the profile (RBAC002), risky (RBAC003).
fn grant_audit(
    files: &[ManifestFile],
    profile: &Profile,
    account: &Account,
    grant: &Grant,
    summary: &mut Summary,
) -> Vec<Diagnostic> {
    let mut found = Vec::new();
    let excess = excess_atoms(profile, grant, account);
    if !excess.is_empty() {
        summary.excess += 1;
        let message = format!(
            "this rule grants {} beyond the `{}` profile ({})",
            describe(&excess),
            profile.name,
            grant.reach
        );
        found.push(at_rule(files, grant, Diagnostic::new(&rules::RBAC_EXCESS_PERMISSION, message)).help(
            "grant only what the profile lists (`plx rbac render` writes it); a wider grant is what an attacker inherits with the account's token",
        ));
    }
    let risks = effective_rule(&grant.rule, &grant.reach)
        .map(|rule| risks(&rule))
        .unwrap_or_default();
    if !risks.is_empty() {
        summary.risky += 1;
        let message = format!(
            "this rule lets the account {} ({})",
            risks.join(", "),
            grant.reach
        );
        found.push(at_rule(files, grant, Diagnostic::new(&rules::RBAC_RISKY_PERMISSION, message)).help(
            "each of these lets whoever holds the token reach beyond the account: secrets hold other accounts' credentials, exec and port-forward enter other pods, wildcards grant tomorrow's resources and verbs too; keep them only if the tool needs them, in as few namespaces as possible",
        ));
    }
    found
}

/// A binding of the account to a role the files do not define (RBAC004): the role it looked
/// for, and the files' role of that kind with the nearest name, at `roleRef.name`.
fn dangling(
    manifest: &super::manifests::Manifest,
    missing: &Dangling,
    account: &Account,
) -> Diagnostic {
    let RoleRef { kind, name, .. } = &missing.role_ref;
    let role = match &missing.namespace {
        Some(namespace) => format!("{kind} `{name}` in namespace `{namespace}`"),
        None => format!("{kind} `{name}`"),
    };
    let help = crate::suggest::after_did_you_mean(
        name,
        missing.candidates.iter().map(String::as_str),
        "fix `roleRef.name`, or pass the file that defines the role too; the API server accepts a binding to a missing role, which grants nothing until the role exists".to_owned(),
    );
    Diagnostic::new(
        &rules::RBAC_DANGLING_BINDING,
        format!("this binding refers to {role}, which is not in the files: it grants {account} nothing here"),
    )
    .at(span(&manifest.node, "/roleRef/name", Target::Value))
    .help(help)
}

/// Where a part must be granted.
pub fn reach_of(part: &Part, account: &Account) -> Reach {
    match part.scope {
        Scope::Cluster => Reach::Cluster,
        Scope::Namespace => Reach::Namespace(
            part.namespace
                .clone()
                .unwrap_or_else(|| account.namespace.clone()),
        ),
    }
}

/// The part of a rule that grants anything at `reach`: through a RoleBinding, cluster-scoped
/// resources and non-resource URLs are never consulted (their requests have no namespace).
fn effective_rule(rule: &PolicyRule, reach: &Reach) -> Option<PolicyRule> {
    if *reach == Reach::Cluster {
        return Some(rule.clone());
    }
    let groups = rule.api_groups.as_deref().unwrap_or_default();
    let resources: Vec<String> = rule
        .resources
        .iter()
        .flatten()
        .filter(|r| !groups.iter().all(|g| is_cluster_scoped(g, r)))
        .cloned()
        .collect();
    (!resources.is_empty()).then(|| PolicyRule {
        resources: Some(resources),
        non_resource_urls: None,
        ..rule.clone()
    })
}

/// The atoms of a grant that no part of the profile (optional parts included) asks for at
/// that reach.
fn excess_atoms(profile: &Profile, grant: &Grant, account: &Account) -> Vec<Atom> {
    let allowed: Vec<PolicyRule> = profile
        .parts
        .iter()
        .filter(|part| {
            let reach = reach_of(part, account);
            // A cluster-wide grant is only within the profile where the profile asks for a
            // cluster-wide one; a namespace grant also where the profile asks cluster-wide.
            match &grant.reach {
                Reach::Cluster => reach == Reach::Cluster,
                namespace => reach.holds_in(namespace),
            }
        })
        .flat_map(|part| part.rules.iter().cloned())
        .collect();
    let Some(rule) = effective_rule(&grant.rule, &grant.reach) else {
        return Vec::new();
    };
    // Object names only narrow a grant: judge the rule without them, which keeps the
    // breakdown to groups x resources x verbs however many names a rule lists.
    let unnamed = PolicyRule {
        resource_names: None,
        ..rule
    };
    uncovered(&allowed, &breakdown(&unnamed))
}

/// The escalation paths a rule opens, in words.
fn risks(rule: &PolicyRule) -> Vec<String> {
    let groups = rule.api_groups.as_deref().unwrap_or_default();
    let resources = rule.resources.as_deref().unwrap_or_default();
    let verbs = &rule.verbs;
    let has = |list: &[String], item: &str| list.iter().any(|x| x == item || x == "*");
    let any_verb = |wanted: &[&str]| wanted.iter().any(|v| has(verbs, v));
    let core = has(groups, "");
    let rbac = has(groups, "rbac.authorization.k8s.io");
    let mut out = Vec::new();
    if verbs.iter().any(|v| v == "*") {
        out.push("use every verb (`*`)".to_owned());
    }
    if resources.iter().any(|r| r == "*") {
        out.push("reach every resource (`*`)".to_owned());
    }
    if groups.iter().any(|g| g == "*") {
        out.push("reach every API group (`*`)".to_owned());
    }
    if core && has(resources, "secrets") && any_verb(&["get", "list", "watch"]) {
        out.push("read secrets".to_owned());
    }
    for (sub, what) in [
        ("pods/exec", "exec into pods"),
        ("pods/attach", "attach to pods"),
        ("pods/portforward", "port-forward into pods"),
        ("nodes/proxy", "reach the kubelet through nodes/proxy"),
    ] {
        if core && has(resources, sub) && any_verb(&["create", "get"]) {
            out.push(what.to_owned());
        }
    }
    // TokenRequest is `create` only.
    if core && has(resources, "serviceaccounts/token") && any_verb(&["create"]) {
        out.push("mint service account tokens".to_owned());
    }
    // `bind` and `escalate` mean something on roles only, `impersonate` on identities.
    let roles = rbac && ["roles", "clusterroles"].iter().any(|r| has(resources, r));
    for verb in ["bind", "escalate"] {
        if roles && verbs.iter().any(|v| v == verb) {
            out.push(format!("`{verb}` roles"));
        }
    }
    let identities = ["users", "groups", "serviceaccounts", "uids", "userextras"]
        .iter()
        .any(|r| has(resources, r));
    if identities && verbs.iter().any(|v| v == "impersonate") {
        out.push("impersonate other identities".to_owned());
    }
    if rbac
        && [
            "roles",
            "rolebindings",
            "clusterroles",
            "clusterrolebindings",
        ]
        .iter()
        .any(|r| has(resources, r))
        && any_verb(&["create", "update", "patch"])
    {
        out.push("write RBAC roles or bindings".to_owned());
    }
    out
}

/// Atoms grouped by resource: `get,list,watch on pods/log ("" group)`.
fn describe(atoms: &[Atom]) -> String {
    let mut by_target: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for atom in atoms {
        let (target, verb) = match atom {
            Atom::Resource {
                group,
                resource,
                verb,
                name,
            } => {
                let named = name
                    .as_ref()
                    .map(|n| format!(" \"{n}\""))
                    .unwrap_or_default();
                (
                    format!("{resource}{named} (\"{group}\" group)"),
                    verb.clone(),
                )
            }
            Atom::NonResource { url, verb } => (url.clone(), verb.clone()),
        };
        let verbs = by_target.entry(target).or_default();
        if !verbs.contains(&verb) {
            verbs.push(verb);
        }
    }
    // A message stays readable however wide the rule: the first few, then a count.
    const SHOWN: usize = 12;
    let total = by_target.len();
    let mut listed: Vec<String> = by_target
        .into_iter()
        .take(SHOWN)
        .map(|(target, verbs)| format!("{} on {target}", verbs.join(",")))
        .collect();
    if total > SHOWN {
        listed.push(format!("and {} more resources", total - SHOWN));
    }
    listed.join("; ")
}

fn at_rule(files: &[ManifestFile], grant: &Grant, diagnostic: Diagnostic) -> Diagnostic {
    let manifest = &files[grant.role.file].manifests[grant.role.manifest];
    let pointer = format!("/rules/{}", grant.rule_index);
    diagnostic.at(span(&manifest.node, &pointer, Target::Key))
}

/// A missing part, at the role that should hold it: the role bound to the account at that
/// reach, else a binding of the account, else its ServiceAccount, else the first file.
fn missing_diagnostic(
    files: &[ManifestFile],
    account: &Account,
    effective: &Effective,
    part: &Part,
    reach: &Reach,
    missing: &[&Atom],
) -> (usize, Diagnostic) {
    let owned: Vec<Atom> = missing.iter().map(|a| (*a).clone()).collect();
    let rule_list = describe(&owned);
    let message = format!("missing: {rule_list} {reach}");
    let kind = match reach {
        Reach::Cluster => "a ClusterRole bound by a ClusterRoleBinding",
        Reach::Namespace(_) => "a Role bound by a RoleBinding in that namespace",
    };
    let help = format!(
        "the profile's `{}` part needs it ({}); add a rule for it to {kind}",
        part.name,
        part.description.trim_end_matches('.')
    );
    let diagnostic = Diagnostic::new(&rules::RBAC_MISSING_PERMISSION, message).help(help);
    let role_here: Option<ObjectRef> = effective
        .grants
        .iter()
        .find(|g| &g.reach == reach)
        .map(|g| g.role);
    let binding_here = effective
        .bindings
        .iter()
        .find(|(_, r)| r == reach)
        .map(|(at, _)| *at);
    if let Some(at) = role_here {
        let node = &files[at.file].manifests[at.manifest].node;
        return (at.file, diagnostic.at(span(node, "/rules", Target::Key)));
    }
    if let Some(at) = binding_here {
        let node = &files[at.file].manifests[at.manifest].node;
        return (at.file, diagnostic.at(span(node, "/roleRef", Target::Key)));
    }
    for (index, file) in files.iter().enumerate() {
        for manifest in &file.manifests {
            let Object::ServiceAccount(service_account) = &manifest.object else {
                continue;
            };
            let namespace = service_account
                .metadata
                .namespace
                .as_deref()
                .unwrap_or(account.namespace.as_str());
            if service_account.metadata.name.as_deref() == Some(account.name.as_str())
                && namespace == account.namespace
            {
                return (
                    index,
                    diagnostic.at(span(&manifest.node, "/metadata", Target::Key)),
                );
            }
        }
    }
    (0, diagnostic)
}
