//! Kubernetes RBAC matching, transcribed from the API server so that `plx` answers "is this
//! allowed?" and "does this role cover that one?" exactly as a cluster would:
//!
//! - [`rule_allows`] is the authorizer's `RuleAllows` (`plugin/pkg/auth/authorizer/rbac/rbac.go`,
//!   with the matchers of `pkg/apis/rbac/v1/evaluation_helpers.go`, re-exported by
//!   `staging/src/k8s.io/component-helpers/auth/rbac/validation`).
//! - [`breakdown`], [`covers`] and [`uncovered`] are the escalation check's `BreakdownRule`,
//!   `Covers` and `ruleCovers`
//!   (`staging/src/k8s.io/component-helpers/auth/rbac/validation/policy_comparator.go`).
//!
//! The two differ where the API server's do: the authorizer sees a concrete request, in which a
//! missing name is the empty string, while the comparator sees a broken-down rule, in which a
//! missing name means "every object" and only an owner rule without `resourceNames` covers it.

use std::fmt;

use k8s_openapi::api::rbac::v1::PolicyRule;

/// `rbacv1.VerbAll`, `APIGroupAll`, `ResourceAll` and `NonResourceAll` are all this one string.
const ALL: &str = "*";

/// One permission, as the authorizer sees a request and as policy_comparator.go's BreakdownRule
/// yields.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Atom {
    /// `verb` on `resource` (with subresource, e.g. "pods/log") in API `group` ("" = core), for
    /// the object `name` (None = any/all objects).
    Resource {
        group: String,
        resource: String,
        verb: String,
        name: Option<String>,
    },
    /// `verb` on a non-resource URL such as "/healthz".
    NonResource { url: String, verb: String },
}

impl Atom {
    /// `verb` on `resource` without an object name: a `list`, `watch`, `create` or
    /// `deletecollection` request, or a rule without `resourceNames`.
    pub fn resource(
        group: impl Into<String>,
        resource: impl Into<String>,
        verb: impl Into<String>,
    ) -> Self {
        Atom::Resource {
            group: group.into(),
            resource: resource.into(),
            verb: verb.into(),
            name: None,
        }
    }

    /// `verb` on the one object `name` of `resource`.
    pub fn named(
        group: impl Into<String>,
        resource: impl Into<String>,
        verb: impl Into<String>,
        name: impl Into<String>,
    ) -> Self {
        Atom::Resource {
            group: group.into(),
            resource: resource.into(),
            verb: verb.into(),
            name: Some(name.into()),
        }
    }

    /// `verb` on the non-resource URL `url`.
    pub fn non_resource(url: impl Into<String>, verb: impl Into<String>) -> Self {
        Atom::NonResource {
            url: url.into(),
            verb: verb.into(),
        }
    }

    pub fn verb(&self) -> &str {
        match self {
            Atom::Resource { verb, .. } | Atom::NonResource { verb, .. } => verb,
        }
    }
}

impl fmt::Display for Atom {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Atom::Resource {
                group,
                resource,
                verb,
                name,
            } => {
                write!(f, "{verb} on {resource}")?;
                if let Some(name) = name {
                    write!(f, " {name:?}")?;
                }
                // Quoted, because the core group is the empty string.
                write!(f, " ({group:?} group)")
            }
            Atom::NonResource { url, verb } => write!(f, "{verb} on {url}"),
        }
    }
}

/// RuleAllows (plugin/pkg/auth/authorizer/rbac/rbac.go +
/// staging/src/k8s.io/component-helpers/auth/rbac/validation): does `rule` allow the request
/// `atom`?
///
/// VerbMatches ("*" matches all), APIGroupMatches ("*"), ResourceMatches ("*" matches all
/// resources and subresources; "*/scale" matches any resource's scale subresource; exact
/// "pods/log"), ResourceNameMatches (empty resourceNames = all; a request without a name only
/// matches rules without resourceNames), NonResourceURLMatches ("*" all; a trailing "*" is a
/// prefix match).
pub fn rule_allows(rule: &PolicyRule, atom: &Atom) -> bool {
    match atom {
        Atom::Resource {
            group,
            resource,
            verb,
            name,
        } => {
            verb_matches(rule, verb)
                && api_group_matches(rule, group)
                && resource_matches(rule, resource)
                && resource_name_matches(rule, name.as_deref())
        }
        Atom::NonResource { url, verb } => {
            verb_matches(rule, verb) && non_resource_url_matches(rule, url)
        }
    }
}

/// RulesAllow: whether any of `rules` allows the request `atom`.
pub fn rules_allow(rules: &[PolicyRule], atom: &Atom) -> bool {
    rules.iter().any(|rule| rule_allows(rule, atom))
}

/// BreakdownRule: a rule as atoms, one per (group, resource, verb, resourceName) or (url, verb).
/// Wildcards stay as "*" strings.
pub fn breakdown(rule: &PolicyRule) -> Vec<Atom> {
    let names = listed(&rule.resource_names);
    let mut atoms = Vec::new();
    for group in listed(&rule.api_groups) {
        for resource in listed(&rule.resources) {
            for verb in &rule.verbs {
                if names.is_empty() {
                    atoms.push(Atom::resource(group, resource, verb));
                } else {
                    atoms.extend(
                        names
                            .iter()
                            .map(|name| Atom::named(group, resource, verb, name)),
                    );
                }
            }
        }
    }
    // Non-resource URLs combine with verbs only: groups, resources and names do not apply to them.
    for url in listed(&rule.non_resource_urls) {
        for verb in &rule.verbs {
            atoms.push(Atom::non_resource(url, verb));
        }
    }
    atoms
}

