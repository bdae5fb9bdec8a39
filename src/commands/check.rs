//! `plx check`: files and folders, in parallel, each judged by its own policy; with `--rbac`,
//! the service accounts the runs name against a profile.

use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};

use super::discover::{self, Content, Target};
use super::display;
use super::inputs::{self, ProfileName};
use super::inspect::{Inspected, inspect};
use super::policy::{Policies, Policy};
use super::{Stop, Streams, invalid_argument, write_report};
use crate::check;
use crate::cli::{CheckArgs, Format};
use crate::diagnostic::{Applicability, Diagnostic};
use crate::document::{SourceFile, read};
use crate::rbac::{self, effective::Account};
use crate::report::{Json, Report};

/// What `plx check` keeps of a checked file until it is reported: the text only when there
/// is something to show in it, so checking a large tree stays small in memory.
struct Reported {
    source: SourceFile,
    diagnostics: Vec<Diagnostic>,
    /// The service accounts its runs name, for `--rbac`.
    service_accounts: Vec<(Option<String>, String)>,
    fail_on_warnings: bool,
    /// The command-line path it was found under.
    named: usize,
}

impl Reported {
    fn new(
        mut source: SourceFile,
        diagnostics: Vec<Diagnostic>,
        service_accounts: Vec<(Option<String>, String)>,
        policy: &Policy,
    ) -> Self {
        let diagnostics =
            crate::suppress::apply(&source, diagnostics, &policy.selection, policy.inline);
        if diagnostics.is_empty() {
            source = source.without_text();
        }
        Self {
            fail_on_warnings: policy.fail_on_warnings,
            source,
            diagnostics,
            service_accounts,
            named: 0,
        }
    }

    /// A file that could not be read: its problem, judged by no policy.
    fn unread(source: SourceFile, diagnostic: Diagnostic) -> Self {
        Self {
            source,
            diagnostics: vec![diagnostic],
            service_accounts: Vec::new(),
            fail_on_warnings: false,
            named: 0,
        }
    }
}

pub fn run(args: &CheckArgs, streams: &mut Streams<'_>) -> Result<u8, Stop> {
    let policies = Policies::new(&args.rules, args.strict)?;
    if let Some(namespace) = &args.namespace {
        inputs::namespace("--namespace", namespace)?;
    }
    let (values, params) = inputs::run_flags(&args.run)?;
    let (targets, problems) = discover::targets(&args.paths, args.by_content);
    let context = check::Context {
        values: values.as_ref(),
        params: &params,
        rendering: false,
        hub_dir: args.run.hub_dir.as_deref(),
        presets: &[],
    };
    if args.fix || args.diff {
        let fixed = fix_all(args, &targets, &context, &policies, streams)?;
        if args.diff {
            return Ok(u8::from(fixed > 0));
        }
    }
    let results = check_all(&targets, &context, &policies);
    let mut problems = problems;
    for (named, path) in args.paths.iter().enumerate() {
        if path.is_dir() && !results.iter().any(|r| r.named == named) {
            problems.push(discover::nothing_to_check(path));
        }
    }
    // An RBAC audit that cannot run is reported beside the files' findings.
    let (rbac, refused) = match rbac_for_check(args, &results, &policies) {
        Ok(rbac) => (rbac, Stop::default()),
        Err(stop) => (None, stop),
    };
    let json = rbac.as_ref().map(|rbac| {
        Json::with_rbac(serde_json::to_value(&rbac.summaries).expect("the summaries serialize"))
    });
    let text_table = match (args.report.format, &rbac) {
        (Format::Text, Some(rbac)) => Some(rbac.summaries.iter().map(super::rbac::table).collect()),
        _ => None,
    };
    let fill = |report: &mut Report<'_>| {
        for (path, problem) in problems {
            report.file(&SourceFile::unread(path), vec![problem], args.strict);
        }
        for result in results {
            report.file(&result.source, result.diagnostics, result.fail_on_warnings);
        }
        if let Some(rbac) = &rbac {
            for (file, diagnostics) in rbac.manifests.iter().zip(&rbac.per_file) {
                report.file(&file.source, diagnostics.clone(), args.strict);
            }
        }
        for (source, diagnostics) in refused.files {
            report.file(&source, diagnostics, args.strict);
        }
    };
    let code = write_report(&args.report, streams, json, fill, |text| {
        text_table.unwrap_or(text)
    })?;
    Ok(if refused.usage {
        crate::report::EXIT_USAGE
    } else {
        code
    })
}

