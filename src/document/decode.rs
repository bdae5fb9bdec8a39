//! Tree -> a typed document (a Polyaxonfile, the agent's values, an RBAC object), and the
//! decoder's facts -> diagnostics.

use crate::diagnostic::{Applicability, Diagnostic, Fix};
use crate::rules;
use crate::suggest;
use crate::yaml::de::{Error, ErrorKind};
use crate::yaml::tree::{is_snake_spelling, unescape_pointer_token};
use crate::yaml::{self, Node, Notice, Span};

/// Container-level security fields that people put in `environment.securityContext`, which
/// is the pod's: Kubernetes has them on `container.securityContext` only.
const CONTAINER_ONLY_SECURITY_FIELDS: &[&str] = &[
    "privileged",
    "capabilities",
    "allowPrivilegeEscalation",
    "readOnlyRootFilesystem",
    "procMount",
];

/// Pod-only security fields, which Polyaxon refuses in `environment.securityContext` (it
/// types it as a container's), with how to get each one's effect otherwise.
const POD_ONLY_SECURITY_FIELDS: &[(&str, &str)] = &[
    (
        "fsGroup",
        "the agent gives runs its own `fsGroup` when its Helm values enable it (`securityContext: {enabled: true, fsGroup: ...}`); for one run, make what it writes owned by its `runAsGroup`",
    ),
    (
        "fsGroupChangePolicy",
        "it only steers `fsGroup`, which only the agent's Helm values set (`securityContext`)",
    ),
    (
        "supplementalGroups",
        "no Polyaxonfile field sets it; `runAsGroup` sets the containers' primary group",
    ),
    (
        "supplementalGroupsPolicy",
        "no Polyaxonfile field sets it; `runAsGroup` sets the containers' primary group",
    ),
    (
        "sysctls",
        "no Polyaxonfile field sets it; run on nodes whose kubelet sets the sysctl (ask the cluster's administrators), selected with `nodeSelector`",
    ),
    (
        "seLinuxChangePolicy",
        "no Polyaxonfile field sets it; `seLinuxOptions` is shared by pods and containers and works here",
    ),
];

/// Any typed document, its decoding problems as diagnostics (SCH001, SCH002, ...).
pub fn decode_typed<T: serde::de::DeserializeOwned>(tree: &Node) -> (Option<T>, Vec<Diagnostic>) {
    let decoded = yaml::decode::<T>(tree, "");
    let mut diagnostics: Vec<Diagnostic> = decoded
        .errors
        .iter()
        .map(|error| decode_error(tree, error))
        .collect();
    diagnostics.extend(decoded.notices.iter().map(notice));
    (decoded.value, diagnostics)
}

/// `/run/environment/tolerations/0/value` -> `run.environment.tolerations[0].value`.
pub fn display_path(pointer: &str) -> String {
    let mut path = String::new();
    for token in pointer.split('/').skip(1) {
        let token = unescape_pointer_token(token);
        if token.bytes().all(|b| b.is_ascii_digit()) && !token.is_empty() {
            path.push_str(&format!("[{token}]"));
        } else {
            if !path.is_empty() {
                path.push('.');
            }
            if token.contains(['.', '/', ' ']) {
                path.push_str(&format!("\"{token}\""));
            } else {
                path.push_str(&token);
            }
        }
    }
    if path.is_empty() {
        "the document".into()
    } else {
        path
    }
}

fn where_(pointer: &str) -> String {
    if pointer.is_empty() {
        "at the top level".into()
    } else {
        format!("in `{}`", display_path(pointer))
    }
}

fn parent_and_key(pointer: &str) -> (&str, &str) {
    pointer.rsplit_once('/').unwrap_or(("", pointer))
}

