//! Every `{{ ... }}` of a Polyaxonfile parsed (TPL001) and each name it reads checked against
//! what the run defines (TPL002): its inputs and outputs, `params`, `globals`, and inside
//! `run` its `connections` and `init`. Polyaxon renders an unknown name as "", silently.

use crate::diagnostic::{Applicability, Diagnostic, Fix};
use crate::rules;
use crate::template::{self, Found};
use crate::yaml::{Node, NodeKind};

/// The keys of `globals` Polyaxon 2.18 defines for every run.
pub const GLOBALS: &[&str] = &[
    "artifacts_path",
    "cloning_kind",
    "compiled_at",
    "context_path",
    "created_at",
    "duration",
    "finished_at",
    "is_independent",
    "iteration",
    "name",
    "namespace",
    "original_uuid",
    "owner_name",
    "project_name",
    "project_unique_name",
    "project_uuid",
    "run_artifacts_path",
    "run_info",
    "run_outputs_path",
    "run_relative_outputs_path",
    "schedule_at",
    "started_at",
    "store_path",
    "user_email",
    "username",
    "uuid",
];

/// The `globals` only services have.
pub const SERVICE_GLOBALS: &[&str] = &["base_url", "base_urls", "ports"];

/// What `params.NAME` holds.
const PARAM_FIELDS: &[&str] = &["connection", "value", "type", "as_str", "as_arg"];

/// Jinja's own global functions.
const JINJA_GLOBALS: &[&str] = &["range", "dict", "lipsum", "cycler", "joiner", "namespace"];

/// The names visible at one level of a file (a component, or an operation in a dag).
struct Scope {
    names: Vec<String>,
    is_service: bool,
}

impl Scope {
    fn of(level: &Node, parent: Option<&Scope>) -> Scope {
        let mut names: Vec<String> = parent.map(|p| p.names.clone()).unwrap_or_default();
        for key in ["inputs", "outputs"] {
            if let Some(NodeKind::Seq(items)) = level.get(key).map(|e| &e.value.kind) {
                names.extend(
                    items
                        .iter()
                        .filter_map(|io| io.get("name")?.value.as_str().map(str::to_owned)),
                );
            }
        }
        // An operation's params are names too (context-only ones, or those it gives its
        // component); their use in the component itself is checked against its own inputs.
        if let Some(params) = level.get("params").and_then(|e| e.value.entries()) {
            names.extend(params.iter().map(|e| e.key.as_str().to_owned()));
        }
        names.extend(matrix_names(level));
        // A join's params are the run's context values too.
        if let Some(NodeKind::Seq(joins)) = level.get("joins").map(|e| &e.value.kind) {
            for join in joins {
                if let Some(params) = join.get("params").and_then(|e| e.value.entries()) {
                    names.extend(params.iter().map(|e| e.key.as_str().to_owned()));
                }
            }
        }
        let is_service = level
            .get("run")
            .and_then(|run| run.value.get("kind"))
            .and_then(|kind| kind.value.as_str())
            == Some("service")
            || level.get("ports").is_some();
        Scope { names, is_service }
    }
}

/// The params a `matrix` gives each of its runs: `params` keys (grid, random, bayes, ...) or
/// the keys of `values` (mapping).
pub fn matrix_names(level: &Node) -> Vec<String> {
    let Some(matrix) = level.get("matrix") else {
        return Vec::new();
    };
    let mut names = Vec::new();
    if let Some(params) = matrix.value.get("params").and_then(|e| e.value.entries()) {
        names.extend(params.iter().map(|e| e.key.as_str().to_owned()));
    }
    if let Some(NodeKind::Seq(values)) = matrix.value.get("values").map(|e| &e.value.kind) {
        for value in values {
            names.extend(
                value
                    .entries()
                    .unwrap_or_default()
                    .iter()
                    .map(|e| e.key.as_str().to_owned()),
            );
        }
    }
    names
}

/// Every name a dag's operations give: their params, matrices and joins.
fn dag_given_names(run: &Node) -> Vec<String> {
    let Some(NodeKind::Seq(operations)) = run.get("operations").map(|e| &e.value.kind) else {
        return Vec::new();
    };
    operations
        .iter()
        .flat_map(|operation| Scope::of(operation, None).names)
        .collect()
}

pub fn check(tree: &Node, source: &str) -> Vec<Diagnostic> {
    // Most files have no template at all: nothing to walk.
    if !crate::template::is_template(source) {
        return Vec::new();
    }
    // Built once per process: an environment registers every Jinja builtin, which costs more
    // than checking a file.
    static ENVIRONMENT: std::sync::LazyLock<minijinja::Environment<'static>> =
        std::sync::LazyLock::new(template::environment);
    let env = &*ENVIRONMENT;
    let mut out = Vec::new();
    level(tree, None, env, source, &mut out);
    out
}

