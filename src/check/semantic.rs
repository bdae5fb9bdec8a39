//! Rules that need the whole typed file rather than one value.

use crate::diagnostic::Diagnostic;
use crate::model::{FileKind, V1Polyaxonfile, V1Run, Version};
use crate::rules;
use crate::yaml::scalar::is_whole_template;
use crate::yaml::tree::child_pointer;
use crate::yaml::{Node, Span};

/// The `kind`s of Polyaxon 0.x files, which 1.x and 2.x refuse.
const LEGACY_KINDS: &[(&str, &str)] = &[
    (
        "experiment",
        "`kind: component` with `run: {kind: job, container: ...}`",
    ),
    (
        "job",
        "`kind: component` with `run: {kind: job, container: ...}`",
    ),
    (
        "build",
        "`kind: component` with `run: {kind: job}` (or a `build` section using a hub component)",
    ),
    (
        "notebook",
        "`kind: component` with `run: {kind: service, ports: [8888], container: ...}`",
    ),
    (
        "tensorboard",
        "`kind: component` with `run: {kind: service, ports: [6006], container: ...}`",
    ),
    (
        "group",
        "`kind: operation` with a `matrix` section and a `component`",
    ),
    (
        "pipeline",
        "`kind: component` with `run: {kind: dag, operations: [...]}`",
    ),
    (
        "operations",
        "`kind: component` with `run: {kind: dag, operations: [...]}`",
    ),
];

/// The Polyaxonfile specification versions (Polyaxon 2.18 ignores the key altogether).
const SUPPORTED_VERSIONS: &[f64] = &[1.1];

pub fn legacy_format(tree: &Node) -> Option<Diagnostic> {
    let kind = tree.get("kind")?;
    let value = kind.value.as_str()?;
    let (_, equivalent) = LEGACY_KINDS.iter().find(|(legacy, _)| *legacy == value)?;
    let mut diagnostic = Diagnostic::new(
        &rules::SCH_LEGACY_FORMAT,
        format!(
            "`kind: {value}` is the Polyaxon 0.x format, which Polyaxon 1.x and 2.x no longer read"
        ),
    )
    .at(kind.value.span)
    .help(format!(
        "`plx migrate FILE` rewrites it for Polyaxon 2.x: `version: 1.1` and {equivalent}{}",
        legacy_keys(tree)
    ));
    if let Some(version) = tree.get("version") {
        diagnostic = diagnostic.label(version.value.span, "2.x files say `version: 1.1`");
    }
    if let Some(account) = tree
        .get("environment")
        .and_then(|e| e.value.get("service_account"))
    {
        diagnostic = diagnostic.label(
            account.key_span,
            "this is `run.environment.serviceAccountName` in 2.x",
        );
    }
    Some(diagnostic)
}

/// The 0.x keys the file has, as the help names them: "; its 0.x keys `build`, `run.cmd`
/// ... move too (docs/migrate.md)".
fn legacy_keys(tree: &Node) -> String {
    const TOP: &[&str] = &[
        "build",
        "declarations",
        "params",
        "hptuning",
        "environment",
        "logging",
        "framework",
        "backend",
    ];
    let mut keys: Vec<String> = TOP
        .iter()
        .filter(|key| tree.get(key).is_some())
        .map(|key| format!("`{key}`"))
        .collect();
    if tree
        .get("run")
        .is_some_and(|run| run.value.get("cmd").is_some())
    {
        keys.push("`run.cmd`".to_owned());
    }
    if keys.is_empty() {
        return String::new();
    }
    format!(
        "; docs/migrate.md says where its 0.x keys {} go",
        keys.join(", ")
    )
}

pub fn check(file: &V1Polyaxonfile, tree: &Node) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    check_file(file, tree, "", false, &mut out);
    out
}

/// `completed`: what the file leaves out of its run comes from the operation around it.
fn check_file(
    file: &V1Polyaxonfile,
    tree: &Node,
    prefix: &str,
    completed: bool,
    out: &mut Vec<Diagnostic>,
) {
    let here = |key: &str| tree.pointer(&child_pointer(prefix, key));
    let value_span = |key: &str| here(key).map(|l| l.node.span).unwrap_or_default();
    let key_span = |key: &str| here(key).and_then(|l| l.key_span).unwrap_or_default();
    out.extend(version(file, here("version")));
    out.extend(name(file, value_span("name")));
    let file_start = tree.pointer(prefix).map(|l| {
        l.key_span
            .unwrap_or(Span::new(l.node.span.start, l.node.span.start))
    });
    out.extend(missing_run(file, file_start.unwrap_or_default()));
    out.extend(run_without_parts(file, key_span("run"), completed));
    if let Some(component) = &file.component {
        let completed = completed || crate::model::runs::completes_its_component(file);
        check_file(
            component,
            tree,
            &child_pointer(prefix, "component"),
            completed,
            out,
        );
    }
    if let Some(V1Run::Dag(dag)) = &file.run {
        for (key, files) in [
            ("operations", &dag.operations),
            ("components", &dag.components),
        ] {
            for (index, child) in files.iter().flatten().enumerate() {
                check_file(
                    child,
                    tree,
                    &format!("{prefix}/run/{key}/{index}"),
                    false,
                    out,
                );
            }
        }
    }
}