fn decode_error(tree: &Node, error: &Error) -> Diagnostic {
    let pointer = error.pointer.clone().unwrap_or_default();
    let span = error.span.unwrap_or_default();
    let path = display_path(&pointer);
    match &error.kind {
        ErrorKind::InvalidType { expected, found } | ErrorKind::OutOfRange { expected, found } => {
            let help = type_help(expected, tree.pointer(&pointer).map(|l| l.node));
            Diagnostic::new(
                &rules::SCH_INVALID_TYPE,
                format!("`{path}` must be {expected}, found {found}"),
            )
            .at(span)
            .help(help)
        }
        ErrorKind::UnknownVariant { value, expected } => {
            let help = suggest::did_you_mean(value, expected.iter().copied())
                .unwrap_or_else(|| format!("expected one of: {}", list(expected)));
            Diagnostic::new(
                &rules::SCH_INVALID_VALUE,
                format!("unknown value `{value}` for `{path}`"),
            )
            .at(span)
            .help(help)
        }
        ErrorKind::MissingField { field } => {
            // Point at the key that introduces the incomplete object, which is where the
            // user will add the missing key.
            let located = tree.pointer(&pointer);
            let at = located
                .and_then(|l| l.key_span)
                .or_else(|| located.map(|l| Span::new(l.node.span.start, l.node.span.start)))
                .unwrap_or(span);
            Diagnostic::new(
                &rules::SCH_MISSING_KEY,
                format!("missing required key `{field}` {}", where_(&pointer)),
            )
            .at(at)
            .help(format!("add `{field}: ...` here"))
        }
        ErrorKind::Message(message) => {
            Diagnostic::new(&rules::SCH_INVALID_TYPE, format!("`{path}`: {message}")).at(span)
        }
    }
}

fn type_help(expected: &str, node: Option<&Node>) -> String {
    let text = node.and_then(Node::as_str).unwrap_or("");
    if expected.contains("integer") && text.trim().parse::<i64>().is_ok() {
        return format!("write the number without quotes: `{}`", text.trim());
    }
    if expected.contains("integer") && text.trim().parse::<f64>().is_ok() {
        return "write a whole number, without a decimal point".into();
    }
    if expected.contains("boolean") && matches!(text.trim(), "true" | "false") {
        return format!("write `{}` without quotes", text.trim());
    }
    if expected.contains("integer") || expected.contains("boolean") {
        return format!(
            "write {expected} here, or a whole-field template such as `\"{{{{ params.name }}}}\"` where Polyaxon accepts one"
        );
    }
    format!("write {expected} here")
}