fn level(
    node: &Node,
    parent: Option<&Scope>,
    env: &minijinja::Environment<'_>,
    source: &str,
    out: &mut Vec<Diagnostic>,
) {
    let Some(entries) = node.entries() else {
        return;
    };
    // A component by reference (`hubRef`, `pathRef`, ...) is out of view: its inputs, and so
    // the names its params and templates may use, are unknown here.
    if crate::compose::refs::Reference::of(node).is_some() {
        return;
    }
    let scope = Scope::of(node, parent);
    for entry in entries {
        match entry.key.as_str() {
            key if template::NOT_RENDERED.contains(&key) => {}
            "component" => level(&entry.value, Some(&scope), env, source, out),
            "run" => {
                for run_entry in entry.value.entries().unwrap_or_default() {
                    if run_entry.key == "operations"
                        && let NodeKind::Seq(operations) = &run_entry.value.kind
                    {
                        for operation in operations {
                            level(operation, Some(&scope), env, source, out);
                        }
                    } else if run_entry.key == "components"
                        && let NodeKind::Seq(components) = &run_entry.value.kind
                    {
                        // A dag's components run through its operations (`dagRef`), which
                        // give them their params and matrices.
                        let given = Scope {
                            names: scope
                                .names
                                .iter()
                                .cloned()
                                .chain(dag_given_names(&entry.value))
                                .collect(),
                            is_service: scope.is_service,
                        };
                        for component in components {
                            level(component, Some(&given), env, source, out);
                        }
                    } else {
                        scalars(&run_entry.value, &scope, true, env, source, out);
                    }
                }
            }
            _ => scalars(&entry.value, &scope, false, env, source, out),
        }
    }
}

fn scalars(
    node: &Node,
    scope: &Scope,
    in_run: bool,
    env: &minijinja::Environment<'_>,
    source: &str,
    out: &mut Vec<Diagnostic>,
) {
    let mut found = Vec::new();
    template::find(node, &mut found);
    for Found { node, text } in found {
        let references = match template::references(env, text) {
            Ok(references) => references,
            Err(error) => {
                out.push(
                    Diagnostic::new(
                        &rules::TPL_SYNTAX,
                        format!("this template is not valid Jinja: {}", error.message),
                    )
                    .at(node.span)
                    .help("close every `{{` with `}}` and every `{%` with `%}`; write a literal `{{` as `{{ '{{' }}`"),
                );
                continue;
            }
        };
        for reference in references {
            if let Some((message, help)) = undefined(&reference, scope, in_run) {
                out.push(
                    Diagnostic::new(&rules::TPL_UNDEFINED_NAME, message)
                        .at(template::reference_span(source, node, &reference))
                        .help(help),
                );
            }
        }
        for name in whole_params(text) {
            if !scope.names.contains(&name) {
                continue;
            }
            let reference = format!("params.{name}");
            let span = template::reference_span(source, node, &reference);
            let mut diagnostic = Diagnostic::new(
                &rules::TPL_WHOLE_PARAM,
                format!("`{{{{ {reference} }}}}` renders the whole param, not its value"),
            )
            .at(span);
            // Unsafe: the whole param may have been meant (it rarely is).
            if source.get(span.start..span.end) == Some(reference.as_str()) {
                diagnostic = diagnostic.fix(Fix::replace(
                    Applicability::Unsafe,
                    span,
                    name.clone(),
                    format!("print the value: `{{{{ {name} }}}}`"),
                ));
            }
            out.push(
                diagnostic
                .help(format!(
                    "Polyaxon writes the param's dictionary here, `{{'connection': None, 'value': ..., 'type': ..., 'as_str': ..., 'as_arg': ...}}`; write `{{{{ {name} }}}}` (or `{{{{ {reference}.value }}}}`) for its value, `{{{{ {reference}.as_arg }}}}` for `--{name}=...`"
                )),
            );
        }
    }
}

/// The names `NAME` of the `params.NAME` a template prints whole: inside `{{ ... }}`, not
/// followed by `.field` or `[...]`.
fn whole_params(text: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find("{{") {
        let after = &rest[open + 2..];
        let close = after.find("}}").unwrap_or(after.len());
        let expression = &after[..close];
        let mut from = 0;
        while let Some(at) = expression[from..].find("params.") {
            let start = from + at;
            let before = expression[..start].chars().next_back();
            let tail = &expression[start + "params.".len()..];
            let name: String = tail
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            let next = tail[name.len()..].trim_start().chars().next();
            let is_word = before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.');
            if !is_word && !name.is_empty() && !matches!(next, Some('.' | '[' | '(')) {
                names.push(name);
            }
            from = start + "params.".len();
        }
        rest = &after[close..];
    }
    names.sort_unstable();
    names.dedup();
    names
}

