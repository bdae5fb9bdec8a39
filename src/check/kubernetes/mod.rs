//! What the Kubernetes API server would refuse in the manifests plx renders from a job or a
//! service (`pkg/apis/core/validation`, `pkg/apis/batch/validation`, `pkg/apis/apps/validation`):
//! names, labels, annotations, ranges, enums, required fields and the cross-field rules.

mod container;
mod pod;
mod service;
mod volume;

use crate::diagnostic::{Applicability, Diagnostic, Fix};
use crate::document::decode::display_path;
use crate::document::locate::{self, Findings, Target};
use crate::k8s::schema::{self, Subject, Violation};
use crate::k8s::validation;
use crate::model::V1Polyaxonfile;
use crate::model::runs::{Role, RunView, Workload};
use crate::rules::{self, Rule};
use crate::yaml::Node;
use crate::yaml::Span;
use crate::yaml::tree::{child_pointer, item_pointer};

pub fn check(run: &RunView<'_>, tree: &Node) -> Vec<Diagnostic> {
    let mut check = Check {
        findings: Findings::new(tree),
    };
    check.schema(run);
    check.environment(run);
    check.containers(run);
    check.volumes(run);
    check.service(run);
    check.termination(run);
    check.findings.into_vec()
}

/// The namespaces a file names (its own, its build's and its hooks'): the API server takes
/// only DNS-1123 labels.
pub fn namespaces(file: &V1Polyaxonfile, tree: &Node) -> Vec<Diagnostic> {
    let mut check = Check {
        findings: Findings::new(tree),
    };
    let build = file
        .build
        .as_ref()
        .map(|b| ("/build/namespace".to_owned(), b));
    let named = std::iter::once(("/namespace".to_owned(), file.namespace.as_ref()))
        .chain(build.map(|(at, b)| (at, b.namespace.as_ref())))
        .chain(
            file.hooks
                .iter()
                .flatten()
                .enumerate()
                .map(|(i, hook)| (format!("/hooks/{i}/namespace"), hook.namespace.as_ref())),
        );
    for (pointer, namespace) in named {
        if let Some(namespace) = namespace {
            check.dns_label(&pointer, "namespace", namespace);
        }
    }
    check.findings.into_vec()
}

/// The ranges the API server checks, with its own wording for each.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Bound {
    /// `IsValidPortNum`.
    Port,
    /// `ValidateNonnegativeField` on an int32 field.
    NonNegative32,
    /// `ValidateNonnegativeField` on an int64 field.
    NonNegative64,
    /// `IsValidUserID`, `IsValidGroupID`.
    Id,
    /// Affinity term weights.
    Weight,
    /// A probe's `terminationGracePeriodSeconds`.
    Positive,
    /// `validateVolumeSourceMode` / `fileModeErrorMsg`.
    FileMode,
    /// Pod `priority`, an int32 the decoder took as any integer.
    Int32,
}

impl Bound {
    fn limits(self) -> (i64, i64, &'static str) {
        let int32 = i64::from(i32::MAX);
        match self {
            Bound::Port => (1, 65535, "must be between 1 and 65535, inclusive"),
            Bound::NonNegative32 => (0, int32, "must be greater than or equal to 0"),
            Bound::NonNegative64 => (0, i64::MAX, "must be greater than or equal to 0"),
            Bound::Id => (0, int32, "must be between 0 and 2147483647, inclusive"),
            Bound::Weight => (1, 100, "must be in the range 1-100"),
            Bound::Positive => (1, i64::MAX, "must be greater than 0"),
            Bound::FileMode => (
                0,
                0o777,
                "must be a number between 0 and 0777 (octal), both inclusive",
            ),
            Bound::Int32 => (
                i64::from(i32::MIN),
                int32,
                "must be a 32-bit integer (between -2147483648 and 2147483647)",
            ),
        }
    }
}

/// A Polyaxon template, resolved before any object exists: not judged as a final value.
fn is_templated(text: &str) -> bool {
    text.contains("{{") || text.contains("{%")
}

/// A value that fails a format check: what it is, what it must be, the API server's words.
/// `what` and `fix` are worded only when there are errors: most values pass, and a fix is a
/// search of its own.
struct Invalid<What, Fix> {
    what: What,
    expected: &'static str,
    errors: Vec<String>,
    fix: Fix,
}

