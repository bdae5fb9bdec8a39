//! What the chart accepts but does not do what the values say: keys it no longer reads, the
//! legacy security-context keys, a token written into the values, and runs as root.

use super::values::AgentValues;
use crate::check::locate::{Target, diagnostic};
use crate::diagnostic::Diagnostic;
use crate::rules;
use crate::yaml::Node;

pub fn check(values: &AgentValues, tree: &Node) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let unread = [
        (
            "/deploymentVersion",
            values.deployment_version.is_some(),
            "the 2.x chart's version is the chart's own: pin it with `helm upgrade --version`",
        ),
        (
            "/auth/useResolver",
            values.auth.as_ref().is_some_and(|a| a.use_resolver.is_some()),
            "the 2.x chart resolves auth through the control plane; remove the key",
        ),
    ];
    for (pointer, set, fix) in unread {
        if set {
            let key = pointer.trim_start_matches('/').replace('/', ".");
            out.push(
                diagnostic(
                    tree,
                    &rules::AGENT_UNREAD_KEY,
                    pointer,
                    Target::Key,
                    format!("the agent chart 2.x no longer reads `{key}`"),
                )
                .help(fix),
            );
        }
    }
    if let Some(context) = &values.security_context {
        let enabled = context.enabled == Some(true);
        for (key, set, standard) in [
            ("user", context.user.is_some(), "runAsUser"),
            ("group", context.group.is_some(), "runAsGroup"),
        ] {
            if set {
                out.push(
                    diagnostic(
                        tree,
                        &rules::AGENT_LEGACY_SECURITY_CONTEXT,
                        &format!("/securityContext/{key}"),
                        Target::Key,
                        format!("`securityContext.{key}` changes the agent's own pods, not the runs'"),
                    )
                    .help(format!(
                        "runs get the ids from `securityContext.{standard}` (2222 unless set): write `{standard}` instead of `{key}`"
                    )),
                );
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
                out.push(
                    diagnostic(
                        tree,
                        &rules::AGENT_RUNS_AS_ROOT,
                        &format!("/securityContext/{key}"),
                        Target::Value,
                        message.to_owned(),
                    )
                    .help("the security context exists to keep runs off root; use a non-zero `runAsUser` and `runAsNonRoot: true`"),
                );
            }
        }
    }
    if values
        .agent
        .as_ref()
        .and_then(|a| a.token.as_deref())
        .is_some_and(|t| !t.trim().is_empty())
    {
        out.push(
            diagnostic(
                tree,
                &rules::AGENT_INLINE_TOKEN,
                "/agent/token",
                Target::Key,
                "the agent token is written in the values file".to_owned(),
            )
            .help("anyone who can read the values (the repository, `helm get values`) can act as this agent; keep the token in a Secret and name it with `agentSecret`"),
        );
    }
    out
}