/// A `version` other than the specification's (SCH008).
fn version(
    file: &V1Polyaxonfile,
    written: Option<crate::yaml::tree::Located<'_>>,
) -> Vec<Diagnostic> {
    let mut found = Vec::new();
    let written_span = written.map(|l| l.node.span).unwrap_or_default();
    if let Some(Version(version)) = file.version
        && !SUPPORTED_VERSIONS.contains(&version)
    {
        let written = written
            .and_then(|l| l.node.as_str())
            .unwrap_or_default()
            .to_owned();
        found.push(
            Diagnostic::new(
                &rules::SCH_UNSUPPORTED_VERSION,
                format!("`version: {written}` is not a Polyaxonfile specification version; the current one is 1.1"),
            )
            .at(written_span)
            .help("write `version: 1.1`; Polyaxon 2.18 ignores `version`, but other readers and people go by it"),
        );
    }
    found
}

/// A `name` with characters Polyaxon refuses (SCH009).
fn name(file: &V1Polyaxonfile, span: Span) -> Vec<Diagnostic> {
    let mut found = Vec::new();
    if let Some(name) = &file.name
        && !is_whole_template(name)
        && (name.is_empty()
            || !name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'))
    {
        let suggestion: String = name
            .trim()
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '_' {
                    c
                } else {
                    '-'
                }
            })
            .collect();
        found.push(
            Diagnostic::new(
                &rules::SCH_INVALID_NAME,
                format!("name `{name}` may only hold letters, digits, `-` and `_`"),
            )
            .at(span)
            .help(format!(
                "Polyaxon refuses this name; write e.g. `{suggestion}`"
            )),
        );
    }
    found
}

/// Nothing to run (SCH010).
fn missing_run(file: &V1Polyaxonfile, file_start: Span) -> Vec<Diagnostic> {
    let mut found = Vec::new();
    let is_operation = file.kind == Some(FileKind::Operation);
    let references = file.hub_ref.is_some()
        || file.path_ref.is_some()
        || file.url_ref.is_some()
        || file.dag_ref.is_some()
        || file.component.is_some();
    if file.run.is_none()
        && file.shortcuts().is_empty()
        && !references
        && file.is_preset != Some(true)
        && file.kind.is_some()
    {
        let what = if is_operation {
            "an operation needs a `component`, a `hubRef`, a `pathRef` or a `urlRef` to run"
        } else {
            "a component needs a `run` section"
        };
        found.push(
            Diagnostic::new(&rules::SCH_MISSING_RUN, format!("nothing to run: {what}"))
                .at(file_start)
                .help(if is_operation {
                    "add `component: {run: ...}` inline, or `pathRef: ./component.yaml`"
                } else {
                    "add `run: {kind: job, container: {image: ..., command: [...]}}`"
                }),
        );
    }
    found
}

/// A dag without operations (SCH003), a job or service without a main container (SCH007).
fn run_without_parts(file: &V1Polyaxonfile, run_key: Span, completed: bool) -> Vec<Diagnostic> {
    let mut found = Vec::new();
    if let Some(V1Run::Dag(dag)) = &file.run
        && dag.operations.as_ref().is_none_or(Vec::is_empty)
    {
        found.push(
            Diagnostic::new(&rules::SCH_MISSING_KEY, "a dag needs at least one operation in `operations`")
                .at(run_key)
                .help("add `operations: [{name: ..., hubRef: ...}]`, or use `run.kind: job` for a single step"),
        );
    }

    if let Some(run) = &file.run {
        let container = match run {
            V1Run::Job(job) => Some(job.container.is_some()),
            V1Run::Service(service) => Some(service.container.is_some()),
            _ => None,
        };
        // A top-level `container` shortcut fills the run's container in Polyaxon 2.18.
        if container == Some(false) && file.container.is_none() && !completed {
            found.push(
                Diagnostic::new(
                    &rules::SCH_MISSING_CONTAINER,
                    format!("this {} has no main `container`", run.kind()),
                )
                .at(run_key)
                .help("add `container: {name: main, image: ..., command: [...]}` under `run`; Polyaxon's check passes this file but its converter fails on it"),
            );
        }
    }
    found
}