/// The RBAC manifests, their findings and a summary per account, for `check --rbac`: the
/// accounts are those the checked runs name, in `--namespace` or each file's namespace.
struct RbacForCheck {
    manifests: Vec<rbac::manifests::ManifestFile>,
    per_file: Vec<Vec<Diagnostic>>,
    summaries: Vec<rbac::audit::Summary>,
}

fn rbac_for_check(
    args: &CheckArgs,
    results: &[Reported],
    policies: &Policies<'_>,
) -> Result<Option<RbacForCheck>, Stop> {
    if args.rbac.is_empty() {
        return Ok(None);
    }
    // One profile for every account: the flag, else the project's (`plx.toml` here).
    let config = policies.config_for(Path::new(".")).map_err(Stop::from)?;
    let profile = inputs::profile(
        ProfileName::chosen(args.profile.as_deref(), config.as_ref()),
        &args.with,
    )?;
    let mut accounts: Vec<Account> = Vec::new();
    for checked in results {
        for (namespace, name) in &checked.service_accounts {
            let namespace = args
                .namespace
                .clone()
                .or_else(|| namespace.clone())
                .unwrap_or_else(|| "default".to_owned());
            let account = Account {
                namespace,
                name: name.clone(),
            };
            if !accounts.contains(&account) {
                accounts.push(account);
            }
        }
    }
    if accounts.is_empty() {
        return Err(invalid_argument(
            "--rbac: no run sets `environment.serviceAccountName`",
            "use `plx rbac check --service-account NS:NAME`",
        ));
    }
    let manifests = super::rbac::read_manifests(&args.rbac)?;
    let (per_file, summaries) = super::rbac::findings(&manifests, &profile, &args.with, &accounts);
    Ok(Some(RbacForCheck {
        manifests,
        per_file,
        summaries,
    }))
}

/// `--fix` and `--diff`: every file's fixes, written in place or printed as a diff; a note of
/// what was done goes to stderr. Returns how many files have fixes.
fn fix_all(
    args: &CheckArgs,
    targets: &[Target],
    context: &check::Context<'_>,
    policies: &Policies<'_>,
    streams: &mut Streams<'_>,
) -> Result<usize, Stop> {
    // JSON, SARIF and GitHub's workflow commands are read by machines: one document of their
    // own on stdout, which a diff would break.
    if args.diff && !matches!(args.report.format, Format::Text | Format::Concise) {
        return Err(invalid_argument(
            "--diff prints a unified diff, which is not a findings report",
            "drop --format to see the diff, or use --format json alone: each finding carries its fix",
        ));
    }
    if args.fix && args.paths.iter().any(|p| p.as_os_str() == "-") {
        return Err(invalid_argument(
            "--fix cannot write standard input back",
            "name the file, or use `--diff` to see the fixes",
        ));
    }
    let allowed = if args.unsafe_fixes {
        Applicability::Unsafe
    } else {
        Applicability::Safe
    };
    let (mut files, mut applied) = (0, 0);
    for target in targets.iter().filter(|t| t.path.as_os_str() != "-") {
        // A link may lead out of the repository (a pull request can add one): its target is
        // checked, never written.
        if args.fix && target.path.symlink_metadata().is_ok_and(|m| m.is_symlink()) {
            let note = format!("not fixed: {} is a symbolic link\n", display(&target.path));
            let _ = streams.stderr.write_all(note.as_bytes());
            continue;
        }
        let Some((before, outcome)) = fix_target(target, context, policies, allowed) else {
            continue;
        };
        files += 1;
        applied += outcome.applied;
        let shown = display(&target.path);
        if args.diff {
            let diff = super::fix::diff(&shown, &before, &outcome.text);
            super::write_stdout(streams.stdout, diff.as_bytes())?;
        } else {
            std::fs::write(&target.path, &outcome.text).map_err(|error| {
                Stop::from(Diagnostic::new(
                    &crate::rules::IO_UNREADABLE_FILE,
                    format!("cannot write the fixes to {shown}: {error}"),
                ))
            })?;
        }
    }
    let verb = if args.diff { "Would fix" } else { "Fixed" };
    let note = format!("{verb} {applied} finding(s) in {files} file(s).\n");
    // The note is for people; a failing stderr does not undo the fixes.
    let _ = streams.stderr.write_all(note.as_bytes());
    Ok(files)
}

