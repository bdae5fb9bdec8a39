//! `plx rbac check` and `plx rbac render`.

use std::path::PathBuf;

use super::display;
use super::inputs::{self, ProfileName};
use super::{Stop, Streams, invalid_argument, write_report};
use crate::cli::{Format, RbacCheckArgs, RbacRenderArgs};
use crate::diagnostic::Diagnostic;
use crate::rbac::{self, effective::Account, profile::Profile};
use crate::report::{Json, Report};

pub fn check(args: &RbacCheckArgs, streams: &mut Streams<'_>) -> Result<u8, Stop> {
    let account = match (&args.service_account, &args.sky_config) {
        (Some(text), _) => text.parse::<Account>().map_err(|message| {
            invalid_argument(
                format!("invalid --service-account: {message}"),
                "give the account as NAMESPACE:NAME",
            )
        })?,
        (None, Some(path)) => {
            let bytes = inputs::read_named(path)?;
            rbac::sky::account(&display(path), &bytes, &args.namespace)
                .map_err(|message| invalid_argument(message, "see `plx rbac check --help`"))?
        }
        (None, None) => {
            return Err(invalid_argument(
                "give --service-account or --sky-config",
                "see `plx rbac check --help`",
            ));
        }
    };
    let profile = inputs::profile(ProfileName::Flag(&args.profile), &args.with)?;
    let files = read_manifests(&args.files)?;
    let (per_file, summaries) =
        findings(&files, &profile, &args.with, std::slice::from_ref(&account));
    let json = summaries
        .first()
        .map(|audit| Json::with_rbac(serde_json::to_value(audit).expect("the summary serializes")));
    let text_table: Option<String> =
        (args.report.format == Format::Text).then(|| summaries.iter().map(table).collect());
    let fill = |report: &mut Report<'_>| {
        for (file, diagnostics) in files.iter().zip(per_file) {
            report.file(&file.source, diagnostics, args.strict);
        }
    };
    write_report(&args.report, streams, json, fill, |text| {
        text_table.unwrap_or(text)
    })
}

/// RBAC manifest files named on the command line, read.
pub fn read_manifests(paths: &[PathBuf]) -> Result<Vec<rbac::manifests::ManifestFile>, Stop> {
    paths
        .iter()
        .map(|path| {
            inputs::read_named(path).map(|bytes| rbac::manifests::read(&display(path), bytes))
        })
        .collect()
}

/// RBAC manifests linted, and audited for each account: the findings per file, and a
/// summary per account. A file that could not be read in full would make every permission
/// it grants look missing, so the accounts are judged only when every object was read.
pub fn findings(
    files: &[rbac::manifests::ManifestFile],
    profile: &Profile,
    with: &[String],
    accounts: &[Account],
) -> (Vec<Vec<Diagnostic>>, Vec<rbac::audit::Summary>) {
    let mut per_file: Vec<Vec<Diagnostic>> = files
        .iter()
        .map(|file| {
            let mut diagnostics = file.diagnostics.clone();
            diagnostics.extend(rbac::lint::lint(file));
            diagnostics
        })
        .collect();
    let readable = files
        .iter()
        .all(|f| !f.diagnostics.iter().any(Diagnostic::is_error));
    let mut summaries = Vec::new();
    if readable {
        for account in accounts {
            let audit = rbac::audit::audit(files, profile, with, account);
            for (diagnostics, found) in per_file.iter_mut().zip(audit.diagnostics) {
                diagnostics.extend(found);
            }
            summaries.push(audit.summary);
        }
    }
    for diagnostics in &mut per_file {
        diagnostics.sort_by_key(|d| (d.span.map(|s| s.start), d.rule.code));
    }
    (per_file, summaries)
}

pub fn render(args: &RbacRenderArgs, streams: &mut Streams<'_>) -> Result<u8, Stop> {
    let profile = inputs::profile(ProfileName::Flag(&args.profile), &args.with)?;
    let values = args
        .values
        .as_deref()
        .map(inputs::agent_values)
        .transpose()?;
    let account = args
        .service_account
        .clone()
        .unwrap_or_else(|| crate::render::runs_service_account(&args.release));
    let Some(namespace) = args
        .namespace
        .clone()
        .or_else(|| values.as_ref().and_then(|v| v.namespace.clone()))
    else {
        return Err(invalid_argument(
            "the values set no `namespace`",
            "pass --namespace",
        ));
    };
    // A namespace is a DNS-1123 label, a service account name a DNS-1123 subdomain.
    inputs::namespace("--namespace", &namespace)?;
    let errors = crate::k8s::validation::dns1123_subdomain(&account);
    if !errors.is_empty() {
        return Err(invalid_argument(
            format!("invalid --service-account: {}", errors.join("; ")),
            "a service account name is a DNS-1123 subdomain",
        ));
    }
    let request = rbac::render::Request {
        profile: &profile,
        with: &args.with,
        account: &account,
        namespace: Some(&namespace),
        service_account: !args.no_service_account,
        labels: std::collections::BTreeMap::from([(
            "app.kubernetes.io/managed-by".to_owned(),
            "plx".to_owned(),
        )]),
    };
    match rbac::render::objects(&request) {
        Ok(objects) => super::render::write_objects(&objects, args.output, streams),
        Err(rbac::render::RenderError::NamespaceNeeded { part }) => Err(invalid_argument(
            format!("the `{part}` part needs the account's namespace"),
            "pass --namespace",
        )),
    }
}

/// The summary table of `plx rbac check`, on stdout.
pub fn table(summary: &rbac::audit::Summary) -> String {
    let mut out = format!(
        "profile {} for {}\n{:<24} {:<32} {:>8} {:>8} {:>8}\n",
        summary.profile, summary.account, "part", "where", "required", "granted", "missing"
    );
    for part in &summary.parts {
        let name = if part.optional {
            format!("{} (optional)", part.part)
        } else {
            part.part.clone()
        };
        out.push_str(&format!(
            "{:<24} {:<32} {:>8} {:>8} {:>8}\n",
            name, part.reach, part.required, part.granted, part.missing
        ));
    }
    out.push_str(&format!(
        "rules beyond the profile: {}; risky rules: {}\n",
        summary.excess, summary.risky
    ));
    out
}