struct Check<'a> {
    findings: Findings<'a>,
}

impl Check<'_> {
    pub(super) fn span(&self, pointer: &str, target: Target) -> Span {
        self.findings.span(pointer, target)
    }

    /// A format check's result as findings: one per value, the API server's words in help.
    pub(super) fn format(
        &mut self,
        rule: &'static Rule,
        pointer: &str,
        target: Target,
        invalid: Invalid<impl FnOnce() -> String, impl FnOnce() -> Option<String>>,
    ) {
        self.format_with(rule, pointer, target, invalid, "the API server refuses it");
    }

    pub(super) fn format_with(
        &mut self,
        rule: &'static Rule,
        pointer: &str,
        target: Target,
        invalid: Invalid<impl FnOnce() -> String, impl FnOnce() -> Option<String>>,
        consequence: &str,
    ) {
        let Invalid {
            what,
            expected,
            errors,
            fix,
        } = invalid;
        if errors.is_empty() {
            return;
        }
        let message = format!("{} is not {expected}", what());
        let mut help = format!("{consequence}: {}", errors.join("; "));
        if let Some(fix) = fix() {
            help.push_str(&format!("; write e.g. `{fix}`"));
        }
        self.findings.at(rule, pointer, target, message).help(help);
    }

    pub(super) fn dns_label(&mut self, pointer: &str, what: &str, name: &str) {
        if is_templated(name) {
            return;
        }
        let invalid = Invalid {
            what: || format!("{what} `{name}`"),
            expected: "a DNS-1123 label",
            errors: validation::dns1123_label(name),
            fix: || suggest_label(name),
        };
        self.format(
            &rules::K8S_INVALID_DNS_NAME,
            pointer,
            Target::Value,
            invalid,
        );
    }

    pub(super) fn dns_subdomain(&mut self, pointer: &str, what: &str, name: &str) {
        if is_templated(name) {
            return;
        }
        let invalid = Invalid {
            what: || format!("{what} `{name}`"),
            expected: "a DNS-1123 subdomain",
            errors: validation::dns1123_subdomain(name),
            fix: || suggest_subdomain(name),
        };
        self.format(
            &rules::K8S_INVALID_DNS_NAME,
            pointer,
            Target::Value,
            invalid,
        );
    }

    pub(super) fn range(&mut self, pointer: &str, value: i64, bound: Bound) {
        let (min, max, rule_text) = bound.limits();
        if (min..=max).contains(&value) {
            return;
        }
        let path = display_path(pointer);
        let shown = match bound {
            Bound::FileMode => format!("{value} (0{value:o} octal)"),
            _ => value.to_string(),
        };
        self.findings
            .at(
                &rules::K8S_VALUE_OUT_OF_RANGE,
                pointer,
                Target::Value,
                format!("`{path}` is {shown}; it {rule_text}"),
            )
            .help(format!(
                "the API server refuses it: `Invalid value: {value}: {rule_text}`"
            ));
    }

    /// Required fields and enums everywhere inside the Kubernetes objects, from the schema.
    pub(super) fn schema(&mut self, run: &RunView<'_>) {
        for subject in subjects(run) {
            let Some(node) = locate::node(self.findings.tree(), &subject.pointer) else {
                continue;
            };
            let span = self.span(&subject.pointer, Target::Key);
            for finding in schema::check(Subject {
                definition: subject.definition,
                node,
                pointer: &subject.pointer,
                span,
                filled: subject.filled,
                converted: None,
            }) {
                let path = display_path(&finding.pointer);
                let diagnostic = match finding.violation {
                    Violation::Required { field } => Diagnostic::new(
                        &rules::K8S_REQUIRED_VALUE,
                        format!("`{path}` has no `{field}`, which Kubernetes requires"),
                    )
                    .help(format!(
                        "add `{field}`; the API server refuses the object: `{path}.{field}: Required value`"
                    )),
                    // Kubeflow's replicas restart by exit code, a policy of their own.
                    Violation::Unsupported { value, .. }
                        if run.workload == Workload::Replica
                            && path.ends_with("environment.restartPolicy")
                            && value == "ExitCode" =>
                    {
                        continue;
                    }
                    // Asked for by `unconverted` only.
                    Violation::Unconverted { .. } => continue,
                    Violation::Unsupported { value, allowed } => {
                        let supported = allowed
                            .iter()
                            .map(|a| format!("\"{a}\""))
                            .collect::<Vec<_>>()
                            .join(", ");
                        let mut help = format!("supported values: {supported}");
                        if path.ends_with("restartPolicy") && value == "ExitCode" {
                            help.push_str("; Polyaxon 2.18 accepts `ExitCode`, but it is not a pod restart policy and the API server refuses the pod");
                        } else {
                            help = crate::suggest::after_did_you_mean(
                                &value,
                                allowed.iter().copied(),
                                help,
                            );
                        }
                        Diagnostic::new(
                            &rules::K8S_UNSUPPORTED_VALUE,
                            format!("unsupported value `{value}` for `{path}`"),
                        )
                        .help(help)
                    }
                };
                self.findings.push(diagnostic.at(finding.span));
            }
        }
    }
}