/// Why `reference` (`params.lr.value`) is not defined here, if it is not.
fn undefined(reference: &str, scope: &Scope, in_run: bool) -> Option<(String, String)> {
    let mut parts = reference.split('.');
    let first = parts.next().unwrap_or_default();
    let second = parts.next();
    let names: Vec<&str> = scope.names.iter().map(String::as_str).collect();
    let suggest = |typo: &str, candidates: &[&str]| {
        crate::suggest::did_you_mean(typo, candidates.iter().copied()).unwrap_or_else(|| {
            if candidates.is_empty() {
                "declare it as an input".to_owned()
            } else {
                format!("defined here: {}", list(candidates))
            }
        })
    };
    if names.contains(&first) || JINJA_GLOBALS.contains(&first) {
        return None;
    }
    match first {
        "params" => {
            let name = second?;
            if name == "as_args" || names.contains(&name) {
                let field = parts.next()?;
                return (!PARAM_FIELDS.contains(&field)).then(|| {
                    (
                        format!("`params.{name}` has no `{field}`"),
                        suggest(field, PARAM_FIELDS),
                    )
                });
            }
            Some((
                format!("`{name}` is not an input or output of this component"),
                suggest(name, &names),
            ))
        }
        "globals" => {
            let key = second?;
            if GLOBALS.contains(&key) || (scope.is_service && SERVICE_GLOBALS.contains(&key)) {
                return None;
            }
            if SERVICE_GLOBALS.contains(&key) {
                return Some((
                    format!("`globals.{key}` is only defined for services"),
                    "use it in a `run.kind: service`".to_owned(),
                ));
            }
            let all: Vec<&str> = GLOBALS.iter().chain(SERVICE_GLOBALS).copied().collect();
            Some((format!("`globals` has no `{key}`"), suggest(key, &all)))
        }
        "connections" | "init" if in_run => None,
        "connections" | "init" => Some((
            format!("`{first}` is only defined inside `run`"),
            "move the template into `run`, or use a param".to_owned(),
        )),
        "inputs" | "outputs" | "dag" | "ops" => Some((
            format!("`{first}` is not a template name; Polyaxon renders it as an empty string"),
            format!(
                "read another run's values through a param: `params: {{name: {{ref: ..., value: {first}.<name>}}}}`, then `{{{{ name }}}}`"
            ),
        )),
        _ => {
            let mut candidates = names.clone();
            candidates.extend(["params", "globals"]);
            if in_run {
                candidates.extend(["connections", "init"]);
            }
            Some((
                format!("`{first}` is not defined"),
                suggest(first, &candidates),
            ))
        }
    }
}

fn list(names: &[&str]) -> String {
    names
        .iter()
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use crate::check::check_bytes;

    fn findings(text: &str) -> Vec<(String, String)> {
        let checked = check_bytes("t.yaml", text.as_bytes().to_vec(), &Default::default());
        checked
            .diagnostics
            .iter()
            .filter(|d| d.rule.family == crate::rules::Family::Template)
            .map(|d| {
                let span = d.span.unwrap();
                (
                    d.rule.code.to_owned(),
                    checked.source.text[span.start..span.end].to_owned(),
                )
            })
            .collect()
    }

    const HEAD: &str = "version: 1.1\nkind: component\ninputs:\n  - {name: lr, type: float}\n  - {name: tag, type: str, value: x}\nrun:\n  kind: job\n  container:\n    image: busybox:1.36\n";

    #[test]
    fn declared_names_params_and_globals_pass() {
        let file = format!(
            "{HEAD}    args: [\"--lr={{{{ lr }}}}\", \"{{{{ params.lr.as_arg }}}}\", \"{{{{ globals.run_outputs_path }}}}\", \"{{{{ params.as_args }}}}\", \"{{% for t in [tag] %}}{{{{ t }}}}{{% endfor %}}\"]\n"
        );
        assert_eq!(findings(&file), []);
    }

    #[test]
    fn unknown_names_are_found_at_the_name() {
        let file = format!(
            "{HEAD}    args: [\"--lr={{{{ params.lrr.value }}}}\", \"{{{{ globals.uiid }}}}\", \"{{{{ globals.base_url }}}}\", \"{{{{ dag.inputs.x }}}}\", \"{{{{ lr }}\"]\n"
        );
        let found = findings(&file);
        assert_eq!(
            found,
            [
                ("TPL002".to_owned(), "params.lrr.value".to_owned()),
                ("TPL002".to_owned(), "globals.uiid".to_owned()),
                ("TPL002".to_owned(), "globals.base_url".to_owned()),
                ("TPL002".to_owned(), "dag.inputs.x".to_owned()),
                ("TPL001".to_owned(), "\"{{ lr }\"".to_owned()),
            ]
        );
    }
}