/// Covers (policy_comparator.go): whether `owner` rules cover every atom of `requested` rules,
/// and the atoms they do not cover.
///
/// ruleCovers semantics: owner "*" verb/group/resource covers anything; owner resource "*/sub"
/// covers "x/sub"; owner resourceNames empty covers any name, else the name must be listed; a
/// requested atom with no name is only covered by an owner rule with no resourceNames;
/// nonResourceURLs with trailing-* prefix match.
pub fn covers(owner: &[PolicyRule], requested: &[PolicyRule]) -> (bool, Vec<Atom>) {
    let atoms: Vec<Atom> = requested.iter().flat_map(breakdown).collect();
    let missing = uncovered(owner, &atoms);
    (missing.is_empty(), missing)
}

/// The same as [`covers`], for atoms already broken down: the atoms of `requested` that no
/// `owner` rule covers, in their original order.
pub fn uncovered(owner: &[PolicyRule], requested: &[Atom]) -> Vec<Atom> {
    requested
        .iter()
        .filter(|atom| !owner.iter().any(|rule| rule_covers(rule, atom)))
        .cloned()
        .collect()
}

/// A missing list and an empty one mean the same to the API server.
fn listed(list: &Option<Vec<String>>) -> &[String] {
    list.as_deref().unwrap_or_default()
}

/// The one pattern rule of non-resource URLs: a trailing "*" (or several) makes the rest a prefix.
/// Segment boundaries do not matter, so "/api*" matches "/apis" too.
fn url_prefix_matches(pattern: &str, url: &str) -> bool {
    pattern.ends_with('*') && url.starts_with(pattern.trim_end_matches('*'))
}

/// VerbMatches. Verbs are case-sensitive: "GET" is not "get".
fn verb_matches(rule: &PolicyRule, verb: &str) -> bool {
    rule.verbs
        .iter()
        .any(|rule_verb| rule_verb == ALL || rule_verb == verb)
}

/// APIGroupMatches.
fn api_group_matches(rule: &PolicyRule, group: &str) -> bool {
    listed(&rule.api_groups)
        .iter()
        .any(|rule_group| rule_group == ALL || rule_group == group)
}

/// ResourceMatches, given the request's combined "resource/subresource".
fn resource_matches(rule: &PolicyRule, combined_resource: &str) -> bool {
    // The authorizer only tries "*/subresource" patterns when the request has a subresource.
    let subresource = combined_resource
        .split_once('/')
        .map(|(_, subresource)| subresource)
        .filter(|subresource| !subresource.is_empty());
    listed(&rule.resources).iter().any(|rule_resource| {
        rule_resource == ALL
            || rule_resource == combined_resource
            || subresource
                .is_some_and(|subresource| rule_resource.strip_prefix("*/") == Some(subresource))
    })
}

/// ResourceNameMatches. The authorizer sees a request without a name (list, watch, create,
/// deletecollection) as the name "", so a rule that lists names never grants those verbs.
fn resource_name_matches(rule: &PolicyRule, name: Option<&str>) -> bool {
    let rule_names = listed(&rule.resource_names);
    let requested_name = name.unwrap_or_default();
    rule_names.is_empty()
        || rule_names
            .iter()
            .any(|rule_name| rule_name == requested_name)
}

/// NonResourceURLMatches.
fn non_resource_url_matches(rule: &PolicyRule, url: &str) -> bool {
    listed(&rule.non_resource_urls)
        .iter()
        .any(|rule_url| rule_url == ALL || rule_url == url || url_prefix_matches(rule_url, url))
}

/// ruleCovers: whether the single owner rule covers the single requested atom.
fn rule_covers(owner: &PolicyRule, atom: &Atom) -> bool {
    let owner_names = listed(&owner.resource_names);
    match atom {
        Atom::Resource {
            group,
            resource,
            verb,
            name,
        } => {
            let name_covered = match name {
                // "Every object" is more than any list of names can cover.
                None => owner_names.is_empty(),
                Some(name) => owner_names.is_empty() || owner_names.contains(name),
            };
            verb_matches(owner, verb)
                && api_group_matches(owner, group)
                && resource_covered(listed(&owner.resources), resource)
                && name_covered
        }
        Atom::NonResource { url, verb } => {
            // ruleCovers compares resourceNames here too: the atom has none, so an owner rule
            // listing names (which validation forbids next to nonResourceURLs) does not cover it.
            verb_matches(owner, verb)
                && owner_names.is_empty()
                && listed(&owner.non_resource_urls)
                    .iter()
                    .any(|owner_url| owner_url == url || url_prefix_matches(owner_url, url))
        }
    }
}