fn list(items: &[&str]) -> String {
    items
        .iter()
        .map(|i| format!("`{i}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A pod-only (SCH013) or container-only (SCH006) field in `environment.securityContext`,
/// which holds only what the two security contexts share.
fn environment_security_field(key: &str, key_span: Span) -> Option<Diagnostic> {
    let pod_only = POD_ONLY_SECURITY_FIELDS
        .iter()
        .find(|(field, _)| key == *field || is_snake_spelling(key, field));
    if let Some((field, otherwise)) = pod_only {
        return Some(
            Diagnostic::new(
                &rules::SCH_POD_ONLY_SECURITY_FIELD,
                format!(
                    "`{field}` is a pod-only security setting, which `environment.securityContext` cannot take"
                ),
            )
            .at(key_span)
            .help(format!(
                "Polyaxon types `environment.securityContext` as a container's security context and refuses it (`unexpected keyword argument`); {otherwise}. What works here is what pods and containers share: runAsUser, runAsGroup, runAsNonRoot, seLinuxOptions, seccompProfile, appArmorProfile, windowsOptions"
            )),
        );
    }
    CONTAINER_ONLY_SECURITY_FIELDS.contains(&key).then(|| {
        Diagnostic::new(
            &rules::SCH_CONTAINER_FIELD_ON_POD,
            format!(
                "`{key}` is a container security setting; `environment.securityContext` is the pod's security context"
            ),
        )
        .at(key_span)
        .help(format!(
            "move `{key}` to `container.securityContext` (and to each sidecar that needs it); Polyaxon accepts it here but writes it on the pod, whose security context has no `{key}`, so it is dropped; the pod-level context takes runAsUser, runAsGroup, runAsNonRoot, seLinuxOptions, seccompProfile, appArmorProfile, windowsOptions"
        ))
    })
}

fn notice(notice: &Notice) -> Diagnostic {
    match notice {
        Notice::UnknownKey {
            pointer,
            key,
            key_span,
            expected,
        } => unknown_key(pointer, key, *key_span, expected),
        Notice::AmbiguousScalar {
            pointer,
            span,
            text,
            reading,
        } => Diagnostic::new(
            &rules::YAML_AMBIGUOUS_SCALAR,
            format!(
                "`{text}` in `{}` is {reading} to YAML 1.1 readers (Polyaxon, kubectl), not the string \"{text}\"",
                display_path(pointer)
            ),
        )
        .at(*span)
        .help(format!("quote it: `\"{text}\"`"))
        .fix(Fix::replace(
            Applicability::Safe,
            *span,
            format!("\"{text}\""),
            format!("quote `{text}`"),
        )),
        Notice::StringAsList {
            pointer,
            span,
            text,
        } => string_as_list(pointer, *span, text),
    }
}

fn unknown_key(pointer: &str, key: &str, key_span: Span, expected: &[&str]) -> Diagnostic {
    let (parent, _) = parent_and_key(pointer);
    if parent.ends_with("/environment/securityContext")
        && let Some(found) = environment_security_field(key, key_span)
    {
        return found;
    }
    let help = suggest::did_you_mean(key, expected.iter().copied())
        .unwrap_or_else(|| format!("expected one of: {}", list(expected)));
    // Unsafe: the closest key is a guess at what was meant.
    let fix = suggest::closest(key, expected.iter().copied()).map(|close| {
        Fix::replace(
            Applicability::Unsafe,
            key_span,
            close,
            format!("rename `{key}` to `{close}`"),
        )
    });
    Diagnostic::new(
        &rules::SCH_UNKNOWN_KEY,
        format!("unknown key `{key}` {}", where_(parent)),
    )
    .at(key_span)
    .help(help)
    .fix(fix)
}

fn string_as_list(pointer: &str, span: Span, text: &str) -> Diagnostic {
    let words: Vec<String> = text.split_whitespace().map(|w| format!("{w:?}")).collect();
    // Unsafe: a shell would split the line this way, but the program may not expect its
    // words split at all.
    let fix = crate::shell::split(text)
        .filter(|_| !text.contains("{{"))
        .map(|words| {
            let items: Vec<String> = words.iter().map(|w| json_string(w)).collect();
            Fix::replace(
                Applicability::Unsafe,
                span,
                format!("[{}]", items.join(", ")),
                "split the line into a list, as a shell would",
            )
        });
    Diagnostic::new(
        &rules::SCH_STRING_COMMAND,
        format!(
            "`{}` is one string, which Polyaxon passes on as a single argument: the container runs a program named \"{text}\"",
            display_path(pointer)
        ),
    )
    .at(span)
    .help(if text.contains("{{") {
        "write a list with one argument per item, or `command: [/bin/sh, -c]` with the line in `args`".to_owned()
    } else {
        format!(
            "write a list: `[{}]`, or `command: [/bin/sh, -c]` with the line in `args`",
            words.join(", ")
        )
    })
    .fix(fix)
}

/// A string as a YAML double-quoted scalar (JSON's escapes are YAML's).
fn json_string(text: &str) -> String {
    serde_json::Value::from(text).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_read_like_yaml() {
        assert_eq!(
            display_path("/run/environment/tolerations/0/value"),
            "run.environment.tolerations[0].value"
        );
        assert_eq!(
            display_path("/run/environment/labels/app.kubernetes.io~1name"),
            "run.environment.labels.\"app.kubernetes.io/name\""
        );
        assert_eq!(display_path(""), "the document");
    }
}
