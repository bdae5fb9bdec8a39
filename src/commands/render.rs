//! `plx render`: a checked Polyaxonfile to manifests on stdout, written in one piece at the
//! very end, so that on any error stdout stays empty.

use super::discover::{self, Content};
use super::display;
use super::inputs::{self, ProfileName};
use super::inspect::{Inspected, inspect};
use super::policy::Policies;
use super::{Stop, Streams, invalid_argument, reporter, write_stdout};
use crate::check::{self, Checked, Composition};
use crate::cli::{Output, RenderArgs, ReportFlags};
use crate::diagnostic::Diagnostic;
use crate::document::SourceFile;
use crate::model::V1Polyaxonfile;
use crate::render::{self, RenderOptions};
use crate::report::{EXIT_FINDINGS, Report, exit_code};
use crate::yaml::Node;

pub fn run(args: &RenderArgs, streams: &mut Streams<'_>) -> Result<u8, Stop> {
    check_names(args)?;
    let (values, params) = inputs::run_flags(&args.run)?;
    let presets = inputs::presets(&args.presets)?;
    let bytes = inputs::read_named(&args.file)?;
    refuse_other_files(&args.file, &bytes)?;
    let policies = Policies::new(&args.rules, args.strict)?;
    let policy = policies.for_file(&args.file).map_err(Stop::from)?;
    let context = check::Context {
        values: values.as_ref(),
        params: &params,
        rendering: true,
        hub_dir: args.run.hub_dir.as_deref(),
        presets: &presets,
    };
    let checked = match inspect(&display(&args.file), bytes, &context) {
        Inspected::Polyaxonfile(checked) => *checked,
        Inspected::AgentValues(_) => {
            return Err(not_a_polyaxonfile(&args.file, Content::AgentValues));
        }
    };
    // Suppressions apply once, to everything the file gets, so an unused one is truly unused.
    let judged = |source: &SourceFile, diagnostics: Vec<Diagnostic>| {
        crate::suppress::apply(source, diagnostics, &policy.selection, policy.inline)
    };
    let mut findings: Vec<(&SourceFile, Vec<Diagnostic>)> = Vec::new();
    if let Some(component) = checked.referenced.as_deref() {
        findings.push((
            &component.source,
            judged(&component.source, component.diagnostics.clone()),
        ));
    }
    let written = judged(&checked.source, checked.diagnostics.clone());
    if exit_code(&written, policy.fail_on_warnings) != 0 {
        findings.push((&checked.source, written));
        return Ok(report(findings, policy.fail_on_warnings, streams));
    }
    let rbac = if args.rbac.no_rbac {
        None
    } else {
        let name = ProfileName::chosen(args.rbac.profile.as_deref(), Some(&policy.config));
        Some(inputs::profile(name, &args.rbac.with)?)
    };
    let options = options(args, values.clone(), &policy.config);
    let mut diagnostics = checked.diagnostics.clone();
    let outcome = rendered(&checked, &options, context.values)
        .and_then(|rendered| with_rbac(rendered, rbac.as_ref(), args));
    match &outcome {
        Ok(rendered) => diagnostics.extend(rendered.warnings.iter().cloned()),
        Err(refusals) => diagnostics.extend(refusals.iter().cloned()),
    }
    findings.push((&checked.source, judged(&checked.source, diagnostics)));
    let code = report(findings, policy.fail_on_warnings, streams);
    match outcome {
        Ok(rendered) if code == 0 => write_objects(&rendered.objects, args.output, streams),
        _ => Ok(code.max(EXIT_FINDINGS)),
    }
}

/// `--name` and `--namespace` are used as they are written: they must be valid already.
fn check_names(args: &RenderArgs) -> Result<(), Stop> {
    if let Some(name) = &args.name {
        crate::k8s::names::validate_name(name).map_err(|error| {
            invalid_argument(
                format!("invalid --name: {error}"),
                "a name is a DNS-1123 label: lowercase letters, digits and `-`",
            )
        })?;
    }
    if let Some(namespace) = &args.namespace {
        inputs::namespace("--namespace", namespace)?;
    }
    Ok(())
}

/// What the command line and `plx.toml` ask of the rendered objects.
fn options(
    args: &RenderArgs,
    values: Option<crate::model::agent::AgentValues>,
    config: &crate::config::Config,
) -> RenderOptions {
    RenderOptions {
        namespace: args.namespace.clone(),
        name: args.name.clone(),
        agent: values.map(|values| render::AgentOptions {
            values,
            release: args.release.clone(),
        }),
        identity: render::Identity {
            uuid: args.uuid.clone(),
            owner: args.owner.clone(),
            project: args.project.clone(),
        },
        default_service_accounts: config.service_accounts.clone(),
    }
}