/// resourceCoversAll, for one requested resource.
fn resource_covered(owner_resources: &[String], resource: &str) -> bool {
    let by_subresource_wildcard = || {
        resource.split_once('/').is_some_and(|(_, subresource)| {
            owner_resources
                .iter()
                .any(|owner_resource| owner_resource.strip_prefix("*/") == Some(subresource))
        })
    };
    owner_resources
        .iter()
        .any(|owner_resource| owner_resource == ALL || owner_resource == resource)
        || by_subresource_wildcard()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(items: &[&str]) -> Vec<String> {
        items.iter().map(|item| (*item).to_owned()).collect()
    }

    /// Mirrors `rbacv1helpers.NewRule(verbs...).Groups(...).Resources(...)` so the transcribed
    /// tests read like their Go originals.
    fn new_rule(verbs: &[&str]) -> PolicyRule {
        PolicyRule {
            verbs: strings(verbs),
            ..PolicyRule::default()
        }
    }

    trait RuleBuilder {
        fn groups(self, groups: &[&str]) -> Self;
        fn resources(self, resources: &[&str]) -> Self;
        fn names(self, names: &[&str]) -> Self;
        fn urls(self, urls: &[&str]) -> Self;
    }

    impl RuleBuilder for PolicyRule {
        fn groups(self, groups: &[&str]) -> Self {
            PolicyRule {
                api_groups: Some(strings(groups)),
                ..self
            }
        }
        fn resources(self, resources: &[&str]) -> Self {
            PolicyRule {
                resources: Some(strings(resources)),
                ..self
            }
        }
        fn names(self, names: &[&str]) -> Self {
            PolicyRule {
                resource_names: Some(strings(names)),
                ..self
            }
        }
        fn urls(self, urls: &[&str]) -> Self {
            PolicyRule {
                non_resource_urls: Some(strings(urls)),
                ..self
            }
        }
    }

    /// rbac_test.go's `newRule(verbs, apiGroups, resources, nonResourceURLs string)`: every field
    /// is a comma-separated list, so "" becomes [""] (the core group), not an empty list.
    fn comma_rule(verbs: &str, groups: &str, resources: &str, urls: &str) -> PolicyRule {
        let split = |list: &str| list.split(',').map(str::to_owned).collect::<Vec<_>>();
        PolicyRule {
            verbs: split(verbs),
            api_groups: Some(split(groups)),
            resources: Some(split(resources)),
            non_resource_urls: Some(split(urls)),
            resource_names: None,
        }
    }

    fn assert_allows(case: &str, rule: &PolicyRule, requests: &[(Atom, bool)]) {
        for (request, expected) in requests {
            assert_eq!(
                rule_allows(rule, request),
                *expected,
                "{case}: {request} against {rule:?}"
            );
        }
    }

    fn assert_covers(owner: &[PolicyRule], servant: &[PolicyRule], expected_uncovered: &[Atom]) {
        let (covered, uncovered) = covers(owner, servant);
        assert_eq!(uncovered, expected_uncovered);
        assert_eq!(covered, expected_uncovered.is_empty());
    }

    fn is_covered(owner: &PolicyRule, atom: &Atom) -> bool {
        uncovered(std::slice::from_ref(owner), std::slice::from_ref(atom)).is_empty()
    }

    // --- plugin/pkg/auth/authorizer/rbac/rbac_test.go, TestRuleMatches ---

    #[test]
    fn rule_matches_star_verb_exact_match_other() {
        let rule = new_rule(&["*"])
            .groups(&["group1"])
            .resources(&["resource1"]);
        assert_allows(
            "star verb, exact match other",
            &rule,
            &[
                (Atom::resource("group1", "resource1", "verb1"), true),
                (Atom::resource("group2", "resource1", "verb1"), false),
                (Atom::resource("group1", "resource2", "verb1"), false),
                (Atom::resource("group2", "resource2", "verb1"), false),
                (Atom::resource("group1", "resource1", "verb2"), true),
                (Atom::resource("group2", "resource1", "verb2"), false),
                (Atom::resource("group1", "resource2", "verb2"), false),
                (Atom::resource("group2", "resource2", "verb2"), false),
            ],
        );
    }

    #[test]
    fn rule_matches_star_group_exact_match_other() {
        let rule = new_rule(&["verb1"])
            .groups(&["*"])
            .resources(&["resource1"]);
        assert_allows(
            "star group, exact match other",
            &rule,
            &[
                (Atom::resource("group1", "resource1", "verb1"), true),
                (Atom::resource("group2", "resource1", "verb1"), true),
                (Atom::resource("group1", "resource2", "verb1"), false),
                (Atom::resource("group2", "resource2", "verb1"), false),
                (Atom::resource("group1", "resource1", "verb2"), false),
                (Atom::resource("group2", "resource1", "verb2"), false),
                (Atom::resource("group1", "resource2", "verb2"), false),
                (Atom::resource("group2", "resource2", "verb2"), false),
            ],
        );
    }

    #[test]
    fn rule_matches_star_resource_exact_match_other() {
        let rule = new_rule(&["verb1"]).groups(&["group1"]).resources(&["*"]);
        assert_allows(
            "star resource, exact match other",
            &rule,
            &[
                (Atom::resource("group1", "resource1", "verb1"), true),
                (Atom::resource("group2", "resource1", "verb1"), false),
                (Atom::resource("group1", "resource2", "verb1"), true),
                (Atom::resource("group2", "resource2", "verb1"), false),
                (Atom::resource("group1", "resource1", "verb2"), false),
                (Atom::resource("group2", "resource1", "verb2"), false),
                (Atom::resource("group1", "resource2", "verb2"), false),
                (Atom::resource("group2", "resource2", "verb2"), false),
            ],
        );
    }

    #[test]
    fn rule_matches_tuple_expansion() {
        let rule = new_rule(&["verb1", "verb2"])
            .groups(&["group1", "group2"])
            .resources(&["resource1", "resource2"]);
        let mut requests = Vec::new();
        for verb in ["verb1", "verb2"] {
            for group in ["group1", "group2"] {
                for resource in ["resource1", "resource2"] {
                    requests.push((Atom::resource(group, resource, verb), true));
                }
            }
        }
        assert_allows("tuple expansion", &rule, &requests);
    }

    #[test]
    fn rule_matches_subresource_expansion() {
        let rule = new_rule(&["*"])
            .groups(&["*"])
            .resources(&["resource1/subresource1"]);
        assert_allows(
            "subresource expansion",
            &rule,
            &[
                (
                    Atom::resource("group1", "resource1/subresource1", "verb1"),
                    true,
                ),
                (
                    Atom::resource("group2", "resource1/subresource2", "verb1"),
                    false,
                ),
                (
                    Atom::resource("group1", "resource2/subresource1", "verb1"),
                    false,
                ),
                (
                    Atom::resource("group2", "resource2/subresource1", "verb1"),
                    false,
                ),
                (
                    Atom::resource("group1", "resource1/subresource1", "verb2"),
                    true,
                ),
                (
                    Atom::resource("group2", "resource1/subresource2", "verb2"),
                    false,
                ),
                (
                    Atom::resource("group1", "resource2/subresource1", "verb2"),
                    false,
                ),
                (
                    Atom::resource("group2", "resource2/subresource1", "verb2"),
                    false,
                ),
            ],
        );
    }

    #[test]
    fn rule_matches_star_nonresource_exact_match_other() {
        let rule = new_rule(&["verb1"]).urls(&["*"]);
        let urls = [
            "/foo",
            "/foo/bar",
            "/foo/baz",
            "/foo/bar/one",
            "/foo/baz/one",
        ];
        let mut requests = Vec::new();
        for url in urls {
            requests.push((Atom::non_resource(url, "verb1"), true));
            requests.push((Atom::non_resource(url, "verb2"), false));
        }
        assert_allows("star nonresource, exact match other", &rule, &requests);
    }

    #[test]
    fn rule_matches_star_nonresource_subpath() {
        let rule = new_rule(&["verb1"]).urls(&["/foo/*"]);
        assert_allows(
            "star nonresource subpath",
            &rule,
            &[
                (Atom::non_resource("/foo", "verb1"), false),
                (Atom::non_resource("/foo/bar", "verb1"), true),
                (Atom::non_resource("/foo/baz", "verb1"), true),
                (Atom::non_resource("/foo/bar/one", "verb1"), true),
                (Atom::non_resource("/foo/baz/one", "verb1"), true),
                (Atom::non_resource("/notfoo", "verb1"), false),
                (Atom::non_resource("/notfoo/bar", "verb1"), false),
                (Atom::non_resource("/notfoo/baz", "verb1"), false),
                (Atom::non_resource("/notfoo/bar/one", "verb1"), false),
                (Atom::non_resource("/notfoo/baz/one", "verb1"), false),
            ],
        );
    }

    #[test]
    fn rule_matches_star_verb_exact_nonresource() {
        let rule = new_rule(&["*"]).urls(&["/foo", "/foo/bar/one"]);
        let mut requests = Vec::new();
        for verb in ["verb1", "verb2"] {
            requests.extend([
                (Atom::non_resource("/foo", verb), true),
                (Atom::non_resource("/foo/bar", verb), false),
                (Atom::non_resource("/foo/baz", verb), false),
                (Atom::non_resource("/foo/bar/one", verb), true),
                (Atom::non_resource("/foo/baz/one", verb), false),
            ]);
        }
        assert_allows("star verb, exact nonresource", &rule, &requests);
    }

    // --- plugin/pkg/auth/authorizer/rbac/rbac_test.go, TestAuthorizer ---
    // Only the rule matching is transcribed: the cases that fail there for want of a binding in
    // the request's namespace are about binding resolution, which is not this module's concern.

    #[test]
    fn authorizer_admin_wildcards_allow_any_resource() {
        let admin = comma_rule("*", "*", "*", "*");
        assert_allows(
            "admin",
            &admin,
            &[
                (Atom::resource("", "Pods", "get"), true),
                (Atom::resource("", "Pods", "watch"), true),
                (Atom::resource("", "Foobar", "watch"), true),
            ],
        );
    }

    #[test]
    fn authorizer_non_resource_urls() {
        let getter = comma_rule("get", "", "", "/apis");
        let any_verb = comma_rule("*", "", "", "/apis");
        let prefix = comma_rule("get", "", "", "/apis/*");
        assert_allows(
            "non-resource-url-getter",
            &getter,
            &[
                (Atom::non_resource("/apis", "get"), true),
                // wrong verb
                (Atom::non_resource("/apis", "watch"), false),
                // wrong path
                (Atom::non_resource("/api/v1", "get"), false),
            ],
        );
        assert_allows(
            "non-resource-url",
            &any_verb,
            &[
                (Atom::non_resource("/apis", "get"), true),
                (Atom::non_resource("/apis", "watch"), true),
                // wrong path
                (Atom::non_resource("/api/v1", "get"), false),
            ],
        );
        assert_allows(
            "non-resource-url-prefix",
            &prefix,
            &[
                (Atom::non_resource("/apis/v1", "get"), true),
                (Atom::non_resource("/apis/v1/foobar", "get"), true),
                // not covered by prefix
                (Atom::non_resource("/api/v1", "get"), false),
            ],
        );
    }

    #[test]
    fn authorizer_resource_does_not_grant_its_subresources() {
        let rule = comma_rule("*", "*", "pods", "*");
        assert_allows(
            "pods",
            &rule,
            &[
                (Atom::resource("", "pods", "get"), true),
                (Atom::resource("", "pods/status", "get"), false),
            ],
        );
    }

    #[test]
    fn authorizer_subresource_and_star_subresource() {
        let rules = [
            comma_rule("*", "*", "pods/status", "*"),
            comma_rule("*", "*", "*/scale", "*"),
        ];
        for allowed in [
            "pods/status",
            "pods/scale",
            "deployments/scale",
            "anything/scale",
        ] {
            let request = Atom::resource("", allowed, "get");
            assert!(rules_allow(&rules, &request), "{request}");
        }
        assert!(!rules_allow(&rules, &Atom::resource("", "pods", "get")));
    }

    // --- Further rule_allows cases, from evaluation_helpers.go's matchers ---

    #[test]
    fn subresources_are_distinct_from_their_resource() {
        let pods = new_rule(&["get"]).groups(&[""]).resources(&["pods"]);
        let pod_logs = new_rule(&["get"]).groups(&[""]).resources(&["pods/log"]);
        let pods_log = Atom::resource("", "pods/log", "get");
        let pods_plain = Atom::resource("", "pods", "get");
        assert!(rule_allows(&pods, &pods_plain));
        assert!(!rule_allows(&pods, &pods_log));
        assert!(rule_allows(&pod_logs, &pods_log));
        assert!(!rule_allows(&pod_logs, &pods_plain));
        assert!(!rule_allows(
            &pod_logs,
            &Atom::resource("", "pods/exec", "get")
        ));
    }

    #[test]
    fn star_resource_matches_subresources() {
        let rule = new_rule(&["get"]).groups(&[""]).resources(&["*"]);
        assert!(rule_allows(&rule, &Atom::resource("", "pods", "get")));
        assert!(rule_allows(&rule, &Atom::resource("", "pods/log", "get")));
        assert!(rule_allows(
            &rule,
            &Atom::resource("", "nodes/proxy", "get")
        ));
    }

    #[test]
    fn star_slash_subresource_matches_that_subresource_of_any_resource() {
        let rule = new_rule(&["get", "update"])
            .groups(&["apps"])
            .resources(&["*/scale"]);
        assert!(rule_allows(
            &rule,
            &Atom::resource("apps", "deployments/scale", "update")
        ));
        assert!(rule_allows(
            &rule,
            &Atom::resource("apps", "statefulsets/scale", "get")
        ));
        assert!(!rule_allows(
            &rule,
            &Atom::resource("apps", "deployments", "get")
        ));
        assert!(!rule_allows(
            &rule,
            &Atom::resource("apps", "deployments/status", "get")
        ));
        // "*/scale" names the whole subresource, not a suffix of it.
        assert!(!rule_allows(
            &rule,
            &Atom::resource("apps", "deployments/rescale", "get")
        ));
        assert!(!rule_allows(
            &rule,
            &Atom::resource("", "deployments/scale", "get")
        ));
    }

    #[test]
    fn resource_names_restrict_to_the_listed_objects() {
        let rule = new_rule(&[
            "get",
            "update",
            "list",
            "watch",
            "create",
            "deletecollection",
        ])
        .groups(&[""])
        .resources(&["configmaps"])
        .names(&["app-config"]);
        assert_allows(
            "resourceNames",
            &rule,
            &[
                (Atom::named("", "configmaps", "get", "app-config"), true),
                (Atom::named("", "configmaps", "update", "app-config"), true),
                (Atom::named("", "configmaps", "get", "other"), false),
                // Requests without a name never match a rule with resourceNames.
                (Atom::resource("", "configmaps", "list"), false),
                (Atom::resource("", "configmaps", "watch"), false),
                (Atom::resource("", "configmaps", "create"), false),
                (Atom::resource("", "configmaps", "deletecollection"), false),
            ],
        );
    }

    #[test]
    fn rules_without_resource_names_match_named_and_unnamed_requests() {
        let absent = new_rule(&["get", "create"])
            .groups(&[""])
            .resources(&["secrets"]);
        let empty = absent.clone().names(&[]);
        for rule in [&absent, &empty] {
            assert!(rule_allows(
                rule,
                &Atom::named("", "secrets", "get", "token")
            ));
            assert!(rule_allows(rule, &Atom::resource("", "secrets", "create")));
        }
    }

    #[test]
    fn authorizer_treats_a_missing_name_as_the_empty_name() {
        // ResourceNameMatches compares the request's name, "" when absent, with the listed names;
        // the comparator instead asks for an owner without names. Both quirks are the API server's.
        let rule = new_rule(&["list"])
            .groups(&[""])
            .resources(&["pods"])
            .names(&[""]);
        let list_pods = Atom::resource("", "pods", "list");
        assert!(rule_allows(&rule, &list_pods));
        assert!(!is_covered(&rule, &list_pods));
    }

    #[test]
    fn non_resource_url_prefix() {
        let rule = new_rule(&["get"]).urls(&["/api/*"]);
        assert_allows(
            "/api/*",
            &rule,
            &[
                (Atom::non_resource("/api/v1", "get"), true),
                (Atom::non_resource("/api/v1/namespaces", "get"), true),
                (Atom::non_resource("/api/", "get"), true),
                (Atom::non_resource("/api", "get"), false),
                (Atom::non_resource("/apis", "get"), false),
                (Atom::non_resource("/healthz", "get"), false),
                (Atom::non_resource("/api/v1", "post"), false),
            ],
        );
        // A star is a plain string prefix, blind to path segments.
        let no_slash = new_rule(&["get"]).urls(&["/api*"]);
        assert!(rule_allows(&no_slash, &Atom::non_resource("/apis", "get")));
        assert!(rule_allows(&no_slash, &Atom::non_resource("/api", "get")));
    }

    #[test]
    fn verbs_are_case_sensitive() {
        let rule = new_rule(&["get"]).groups(&[""]).resources(&["pods"]);
        assert!(!rule_allows(&rule, &Atom::resource("", "pods", "GET")));
    }

    #[test]
    fn multiple_groups_each_match() {
        let rule = new_rule(&["get"])
            .groups(&["", "apps", "extensions"])
            .resources(&["deployments"]);
        assert!(rule_allows(
            &rule,
            &Atom::resource("", "deployments", "get")
        ));
        assert!(rule_allows(
            &rule,
            &Atom::resource("apps", "deployments", "get")
        ));
        assert!(rule_allows(
            &rule,
            &Atom::resource("extensions", "deployments", "get")
        ));
        assert!(!rule_allows(
            &rule,
            &Atom::resource("batch", "deployments", "get")
        ));
    }

    #[test]
    fn missing_lists_match_nothing() {
        // No apiGroups: a resource rule without groups grants nothing, not everything.
        let no_groups = new_rule(&["*"]).resources(&["*"]);
        assert!(!rule_allows(&no_groups, &Atom::resource("", "pods", "get")));
        // No verbs.
        let no_verbs = new_rule(&[]).groups(&["*"]).resources(&["*"]);
        assert!(!rule_allows(&no_verbs, &Atom::resource("", "pods", "get")));
        // Resource rules do not grant URLs, and URL rules do not grant resources.
        let resources_only = new_rule(&["*"]).groups(&["*"]).resources(&["*"]);
        assert!(!rule_allows(
            &resources_only,
            &Atom::non_resource("/healthz", "get")
        ));
        let urls_only = new_rule(&["*"]).urls(&["*"]);
        assert!(!rule_allows(&urls_only, &Atom::resource("", "pods", "get")));
    }

    #[test]
    fn rules_allow_needs_one_matching_rule() {
        let rules = [
            new_rule(&["get"]).groups(&[""]).resources(&["pods"]),
            new_rule(&["list"]).groups(&[""]).resources(&["services"]),
        ];
        assert!(rules_allow(&rules, &Atom::resource("", "pods", "get")));
        assert!(rules_allow(&rules, &Atom::resource("", "services", "list")));
        // Verbs and resources do not mix across rules.
        assert!(!rules_allow(&rules, &Atom::resource("", "pods", "list")));
        assert!(!rules_allow(&[], &Atom::resource("", "pods", "get")));
    }

    // --- breakdown: BreakdownRule in policy_comparator.go ---

    #[test]
    fn breakdown_expands_every_combination_in_order() {
        let rule = new_rule(&["get", "list"])
            .groups(&["", "apps"])
            .resources(&["pods"]);
        assert_eq!(
            breakdown(&rule),
            vec![
                Atom::resource("", "pods", "get"),
                Atom::resource("", "pods", "list"),
                Atom::resource("apps", "pods", "get"),
                Atom::resource("apps", "pods", "list"),
            ]
        );
    }

    #[test]
    fn breakdown_names_and_urls() {
        let rule = new_rule(&["get", "*"])
            .groups(&["*"])
            .resources(&["pods/log"])
            .names(&["a", "b"])
            .urls(&["/healthz"]);
        assert_eq!(
            breakdown(&rule),
            vec![
                Atom::named("*", "pods/log", "get", "a"),
                Atom::named("*", "pods/log", "get", "b"),
                Atom::named("*", "pods/log", "*", "a"),
                Atom::named("*", "pods/log", "*", "b"),
                Atom::non_resource("/healthz", "get"),
                Atom::non_resource("/healthz", "*"),
            ]
        );
        assert!(breakdown(&new_rule(&[]).groups(&[""]).resources(&["pods"])).is_empty());
        assert!(breakdown(&new_rule(&["get"]).resources(&["pods"])).is_empty());
    }

    // --- staging/src/k8s.io/component-helpers/auth/rbac/validation/policy_comparator_test.go ---

    #[test]
    fn covers_exact_match() {
        assert_covers(
            &[new_rule(&["get"]).groups(&["v1"]).resources(&["builds"])],
            &[new_rule(&["get"]).groups(&["v1"]).resources(&["builds"])],
            &[],
        );
    }

    #[test]
    fn covers_subresource_wildcard() {
        assert_covers(
            &[new_rule(&["get"]).groups(&["v1"]).resources(&["*/scale"])],
            &[new_rule(&["get"]).groups(&["v1"]).resources(&["foo/scale"])],
            &[],
        );
    }

    #[test]
    fn covers_multiple_rules_covering_single_rule() {
        assert_covers(
            &[
                new_rule(&["delete"])
                    .groups(&["v1"])
                    .resources(&["deployments"]),
                new_rule(&["delete"]).groups(&["v1"]).resources(&["builds"]),
                new_rule(&["update"])
                    .groups(&["v1"])
                    .resources(&["builds", "deployments"]),
            ],
            &[new_rule(&["delete", "update"])
                .groups(&["v1"])
                .resources(&["builds", "deployments"])],
            &[],
        );
    }

    #[test]
    fn covers_multiple_api_groups_covering_single_rule() {
        let mut owner = Vec::new();
        for group in ["group1", "group2"] {
            owner.extend([
                new_rule(&["delete"])
                    .groups(&[group])
                    .resources(&["deployments"]),
                new_rule(&["delete"])
                    .groups(&[group])
                    .resources(&["builds"]),
                new_rule(&["update"])
                    .groups(&[group])
                    .resources(&["builds", "deployments"]),
            ]);
        }
        assert_covers(
            &owner,
            &[new_rule(&["delete", "update"])
                .groups(&["group1", "group2"])
                .resources(&["builds", "deployments"])],
            &[],
        );
    }

    #[test]
    fn covers_single_api_groups_covering_multiple() {
        let mut servant = Vec::new();
        for group in ["group1", "group2"] {
            servant.extend([
                new_rule(&["delete"])
                    .groups(&[group])
                    .resources(&["deployments"]),
                new_rule(&["delete"])
                    .groups(&[group])
                    .resources(&["builds"]),
                new_rule(&["update"])
                    .groups(&[group])
                    .resources(&["builds", "deployments"]),
            ]);
        }
        assert_covers(
            &[new_rule(&["delete", "update"])
                .groups(&["group1", "group2"])
                .resources(&["builds", "deployments"])],
            &servant,
            &[],
        );
    }

    #[test]
    fn covers_multiple_rules_missing_single_verb_resource_combination() {
        assert_covers(
            &[
                new_rule(&["delete", "update"])
                    .groups(&["v1"])
                    .resources(&["builds", "deployments"]),
                new_rule(&["delete"]).groups(&["v1"]).resources(&["pods"]),
            ],
            &[new_rule(&["delete", "update"]).groups(&["v1"]).resources(&[
                "builds",
                "deployments",
                "pods",
            ])],
            &[Atom::resource("v1", "pods", "update")],
        );
    }

    #[test]
    fn covers_api_group_star_covering_multiple() {
        assert_covers(
            &[new_rule(&["get"]).groups(&["*"]).resources(&["roles"])],
            &[new_rule(&["get"])
                .groups(&["group1", "group2"])
                .resources(&["roles"])],
            &[],
        );
    }

    #[test]
    fn covers_enumeration_not_covering_api_group_star() {
        assert_covers(
            &[new_rule(&["get"])
                .groups(&["dummy-group"])
                .resources(&["roles"])],
            &[new_rule(&["get"]).groups(&["*"]).resources(&["roles"])],
            &[Atom::resource("*", "roles", "get")],
        );
    }

    #[test]
    fn covers_api_group_star_covering_star() {
        assert_covers(
            &[new_rule(&["get"]).groups(&["*"]).resources(&["roles"])],
            &[new_rule(&["get"]).groups(&["*"]).resources(&["roles"])],
            &[],
        );
    }

    #[test]
    fn covers_verb_star_covering_multiple() {
        assert_covers(
            &[new_rule(&["*"]).groups(&["v1"]).resources(&["roles"])],
            &[new_rule(&["watch", "list"])
                .groups(&["v1"])
                .resources(&["roles"])],
            &[],
        );
    }

    #[test]
    fn covers_enumeration_not_covering_verb_star() {
        assert_covers(
            &[
                new_rule(&["get", "list", "watch", "create", "update", "delete", "exec"])
                    .groups(&["v1"])
                    .resources(&["roles"]),
            ],
            &[new_rule(&["*"]).groups(&["v1"]).resources(&["roles"])],
            &[Atom::resource("v1", "roles", "*")],
        );
    }

    #[test]
    fn covers_verb_star_covering_star() {
        assert_covers(
            &[new_rule(&["*"]).groups(&["v1"]).resources(&["roles"])],
            &[new_rule(&["*"]).groups(&["v1"]).resources(&["roles"])],
            &[],
        );
    }

    #[test]
    fn covers_resource_star_covering_multiple() {
        assert_covers(
            &[new_rule(&["get"]).groups(&["v1"]).resources(&["*"])],
            &[new_rule(&["get"])
                .groups(&["v1"])
                .resources(&["resourcegroup:deployments"])],
            &[],
        );
    }

    #[test]
    fn covers_enumeration_not_covering_resource_star() {
        assert_covers(
            &[new_rule(&["get"])
                .groups(&["v1"])
                .resources(&["roles", "resourcegroup:deployments"])],
            &[new_rule(&["get"]).groups(&["v1"]).resources(&["*"])],
            &[Atom::resource("v1", "*", "get")],
        );
    }

    #[test]
    fn covers_resource_star_covering_star() {
        assert_covers(
            &[new_rule(&["get"]).groups(&["v1"]).resources(&["*"])],
            &[new_rule(&["get"]).groups(&["v1"]).resources(&["*"])],
            &[],
        );
    }

    #[test]
    fn covers_resource_name_empty_covering_multiple() {
        assert_covers(
            &[new_rule(&["get"])
                .groups(&["v1"])
                .resources(&["pods"])
                .names(&[])],
            &[new_rule(&["get"])
                .groups(&["v1"])
                .resources(&["pods"])
                .names(&["foo", "bar"])],
            &[],
        );
    }

    #[test]
    fn covers_enumeration_not_covering_resource_name_empty() {
        assert_covers(
            &[new_rule(&["get"])
                .groups(&["v1"])
                .resources(&["pods"])
                .names(&["foo", "bar"])],
            &[new_rule(&["get"])
                .groups(&["v1"])
                .resources(&["pods"])
                .names(&[])],
            &[Atom::resource("v1", "pods", "get")],
        );
    }

    #[test]
    fn covers_non_resource_urls() {
        assert_covers(
            &[new_rule(&["*"]).urls(&["/apis"])],
            &[new_rule(&["*"]).urls(&["/apis"])],
            &[],
        );
    }

    #[test]
    fn covers_non_resource_urls_star() {
        assert_covers(
            &[new_rule(&["*"]).urls(&["*"])],
            &[new_rule(&["*"]).urls(&["/apis", "/apis/v1", "/"])],
            &[],
        );
    }

    #[test]
    fn covers_non_resource_urls_star_after_prefix_doesnt_cover() {
        assert_covers(
            &[new_rule(&["*"]).urls(&["/apis/*"])],
            &[new_rule(&["get"]).urls(&["/apis", "/apis/v1"])],
            &[Atom::non_resource("/apis", "get")],
        );
    }

    #[test]
    fn covers_non_resource_urls_star_after_prefix() {
        assert_covers(
            &[new_rule(&["*"]).urls(&["/apis/*"])],
            &[new_rule(&["get"]).urls(&["/apis/v1/foo", "/apis/v1"])],
            &[],
        );
    }

    #[test]
    fn covers_non_resource_urls_with_other_fields() {
        assert_covers(
            &[new_rule(&["get"])
                .groups(&["v1"])
                .resources(&["builds"])
                .urls(&["/apis"])],
            &[new_rule(&["get"])
                .groups(&["v1"])
                .resources(&["builds"])
                .urls(&["/apis"])],
            &[],
        );
    }

    #[test]
    fn covers_non_resource_urls_with_other_fields_failure() {
        assert_covers(
            &[new_rule(&["get"]).groups(&["v1"]).resources(&["builds"])],
            &[new_rule(&["get"])
                .groups(&["v1"])
                .resources(&["builds"])
                .urls(&["/apis"])],
            &[Atom::non_resource("/apis", "get")],
        );
    }

    // TestNonResourceURLCovers, through the public API: an owner rule granting every verb on one
    // URL pattern, asked about "get" on one URL. The authorizer's NonResourceURLMatches agrees.
    #[test]
    fn non_resource_url_covers() {
        let cases = [
            ("*", "", true),
            ("*", "/", true),
            ("*", "/api", true),
            ("/*", "", false),
            ("/*", "/", true),
            ("/*", "/foo", true),
            ("/api", "/api", true),
            ("/apis", "/api", false),
            ("/api/v1", "/api", false),
            ("/api/v1", "/api/v1", true),
            ("/api/*", "/api/v1", true),
            ("/api/*", "/api", false),
            ("/api/*/*", "/api/v1", false),
            ("/*/v1/*", "/api/v1", false),
        ];
        for (owner_url, requested_url, want) in cases {
            let owner = new_rule(&["*"]).urls(&[owner_url]);
            let requested = Atom::non_resource(requested_url, "get");
            assert_eq!(
                is_covered(&owner, &requested),
                want,
                "covers({owner_url:?}, {requested_url:?})"
            );
            assert_eq!(
                rule_allows(&owner, &requested),
                want,
                "allows({owner_url:?}, {requested_url:?})"
            );
        }
    }

    // --- Further covers cases, from ruleCovers and resourceCoversAll ---

    #[test]
    fn covers_named_owner_never_covers_unnamed_verbs() {
        // create and deletecollection carry no name, so an owner limited to names cannot grant
        // them.
        assert_covers(
            &[new_rule(&["get", "create", "deletecollection"])
                .groups(&[""])
                .resources(&["configmaps"])
                .names(&["app-config"])],
            &[
                new_rule(&["get"])
                    .groups(&[""])
                    .resources(&["configmaps"])
                    .names(&["app-config"]),
                new_rule(&["create", "deletecollection"])
                    .groups(&[""])
                    .resources(&["configmaps"]),
            ],
            &[
                Atom::resource("", "configmaps", "create"),
                Atom::resource("", "configmaps", "deletecollection"),
            ],
        );
    }

    #[test]
    fn covers_partial_name_lists() {
        assert_covers(
            &[new_rule(&["get"])
                .groups(&[""])
                .resources(&["secrets"])
                .names(&["a", "b"])],
            &[new_rule(&["get"])
                .groups(&[""])
                .resources(&["secrets"])
                .names(&["a", "c"])],
            &[Atom::named("", "secrets", "get", "c")],
        );
    }

    #[test]
    fn covers_subresources() {
        let star = new_rule(&["get"]).groups(&[""]).resources(&["*"]);
        let pods = new_rule(&["get"]).groups(&[""]).resources(&["pods"]);
        let star_scale = new_rule(&["get"]).groups(&[""]).resources(&["*/scale"]);
        let pod_logs = Atom::resource("", "pods/log", "get");
        let pod_scale = Atom::resource("", "pods/scale", "get");
        assert!(is_covered(&star, &pod_logs));
        assert!(!is_covered(&pods, &pod_logs));
        assert!(is_covered(&star_scale, &pod_scale));
        assert!(!is_covered(&star_scale, &Atom::resource("", "pods", "get")));
        // A requested "*/scale" is covered by the same pattern, as resourceCoversAll finds it.
        assert_covers(
            &[new_rule(&["get"]).groups(&[""]).resources(&["*/scale"])],
            &[new_rule(&["get"]).groups(&[""]).resources(&["*/scale"])],
            &[],
        );
    }

    #[test]
    fn covers_non_resource_requires_owner_without_names() {
        let owner = new_rule(&["get"]).urls(&["/healthz"]).names(&["x"]);
        let healthz = Atom::non_resource("/healthz", "get");
        assert!(!is_covered(&owner, &healthz));
    }

    #[test]
    fn uncovered_keeps_order_and_duplicates() {
        let requested = [
            Atom::resource("", "secrets", "get"),
            Atom::resource("", "pods", "get"),
            Atom::non_resource("/metrics", "get"),
            Atom::resource("", "secrets", "get"),
        ];
        let owner = [new_rule(&["get"]).groups(&[""]).resources(&["pods"])];
        assert_eq!(
            uncovered(&owner, &requested),
            vec![
                Atom::resource("", "secrets", "get"),
                Atom::non_resource("/metrics", "get"),
                Atom::resource("", "secrets", "get"),
            ]
        );
        assert_eq!(uncovered(&[], &requested), requested.to_vec());
        assert_eq!(covers(&[], &[]), (true, Vec::new()));
    }

    // --- Atom ---

    #[test]
    fn atoms_display_as_sentences() {
        assert_eq!(
            Atom::resource("", "pods/log", "get").to_string(),
            r#"get on pods/log ("" group)"#
        );
        assert_eq!(
            Atom::named("", "pods", "get", "web-0").to_string(),
            r#"get on pods "web-0" ("" group)"#
        );
        assert_eq!(
            Atom::resource("apps", "deployments", "*").to_string(),
            r#"* on deployments ("apps" group)"#
        );
        assert_eq!(
            Atom::non_resource("/healthz", "get").to_string(),
            "get on /healthz"
        );
    }

    #[test]
    fn atom_constructors_and_verb() {
        assert_eq!(
            Atom::named("apps", "deployments", "patch", "web"),
            Atom::Resource {
                group: "apps".into(),
                resource: "deployments".into(),
                verb: "patch".into(),
                name: Some("web".into()),
            }
        );
        assert_eq!(Atom::resource("", "pods", "list").verb(), "list");
        assert_eq!(Atom::non_resource("/version", "get").verb(), "get");
    }
}