/// A Kubernetes object a run embeds, to walk with the schema.
struct Embedded {
    definition: &'static str,
    pointer: String,
    /// Required fields plx fills in itself (see `schema::Subject`).
    filled: &'static [&'static str],
    /// How deep Polyaxon converts its snake_case keys.
    converted: schema::Converted,
}

/// The Kubernetes objects of a run: its environment (a part of a pod spec, whose own keys and
/// the first level of the objects in it Polyaxon converts), containers and volumes (their
/// first level, and a container's ports).
fn subjects(run: &RunView<'_>) -> Vec<Embedded> {
    let mut out = Vec::new();
    if run.environment.is_some() {
        // `environment` holds a part of a pod spec; the containers come from elsewhere.
        out.push(Embedded {
            definition: schema::POD_SPEC,
            pointer: run.environment_pointer(),
            filled: &["containers"],
            converted: schema::Converted {
                levels: 2,
                lists: &[],
            },
        });
    }
    for container in run.containers() {
        out.push(Embedded {
            definition: schema::CONTAINER,
            pointer: container.pointer,
            // plx names the main and init containers when the file does not.
            filled: match container.role {
                Role::Sidecar => &[],
                Role::Main | Role::Init => &["name"],
            },
            converted: schema::Converted {
                levels: 1,
                lists: &["ports"],
            },
        });
    }
    for index in 0..run.volumes.len() {
        out.push(Embedded {
            definition: schema::VOLUME,
            pointer: item_pointer(&run.at, "volumes", index),
            filled: &[],
            converted: schema::Converted {
                levels: 1,
                lists: &[],
            },
        });
    }
    out
}

/// Keys of the Kubernetes objects a file embeds that Polyaxon passes on unconverted, so that
/// Kubernetes drops them (SCH012): each finding with the pointer of its key.
pub fn unconverted(file: &V1Polyaxonfile, tree: &Node) -> Vec<(String, Diagnostic)> {
    let mut out: Vec<(String, Diagnostic)> = Vec::new();
    for run in crate::model::runs::runs(file) {
        for subject in subjects(&run) {
            // Only a snake_case key can be one Polyaxon leaves unconverted: most objects have
            // none, and need no walk.
            let Some(node) = locate::node(tree, &subject.pointer)
                .filter(|node| node.any_key(&|key| key.contains('_')))
            else {
                continue;
            };
            let found = schema::check(Subject {
                definition: subject.definition,
                node,
                pointer: &subject.pointer,
                span: node.span,
                filled: &[],
                converted: Some(subject.converted),
            });
            for finding in found {
                let Violation::Unconverted { field } = finding.violation else {
                    continue;
                };
                if out.iter().any(|(pointer, _)| *pointer == finding.pointer) {
                    continue;
                }
                let key = finding.pointer.rsplit('/').next().unwrap_or_default();
                let diagnostic = Diagnostic::new(
                    &rules::SCH_UNCONVERTED_SNAKE_CASE,
                    format!("`{key}` is not converted to `{field}`: Kubernetes drops it"),
                )
                .at(finding.span)
                .help(format!(
                    "write `{field}`; Polyaxon converts snake_case keys only at the first level of each Kubernetes object it embeds (`volume_mounts`, `security_context`), and passes deeper ones on as written, which Kubernetes does not know"
                ))
                .fix(Fix::replace(
                    Applicability::Safe,
                    finding.span,
                    field.to_owned(),
                    format!("rename `{key}` to `{field}`"),
                ));
                out.push((finding.pointer, diagnostic));
            }
        }
    }
    out
}