/// One file's text and its fixed text, when its fixes change it.
fn fix_target(
    target: &Target,
    context: &check::Context<'_>,
    policies: &Policies<'_>,
    allowed: Applicability,
) -> Option<(String, super::fix::Outcome)> {
    let bytes = read::read(&target.path).ok()?;
    let reading = discover::content(&bytes);
    if matches!(reading.content, Content::Rbac) || (target.found && !reading.recognised) {
        return None;
    }
    let policy = policies.for_file(&target.path).ok()?;
    let text = String::from_utf8(bytes).ok()?;
    let shown = display(&target.path);
    let findings = |text: &str| {
        let (source, found) = inspect(&shown, text.as_bytes().to_vec(), context).into_parts();
        crate::suppress::apply(&source, found, &policy.selection, policy.inline)
    };
    let outcome = super::fix::fix(&text, allowed, findings);
    (outcome.applied > 0 && outcome.text != text).then_some((text, outcome))
}

/// Checks files in parallel, keeping input order.
fn check_all(
    targets: &[Target],
    context: &check::Context<'_>,
    policies: &Policies<'_>,
) -> Vec<Reported> {
    let check_one = |target: &Target| -> Option<Reported> {
        let mut reported = check_target(target, context, policies)?;
        reported.named = target.named;
        Some(reported)
    };
    // One file needs no thread, nor the cgroup files `available_parallelism` reads.
    let workers = match targets.len() {
        0 | 1 => 1,
        files => std::thread::available_parallelism().map_or(1, |n| n.get().min(files)),
    };
    if workers <= 1 {
        return targets.iter().filter_map(check_one).collect();
    }
    // Each worker takes the next file left, so one slowed down (a busy sibling CPU, a large
    // file) does not leave the others idle at the end; the reports go back in file order.
    let next = AtomicUsize::new(0);
    let take = || {
        let mut done = Vec::new();
        loop {
            let at = next.fetch_add(1, Ordering::Relaxed);
            let Some(target) = targets.get(at) else {
                break done;
            };
            done.extend(check_one(target).map(|reported| (at, reported)));
        }
    };
    let mut done: Vec<(usize, Reported)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers).map(|_| scope.spawn(take)).collect();
        handles
            .into_iter()
            .flat_map(|h| {
                h.join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .collect()
    });
    done.sort_unstable_by_key(|(at, _)| *at);
    done.into_iter().map(|(_, reported)| reported).collect()
}

/// One file: `None` when it was found in a folder and is not something plx reads.
fn check_target(
    target: &Target,
    context: &check::Context<'_>,
    policies: &Policies<'_>,
) -> Option<Reported> {
    let path = &target.path;
    let shown = display(path);
    let bytes = match read::read(path) {
        Ok(bytes) => bytes,
        Err(error) => {
            let (source, diagnostic) = inputs::unread(path, &error);
            return Some(Reported::unread(source, diagnostic));
        }
    };
    let reading = discover::content(&bytes);
    if target.found && !reading.recognised {
        return None;
    }
    let policy = match policies.for_file(path) {
        Ok(policy) => policy,
        Err(problem) => return Some(Reported::unread(SourceFile::unread(shown), *problem)),
    };
    Some(match reading.content {
        Content::Rbac => {
            let manifest = rbac::manifests::read(&shown, bytes);
            let mut diagnostics = manifest.diagnostics.clone();
            diagnostics.extend(rbac::lint::lint(&manifest));
            Reported::new(manifest.source, diagnostics, Vec::new(), &policy)
        }
        _ => {
            let inspected = inspect(&shown, bytes, context);
            let accounts = match &inspected {
                Inspected::Polyaxonfile(checked) => checked.service_accounts(),
                Inspected::AgentValues(_) => Vec::new(),
            };
            let (source, diagnostics) = inspected.into_parts();
            Reported::new(source, diagnostics, accounts, &policy)
        }
    })
}