/// The checked file rendered as it runs; its resolved form is judged again by `check`'s rules,
/// and only what the written file did not already show is reported.
fn rendered(
    checked: &Checked,
    options: &RenderOptions,
    values: Option<&crate::model::agent::AgentValues>,
) -> Result<render::Rendered, Vec<Diagnostic>> {
    let (Some(written), Some(written_tree)) = (&checked.polyaxonfile, &checked.tree) else {
        return Err(Vec::new());
    };
    let (file, tree, composed) = match &checked.composition {
        Composition::AsWritten => (written, written_tree, false),
        Composition::Composed(composed) => (&composed.file, &composed.tree, true),
        Composition::Failed(found) => return Err(found.clone()),
    };
    let judge = |file: &V1Polyaxonfile, tree: &Node| {
        check::judge(file, tree, values)
            .into_iter()
            // A referenced component's own findings are reported with that file.
            .filter(|d| !d.span.is_some_and(|s| s.is_elsewhere()))
            // What the file as written already showed is reported once.
            .filter(|d| {
                !checked.diagnostics.iter().any(|seen| {
                    seen.rule == d.rule && seen.span == d.span && seen.message == d.message
                })
            })
            .collect()
    };
    let input = render::Input {
        file,
        tree,
        composed,
        bound: checked.bound.as_ref(),
        path: &checked.source.path,
    };
    render::render(&input, options, &judge)
}

/// The RBAC of the account a run names (`--profile`, unless `--no-rbac`), before the
/// workload: the ServiceAccount, its Roles and bindings.
fn with_rbac(
    mut rendered: render::Rendered,
    profile: Option<&crate::rbac::profile::Profile>,
    args: &RenderArgs,
) -> Result<render::Rendered, Vec<Diagnostic>> {
    let (Some(profile), Some(account)) = (profile, &rendered.account) else {
        return Ok(rendered);
    };
    let request = crate::rbac::render::Request {
        profile,
        with: &args.rbac.with,
        account: &account.name,
        namespace: rendered.namespace.as_deref(),
        service_account: !args.rbac.no_service_account,
        labels: std::collections::BTreeMap::from([
            (
                "app.kubernetes.io/instance".to_owned(),
                rendered.name.clone(),
            ),
            ("app.kubernetes.io/managed-by".to_owned(), "plx".to_owned()),
        ]),
    };
    match crate::rbac::render::objects(&request) {
        Ok(mut objects) => {
            objects.append(&mut rendered.objects);
            rendered.objects = objects;
            Ok(rendered)
        }
        Err(crate::rbac::render::RenderError::NamespaceNeeded { part }) => Err(vec![
            Diagnostic::new(
                &crate::rules::RND_NOT_YET_RENDERED,
                format!("the `{}` profile's `{part}` part is granted cluster-wide, and a ClusterRoleBinding must name the account's namespace", profile.name),
            )
            .at(account.span)
            .help("pass `--namespace`, or `--no-rbac` to write the workload only"),
        ]),
    }
}

/// `plx render` of the agent's values or RBAC manifests: what the file is and what to run.
fn refuse_other_files(path: &std::path::Path, bytes: &[u8]) -> Result<(), Stop> {
    match discover::content(bytes).content {
        Content::Rbac => Err(not_a_polyaxonfile(path, Content::Rbac)),
        _ => Ok(()),
    }
}

fn not_a_polyaxonfile(path: &std::path::Path, what: Content) -> Stop {
    let (is, help) = match what {
        Content::Rbac => (
            "RBAC manifests",
            format!(
                "check them with `plx rbac check --service-account NS:NAME {}`",
                display(path)
            ),
        ),
        _ => (
            "the Polyaxon agent's Helm values",
            format!(
                "pass it with `--values {}` to render a Polyaxonfile with the agent's settings",
                display(path)
            ),
        ),
    };
    Stop::file(
        SourceFile::new(display(path), String::new()),
        vec![
            Diagnostic::new(
                &crate::rules::CLI_INVALID_ARGUMENT,
                format!("{} holds {is}, not a Polyaxonfile", display(path)),
            )
            .help(help),
        ],
    )
}

/// The findings on stderr, when there are any; the exit code they call for.
fn report(
    findings: Vec<(&SourceFile, Vec<Diagnostic>)>,
    fail_on_warnings: bool,
    streams: &mut Streams<'_>,
) -> u8 {
    if findings.iter().all(|(_, d)| d.is_empty()) {
        return 0;
    }
    let mut report = Report::new(reporter(
        &ReportFlags::text(),
        streams.stderr,
        streams.color,
    ));
    for (source, diagnostics) in findings {
        if !diagnostics.is_empty() {
            report.file(source, diagnostics, fail_on_warnings);
        }
    }
    report.finish().1
}

/// Writes manifests to stdout, in one write at the very end: on any error before it, stdout
/// stays empty.
pub fn write_objects(
    objects: &[serde_json::Value],
    output: Output,
    streams: &mut Streams<'_>,
) -> Result<u8, Stop> {
    let text = match output {
        Output::Yaml => render::to_yaml(objects).map_err(|error| {
            Stop::from(Diagnostic::new(
                &crate::rules::RND_NOT_YET_RENDERED,
                format!("could not write YAML: {error}"),
            ))
        })?,
        Output::Json => render::to_json(objects),
    };
    write_stdout(streams.stdout, text.as_bytes())?;
    Ok(0)
}