/// The closest DNS-1123 label to `text`, when there is one that differs.
fn suggest_label(text: &str) -> Option<String> {
    crate::k8s::names::to_dns1123_label(text).filter(|label| label != text)
}

fn suggest_subdomain(text: &str) -> Option<String> {
    let parts: Vec<String> = text
        .split('.')
        .filter_map(|part| {
            suggest_label(part).or_else(|| (!part.is_empty()).then(|| part.to_owned()))
        })
        .collect();
    let out = parts.join(".");
    (!out.is_empty() && out != text && validation::dns1123_subdomain(&out).is_empty())
        .then_some(out)
}

/// The closest label key or value: invalid characters become `-`, the ends alphanumeric.
fn suggest_qualified(text: &str) -> Option<String> {
    let (prefix, name) = match text.rsplit_once('/') {
        Some((prefix, name)) => (suggest_subdomain(prefix).or(Some(prefix.to_owned())), name),
        None => (None, text),
    };
    let mut out: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '-'
            }
        })
        .collect();
    out = out
        .trim_matches(|c: char| !c.is_ascii_alphanumeric())
        .to_owned();
    out.truncate(validation::QUALIFIED_NAME_MAX);
    let out = out
        .trim_end_matches(|c: char| !c.is_ascii_alphanumeric())
        .to_owned();
    let full = match prefix {
        Some(prefix) => child_pointer(&prefix, &out),
        None => out,
    };
    (!full.is_empty() && full != text && validation::qualified_name(&full).is_empty())
        .then_some(full)
}

#[cfg(test)]
mod tests {
    use crate::check::check_bytes;

    /// The codes of the K8S findings for a job whose run holds `run` (YAML, indented 2).
    fn k8s_codes(run: &str) -> Vec<&'static str> {
        let text = format!("version: 1.1\nkind: component\nrun:\n  kind: job\n{run}");
        crate::check::family_codes(text, crate::rules::Family::Kubernetes)
    }

    #[test]
    fn templates_are_not_judged_as_final_values() {
        let run = "  environment:\n    labels: {run: '{{ globals.uuid }}'}\n    serviceAccountName: '{{ sa }}'\n    imagePullSecrets: ['{{ secret }}']\n  container:\n    name: '{{ name }}'\n    image: busybox:1.36\n    ports: [{containerPort: 80, name: '{{ port }}'}]\n";
        assert_eq!(k8s_codes(run), Vec::<&str>::new());
    }

    #[test]
    fn zero_values_pass_as_the_api_server_defaults_them() {
        let run = "  environment:\n    restartPolicy: ''\n    tolerations: [{key: a, operator: '', effect: ''}]\n    hostAliases: [{ip: 010.0.0.1, hostnames: [db.local]}]\n  container:\n    name: main\n    image: busybox:1.36\n    imagePullPolicy: ''\n    ports: [{containerPort: 80, name: '', protocol: ''}]\n    readinessProbe:\n      httpGet: {port: 80, httpHeaders: [{name: X-Empty}]}\n";
        assert_eq!(k8s_codes(run), Vec::<&str>::new());
    }

    #[test]
    fn a_container_needs_an_image_unless_polyaxon_builds_it() {
        let run = "  container:\n    name: main\n";
        assert_eq!(k8s_codes(run), vec!["K8S006"]);
        let built = "version: 1.1\nkind: component\nbuild: {hubRef: kaniko}\nrun:\n  kind: job\n  container:\n    name: main\n";
        let checked = check_bytes("t.yaml", built.as_bytes().to_vec(), &Default::default());
        assert!(checked.diagnostics.iter().all(|d| d.rule.code != "K8S006"));
    }

    #[test]
    fn a_job_refuses_always_and_a_deployment_needs_it() {
        let job = "  environment: {restartPolicy: Always}\n  container: {name: main, image: busybox:1.36}\n";
        assert_eq!(k8s_codes(job), vec!["K8S007"]);
        let text = "version: 1.1\nkind: component\nrun:\n  kind: service\n  replicas: 2\n  environment: {restartPolicy: Never}\n  container: {name: main, image: busybox:1.36}\n";
        let checked = check_bytes("t.yaml", text.as_bytes().to_vec(), &Default::default());
        assert!(checked.diagnostics.iter().any(|d| d.rule.code == "K8S007"));
    }
}
