//! The commands behind the CLI. Each returns the process exit code.

use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use crate::agent::values::AgentValues;
use crate::check::{self, Checked, MAX_FILE_BYTES, SourceFile};
use crate::cli::{
    CheckArgs, Cli, Command, ExplainArgs, Format, Output, RbacCheckArgs, RbacCommand,
    RbacRenderArgs, RenderArgs, RulesFormat,
};
use crate::diagnostic::{Diagnostic, Severity};
use crate::params;
use crate::rbac::{self, effective::Account, profile::Profile};
use crate::render::{self, RenderOptions};
use crate::report::{Github, Json, Reporter, SarifReport, Summary, Text};
use crate::rules;

pub const EXIT_CLEAN: u8 = 0;
pub const EXIT_FINDINGS: u8 = 1;
pub const EXIT_USAGE: u8 = 2;

pub fn run(cli: Cli) -> ExitCode {
    ExitCode::from(match cli.command {
        Command::Check(args) => check(&args),
        Command::Render(args) => render(&args),
        Command::Explain(args) => explain(&args),
        Command::Rbac(RbacCommand::Check(args)) => rbac_check(&args),
        Command::Rbac(RbacCommand::Render(args)) => rbac_render(&args),
        Command::Rules(args) => {
            print!(
                "{}",
                match args.format {
                    RulesFormat::Text => rules::catalog::text(),
                    RulesFormat::Json => rules::catalog::json(),
                    RulesFormat::Markdown => rules::catalog::markdown(),
                }
            );
            EXIT_CLEAN
        }
        Command::Completions(args) => {
            let mut command = <Cli as clap::CommandFactory>::command();
            clap_complete::generate(args.shell, &mut command, "plx", &mut std::io::stdout());
            EXIT_CLEAN
        }
        Command::Schema(args) => {
            let mut text = serde_json::to_string_pretty(&crate::schema::generate(args.target))
                .expect("a schema serializes");
            text.push('\n');
            write_stdout(text.as_bytes())
        }
        Command::Man => {
            let command = <Cli as clap::CommandFactory>::command();
            let mut page = Vec::new();
            match clap_mangen::Man::new(command).render(&mut page) {
                Ok(()) => write_stdout(&page),
                Err(error) => {
                    eprintln!("error: could not write the man page: {error}");
                    EXIT_USAGE
                }
            }
        }
    })
}

/// Bytes to stdout; a closed pipe (`plx man | head`) is not an error.
fn write_stdout(bytes: &[u8]) -> u8 {
    match std::io::stdout().write_all(bytes) {
        Ok(()) => EXIT_CLEAN,
        Err(error) if error.kind() == std::io::ErrorKind::BrokenPipe => EXIT_CLEAN,
        Err(error) => {
            eprintln!("error: could not write to stdout: {error}");
            EXIT_USAGE
        }
    }
}

/// One file's diagnostics on stderr, with the summary line, as `plx check` prints them.
fn report_to_stderr(source: &SourceFile, diagnostics: &[Diagnostic]) {
    let mut reporter = stderr_reporter();
    reporter.file(source, diagnostics);
    let mut summary = Summary::default();
    summary.add(diagnostics);
    reporter.finish(summary);
}

fn stderr_reporter() -> Text {
    let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    Text::new(color, Box::new(std::io::stderr()))
}

fn fails(diagnostics: &[Diagnostic], strict: bool) -> bool {
    diagnostics
        .iter()
        .any(|d| d.severity == Severity::Error || (strict && d.severity == Severity::Warning))
}

/// What counts for one file: the rules reported, the suppressions honoured and the
/// severity that fails the run, from `plx.toml` (the nearest above the file, or `--config`)
/// and the command line, which wins.
#[derive(Clone, Debug, Default)]
struct Policy {
    selection: crate::config::Selection,
    inline: bool,
    fail_on_warnings: bool,
    /// The `plx.toml` it came from (empty without one), for what else it sets.
    config: crate::config::Config,
}

/// Finds each file's policy, reading each `plx.toml` once.
struct Policies<'a> {
    flags: &'a crate::cli::RuleFlags,
    strict: bool,
    cache: std::sync::Mutex<std::collections::HashMap<PathBuf, Result<Policy, String>>>,
}

impl<'a> Policies<'a> {
    fn new(flags: &'a crate::cli::RuleFlags, strict: bool) -> Result<Self, u8> {
        for selector in flags.select.iter().chain(&flags.ignore) {
            if let Err(error) = crate::config::check_selector(selector) {
                eprintln!("error: {error}");
                return Err(EXIT_USAGE);
            }
        }
        Ok(Self {
            flags,
            strict,
            cache: Default::default(),
        })
    }

    fn config_for(&self, path: &Path) -> Result<Option<crate::config::Config>, String> {
        match &self.flags.config {
            Some(file) => crate::config::Config::read(file).map(Some),
            None if path == Path::new("-") => {
                crate::config::Config::find(Path::new(".")).map(|c| c.map(|(_, c)| c))
            }
            None => crate::config::Config::find(path).map(|c| c.map(|(_, c)| c)),
        }
    }

    fn for_file(&self, path: &Path) -> Result<Policy, String> {
        let folder = path.parent().map(Path::to_path_buf).unwrap_or_default();
        if let Some(known) = self
            .cache
            .lock()
            .expect("no panics while locked")
            .get(&folder)
        {
            return known.clone();
        }
        let policy = self.config_for(path).map(|config| {
            let config = config.unwrap_or_default();
            let pick = |flag: &Vec<String>, file: &Option<Vec<String>>| {
                if flag.is_empty() {
                    file.clone().unwrap_or_default()
                } else {
                    flag.clone()
                }
            };
            Policy {
                selection: crate::config::Selection {
                    select: pick(&self.flags.select, &config.select),
                    ignore: pick(&self.flags.ignore, &config.ignore),
                },
                inline: !self.flags.no_inline_ignores,
                fail_on_warnings: self.strict
                    || self.flags.fail_on.or(config.fail_on)
                        == Some(crate::config::FailOn::Warning),
                config,
            }
        });
        self.cache
            .lock()
            .expect("no panics while locked")
            .insert(folder, policy.clone());
        policy
    }
}

/// What `plx check` keeps of a checked file until it is reported: the text only when there
/// is something to show in it, so checking a large tree stays small in memory.
struct Reported {
    source: SourceFile,
    diagnostics: Vec<Diagnostic>,
    /// The service accounts its runs name, for `--rbac`.
    service_accounts: Vec<(Option<String>, String)>,
    fail_on_warnings: bool,
}

impl Reported {
    fn new(checked: Checked, policy: &Policy) -> Self {
        let service_accounts = checked.service_accounts();
        let Checked {
            source,
            diagnostics,
            ..
        } = checked;
        Self::from_parts(source, diagnostics, service_accounts, policy)
    }

    fn from_parts(
        mut source: SourceFile,
        diagnostics: Vec<Diagnostic>,
        service_accounts: Vec<(Option<String>, String)>,
        policy: &Policy,
    ) -> Self {
        let diagnostics =
            crate::suppress::apply(&source, diagnostics, &policy.selection, policy.inline);
        if diagnostics.is_empty() {
            source = SourceFile::new(source.path, String::new());
        }
        Self {
            fail_on_warnings: policy.fail_on_warnings,
            source,
            diagnostics,
            service_accounts,
        }
    }

    fn fails(&self) -> bool {
        fails(&self.diagnostics, self.fail_on_warnings)
    }
}

fn check(args: &CheckArgs) -> u8 {
    let (files, mut code) = collect(&args.paths, args.by_content);
    let values = match args.values.as_deref().map(agent_values).transpose() {
        Ok(values) => values,
        Err(code) => return code,
    };
    let params = match given_params(&args.params, args.params_file.as_deref()) {
        Ok(params) => params,
        Err(code) => return code,
    };
    let context = check::Context {
        values: values.as_ref(),
        params: &params,
        rendering: false,
        hub_dir: args.hub_dir.as_deref(),
        presets: &[],
    };
    let policies = match Policies::new(&args.rules, args.strict) {
        Ok(policies) => policies,
        Err(code) => return code,
    };
    let results = check_all(&files, &context, &policies);
    let rbac = match rbac_for_check(args, &results, &policies) {
        Ok(rbac) => rbac,
        Err(code) => return code,
    };
    let mut reporter: Box<dyn Reporter> = match (args.format, &rbac) {
        (Format::Text, _) => Box::new(stderr_reporter()),
        (Format::Json, Some((_, _, summaries))) => Box::new(Json::with_rbac(
            serde_json::to_value(summaries).expect("the summaries serialize"),
        )),
        (Format::Json, None) => Box::new(Json::default()),
        (Format::Sarif, _) => Box::new(SarifReport::default()),
        (Format::Github, _) => Box::new(Github::default()),
    };
    let mut summary = Summary::default();
    for result in &results {
        match result {
            Ok(checked) => {
                reporter.file(&checked.source, &checked.diagnostics);
                summary.add(&checked.diagnostics);
                if checked.fails() {
                    code = code.max(EXIT_FINDINGS);
                }
            }
            Err(message) => {
                eprintln!("error: {message}");
                code = EXIT_USAGE;
            }
        }
    }
    if let Some((manifests, per_file, _)) = &rbac {
        for (file, diagnostics) in manifests.iter().zip(per_file) {
            reporter.file(&file.source, diagnostics);
            summary.add(diagnostics);
            if fails(diagnostics, args.strict) {
                code = code.max(EXIT_FINDINGS);
            }
        }
    }
    let mut stdout = reporter.finish(summary);
    if let (Format::Text, Some((_, _, summaries))) = (args.format, &rbac) {
        stdout = summaries.iter().map(rbac_table).collect();
    }
    if !stdout.is_empty() {
        let _ = std::io::stdout().write_all(stdout.as_bytes());
    }
    code
}

/// The RBAC manifests, their findings and a summary per account, for `check --rbac`: the
/// accounts are those the checked runs name, in `--namespace` or each file's namespace.
type RbacForCheck = (
    Vec<rbac::manifests::ManifestFile>,
    Vec<Vec<Diagnostic>>,
    Vec<rbac::audit::Summary>,
);

fn rbac_for_check(
    args: &CheckArgs,
    results: &[Result<Reported, String>],
    policies: &Policies<'_>,
) -> Result<Option<RbacForCheck>, u8> {
    if args.rbac.is_empty() {
        return Ok(None);
    }
    // One profile for every account: the flag, else the project's (`plx.toml` here).
    let config = policies.config_for(Path::new(".")).map_err(|message| {
        eprintln!("error: {message}");
        EXIT_USAGE
    })?;
    let profile = rbac_profile(
        &chosen_profile(args.profile.as_deref(), config.as_ref()),
        &args.with,
    )?;
    let mut accounts: Vec<Account> = Vec::new();
    for checked in results.iter().flatten() {
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
        eprintln!(
            "error: --rbac: no run sets `environment.serviceAccountName`; use `plx rbac check --service-account NS:NAME`"
        );
        return Err(EXIT_USAGE);
    }
    let manifests = read_manifests(&args.rbac)?;
    let (per_file, summaries) = rbac_findings(&manifests, &profile, &args.with, &accounts);
    Ok(Some((manifests, per_file, summaries)))
}

fn render(args: &RenderArgs) -> u8 {
    if let Some(name) = &args.name
        && let Err(error) = render::validate_name(name)
    {
        eprintln!("error: invalid --name: {error}");
        return EXIT_USAGE;
    }
    let values = match args.values.as_deref().map(agent_values).transpose() {
        Ok(values) => values,
        Err(code) => return code,
    };
    let params = match given_params(&args.params, args.params_file.as_deref()) {
        Ok(params) => params,
        Err(code) => return code,
    };
    let mut presets = Vec::new();
    for path in &args.presets {
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(error) => {
                eprintln!("error: -f {}: {error}", path.display());
                return EXIT_USAGE;
            }
        };
        match crate::yaml::load(&text, crate::yaml::Limits::default()) {
            Ok(tree) if tree.entries().is_some() => presets.push(tree),
            _ => {
                eprintln!(
                    "error: -f {}: a preset is a YAML mapping (`plx check` it for details)",
                    path.display()
                );
                return EXIT_USAGE;
            }
        }
    }
    let checked = match read(&args.file) {
        Ok(bytes) => check::check_with(
            &display(&args.file),
            bytes,
            &check::Context {
                values: values.as_ref(),
                params: &params,
                rendering: true,
                hub_dir: args.hub_dir.as_deref(),
                presets: &presets,
            },
        ),
        Err(message) => {
            eprintln!("error: {message}");
            return EXIT_USAGE;
        }
    };
    let policies = match Policies::new(&args.rules, args.strict) {
        Ok(policies) => policies,
        Err(code) => return code,
    };
    let policy = match policies.for_file(&args.file) {
        Ok(policy) => policy,
        Err(message) => {
            eprintln!("error: {message}");
            return EXIT_USAGE;
        }
    };
    // Suppressions apply once, to everything the file gets, so an unused one is truly unused.
    let judged = |diagnostics: Vec<Diagnostic>| {
        crate::suppress::apply(
            &checked.source,
            diagnostics,
            &policy.selection,
            policy.inline,
        )
    };
    if let Some(component) = checked.referenced.as_deref() {
        let diagnostics = crate::suppress::apply(
            &component.source,
            component.diagnostics.clone(),
            &policy.selection,
            policy.inline,
        );
        if !diagnostics.is_empty() {
            report_to_stderr(&component.source, &diagnostics);
        }
    }
    let written = judged(checked.diagnostics.clone());
    if fails(&written, policy.fail_on_warnings) {
        report_to_stderr(&checked.source, &written);
        return EXIT_FINDINGS;
    }
    let rbac = if args.rbac.no_rbac {
        None
    } else {
        let name = chosen_profile(args.rbac.profile.as_deref(), Some(&policy.config));
        let profile = match rbac_profile(&name, &args.rbac.with) {
            Ok(profile) => profile,
            Err(code) => return code,
        };
        Some(render::RbacOptions {
            profile,
            with: args.rbac.with.clone(),
            service_account: !args.rbac.no_service_account,
        })
    };
    let options = RenderOptions {
        namespace: args.namespace.clone(),
        name: args.name.clone(),
        rbac,
        agent: values.map(|values| render::AgentOptions {
            values,
            release: args.release.clone(),
        }),
        identity: render::Identity {
            uuid: args.uuid.clone(),
            owner: args.owner.clone(),
            project: args.project.clone(),
        },
        default_service_accounts: policy.config.service_accounts.clone(),
    };
    let mut diagnostics = checked.diagnostics.clone();
    let outcome = render::render(&checked, &options);
    match &outcome {
        Ok(rendered) => diagnostics.extend(rendered.warnings.iter().cloned()),
        Err(refusals) => diagnostics.extend(refusals.iter().cloned()),
    }
    let diagnostics = judged(diagnostics);
    if !diagnostics.is_empty() {
        report_to_stderr(&checked.source, &diagnostics);
    }
    let Ok(rendered) = outcome else {
        return EXIT_FINDINGS;
    };
    if fails(&diagnostics, policy.fail_on_warnings) {
        return EXIT_FINDINGS;
    }
    write_objects(&rendered.objects, args.output)
}

/// `-P name=value` flags and a `--params-file`, the flags winning over the file.
fn given_params(
    flags: &[(String, String)],
    file: Option<&std::path::Path>,
) -> Result<Vec<params::Given>, u8> {
    let mut given = match file {
        Some(path) => {
            let text = match std::fs::read_to_string(path) {
                Ok(text) => text,
                Err(error) => {
                    eprintln!("error: --params-file {}: {error}", path.display());
                    return Err(EXIT_USAGE);
                }
            };
            match params::read_file(&text) {
                Ok(given) => given,
                Err(error) => {
                    eprintln!("error: --params-file {}: {error}", path.display());
                    return Err(EXIT_USAGE);
                }
            }
        }
        None => Vec::new(),
    };
    for (name, value) in flags {
        if flags.iter().filter(|(other, _)| other == name).count() > 1 {
            eprintln!("error: -P {name} is given more than once");
            return Err(EXIT_USAGE);
        }
        given.retain(|g| g.name != *name);
        given.push(params::Given {
            name: name.clone(),
            raw: params::Raw::Text(value.clone()),
            origin: params::Origin::Flag,
        });
    }
    Ok(given)
}

/// Writes manifests to stdout, in one write at the very end: on any error before it, stdout
/// stays empty.
fn write_objects(objects: &[serde_json::Value], output: Output) -> u8 {
    let text = match output {
        Output::Yaml => match render::to_yaml(objects) {
            Ok(text) => text,
            Err(error) => {
                eprintln!("error: could not write YAML: {error}");
                return EXIT_FINDINGS;
            }
        },
        Output::Json => render::to_json(objects),
    };
    write_stdout(text.as_bytes())
}

fn explain(args: &ExplainArgs) -> u8 {
    match &args.rule {
        None => {
            print!("{}", rules::catalog::text());
            EXIT_CLEAN
        }
        Some(code) => match rules::find(code) {
            Some(rule) => {
                print!("{}", rule.explanation);
                EXIT_CLEAN
            }
            None => {
                eprintln!("error: no rule `{code}`; `plx explain` lists them all");
                EXIT_USAGE
            }
        },
    }
}

fn rbac_check(args: &RbacCheckArgs) -> u8 {
    let account = match (&args.service_account, &args.sky_config) {
        (Some(text), _) => text
            .parse::<Account>()
            .map_err(|message| format!("invalid --service-account: {message}")),
        (None, Some(path)) => {
            read(path).and_then(|bytes| rbac::sky::account(&display(path), &bytes, &args.namespace))
        }
        (None, None) => Err("give --service-account or --sky-config".to_owned()),
    };
    let account = match account {
        Ok(account) => account,
        Err(message) => {
            eprintln!("error: {message}");
            return EXIT_USAGE;
        }
    };
    let profile = match rbac_profile(&args.profile, &args.with) {
        Ok(profile) => profile,
        Err(code) => return code,
    };
    let files = match read_manifests(&args.files) {
        Ok(files) => files,
        Err(code) => return code,
    };
    let (per_file, summaries) =
        rbac_findings(&files, &profile, &args.with, std::slice::from_ref(&account));
    let mut reporter: Box<dyn Reporter> = match (args.format, summaries.first()) {
        (Format::Text, _) => Box::new(stderr_reporter()),
        (Format::Json, Some(audit)) => Box::new(Json::with_rbac(
            serde_json::to_value(audit).expect("the summary serializes"),
        )),
        (Format::Json, None) => Box::new(Json::default()),
        (Format::Sarif, _) => Box::new(SarifReport::default()),
        (Format::Github, _) => Box::new(Github::default()),
    };
    let mut summary = Summary::default();
    let mut code = EXIT_CLEAN;
    for (file, diagnostics) in files.iter().zip(&per_file) {
        if fails(diagnostics, args.strict) {
            code = EXIT_FINDINGS;
        }
        reporter.file(&file.source, diagnostics);
        summary.add(diagnostics);
    }
    let mut stdout = reporter.finish(summary);
    if args.format == Format::Text {
        stdout = summaries.iter().map(rbac_table).collect();
    }
    let _ = std::io::stdout().write_all(stdout.as_bytes());
    code
}

fn read_manifests(paths: &[PathBuf]) -> Result<Vec<rbac::manifests::ManifestFile>, u8> {
    paths
        .iter()
        .map(|path| {
            read(path)
                .map(|bytes| rbac::manifests::read(&display(path), bytes))
                .map_err(|message| {
                    eprintln!("error: {message}");
                    EXIT_USAGE
                })
        })
        .collect()
}

/// RBAC manifests linted, and audited for each account: the findings per file, and a
/// summary per account. A file that could not be read in full would make every permission
/// it grants look missing, so the accounts are judged only when every object was read.
fn rbac_findings(
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

/// Reads `--values`: the file must be the agent's Helm values and have no errors (its
/// findings are printed, as `plx check` prints them).
fn agent_values(path: &Path) -> Result<AgentValues, u8> {
    let bytes = read(path).map_err(|message| {
        eprintln!("error: {message}");
        EXIT_USAGE
    })?;
    let checked = check::check_bytes(&display(path), bytes);
    if checked.diagnostics.iter().any(Diagnostic::is_error) {
        report_to_stderr(&checked.source, &checked.diagnostics);
        return Err(EXIT_FINDINGS);
    }
    checked.agent_values.ok_or_else(|| {
        eprintln!(
            "error: {} is not the agent's Helm values (no `deploymentChart`, `agent`, `artifactsStore`, `connections`, `gateway` or `externalServices` key)",
            display(path)
        );
        EXIT_USAGE
    })
}

/// `--with` must name optional parts of the profile.
fn check_parts(profile: &Profile, with: &[String]) -> Result<(), u8> {
    let Some(name) = with
        .iter()
        .find(|name| !profile.parts.iter().any(|p| p.optional && &p.name == *name))
    else {
        return Ok(());
    };
    let optional: Vec<&str> = profile
        .parts
        .iter()
        .filter(|p| p.optional)
        .map(|p| p.name.as_str())
        .collect();
    eprintln!(
        "error: profile `{}` has no optional part `{name}` (it has: {})",
        profile.name,
        if optional.is_empty() {
            "none".to_owned()
        } else {
            optional.join(", ")
        }
    );
    Err(EXIT_USAGE)
}

fn rbac_render(args: &RbacRenderArgs) -> u8 {
    let profile = match rbac_profile(&args.profile, &args.with) {
        Ok(profile) => profile,
        Err(code) => return code,
    };
    let values = match args.values.as_deref().map(agent_values).transpose() {
        Ok(values) => values,
        Err(code) => return code,
    };
    let account = args
        .service_account
        .clone()
        .unwrap_or_else(|| render::runs_service_account(&args.release));
    let Some(namespace) = args
        .namespace
        .clone()
        .or_else(|| values.as_ref().and_then(|v| v.namespace.clone()))
    else {
        eprintln!("error: the values set no `namespace`: pass --namespace");
        return EXIT_USAGE;
    };
    // A namespace is a DNS-1123 label, a service account name a DNS-1123 subdomain.
    for (what, errors) in [
        (
            "--namespace",
            crate::k8s::validation::dns1123_label(&namespace),
        ),
        (
            "--service-account",
            crate::k8s::validation::dns1123_subdomain(&account),
        ),
    ] {
        if !errors.is_empty() {
            eprintln!("error: invalid {what}: {}", errors.join("; "));
            return EXIT_USAGE;
        }
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
        Ok(objects) => write_objects(&objects, args.output),
        Err(rbac::render::RenderError::NamespaceNeeded { part }) => {
            eprintln!("error: the `{part}` part needs the account's namespace");
            EXIT_USAGE
        }
    }
}

/// A profile by built-in name or path, with `--with` naming optional parts of it.
/// The RBAC profile: the flag, else `profile` in plx.toml, else Polyaxon's own.
fn chosen_profile(flag: Option<&str>, config: Option<&crate::config::Config>) -> String {
    flag.map(str::to_owned)
        .or_else(|| config.and_then(|c| c.profile.clone()))
        .unwrap_or_else(|| "polyaxon".to_owned())
}

fn rbac_profile(name_or_path: &str, with: &[String]) -> Result<Profile, u8> {
    let profile = profile_by_name_or_path(name_or_path)?;
    check_parts(&profile, with)?;
    Ok(profile)
}

fn profile_by_name_or_path(name_or_path: &str) -> Result<Profile, u8> {
    if let Some(profile) = rbac::profile::built_in(name_or_path) {
        return Ok(profile);
    }
    let path = Path::new(name_or_path);
    if !path.exists() {
        let names: Vec<&str> = rbac::profile::BUILT_IN.iter().map(|(n, _)| *n).collect();
        eprintln!(
            "error: no profile `{name_or_path}`: give a built-in one ({}) or a profile file",
            names.join(", ")
        );
        return Err(EXIT_USAGE);
    }
    let bytes = read(path).map_err(|message| {
        eprintln!("error: {message}");
        EXIT_USAGE
    })?;
    let profile = rbac::profile::parse(&display(path), bytes).map_err(|error| {
        report_to_stderr(&error.source, &error.diagnostics);
        EXIT_USAGE
    })?;
    let misplaced = profile.misplaced_rules();
    if !misplaced.is_empty() {
        for problem in misplaced {
            eprintln!("error: {}: {problem}", display(path));
        }
        return Err(EXIT_USAGE);
    }
    Ok(profile)
}

/// The summary table of `plx rbac check`, on stdout.
fn rbac_table(summary: &rbac::audit::Summary) -> String {
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

/// Reads a file (or stdin for `-`), refusing to read past the size limit.
fn read(path: &Path) -> Result<Vec<u8>, String> {
    let limit = (MAX_FILE_BYTES + 1) as u64;
    let mut bytes = Vec::new();
    let result = if path.as_os_str() == "-" {
        std::io::stdin().take(limit).read_to_end(&mut bytes)
    } else {
        std::fs::File::open(path).and_then(|file| file.take(limit).read_to_end(&mut bytes))
    };
    result
        .map(|_| bytes)
        .map_err(|error| format!("cannot read {}: {error}", display(path)))
}

fn display(path: &Path) -> String {
    if path.as_os_str() == "-" {
        "<stdin>".into()
    } else {
        path.display().to_string()
    }
}

/// A file to check: named on the command line (always checked), or found in a directory
/// (checked only when its content is something plx reads).
struct Target {
    path: PathBuf,
    found: bool,
}

/// The files to check: named files as given, directories walked for YAML and JSON files,
/// skipping what `.gitignore`, `.ignore` and hidden folders leave out, as git and ripgrep do.
fn collect(paths: &[PathBuf], by_content: bool) -> (Vec<Target>, u8) {
    let mut targets = Vec::new();
    let mut code = EXIT_CLEAN;
    for path in paths {
        if path.is_dir() {
            let mut found: Vec<PathBuf> = ignore::WalkBuilder::new(path)
                .require_git(false)
                .build()
                .flatten()
                .filter(|entry| entry.file_type().is_some_and(|t| t.is_file()))
                .map(ignore::DirEntry::into_path)
                .filter(|path| {
                    matches!(
                        path.extension().and_then(|e| e.to_str()),
                        Some("yaml" | "yml" | "json")
                    )
                })
                .collect();
            found.sort();
            targets.extend(found.into_iter().map(|path| Target { path, found: true }));
        } else if path.as_os_str() == "-" || path.exists() {
            targets.push(Target {
                path: path.clone(),
                found: by_content && path.as_os_str() != "-",
            });
        } else {
            eprintln!("error: {}: no such file or directory", path.display());
            code = EXIT_USAGE;
        }
    }
    (targets, code)
}

/// What a file is, by its content: plx reads Polyaxonfiles, the agent's Helm values and RBAC
/// manifests; any other YAML in a repository is left alone.
#[derive(Debug, PartialEq)]
enum Content {
    /// A Polyaxonfile or the agent's values (`check_with` tells them apart).
    Polyaxon,
    Rbac,
    Other,
}

fn content(bytes: &[u8]) -> Content {
    // The declarations sit at the top of a file: its head is enough.
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(64 * 1024)]);
    let top_level = |key: &str| {
        head.lines().find_map(|line| {
            let line = line.trim_start_matches('{');
            let rest = match line.strip_prefix('"') {
                Some(quoted) => quoted.strip_prefix(key)?.strip_prefix('"')?,
                None => line.strip_prefix(key)?,
            };
            let value = rest.strip_prefix(':')?;
            Some(value.trim().trim_matches(['"', '\'', ',']).to_owned())
        })
    };
    let kind = top_level("kind");
    if top_level("apiVersion").is_some() {
        let rbac = matches!(
            kind.as_deref(),
            Some(
                "Role"
                    | "ClusterRole"
                    | "RoleBinding"
                    | "ClusterRoleBinding"
                    | "ServiceAccount"
                    | "List"
            )
        );
        return if rbac { Content::Rbac } else { Content::Other };
    }
    let polyaxonfile = matches!(kind.as_deref(), Some("component" | "operation"))
        || (top_level("version").is_some() && kind.is_some());
    let values = kind.is_none()
        && check::AGENT_VALUES_KEYS
            .iter()
            .any(|key| top_level(key).is_some());
    if polyaxonfile || values {
        Content::Polyaxon
    } else {
        Content::Other
    }
}

/// Checks files in parallel, keeping input order.
fn check_all(
    files: &[Target],
    context: &check::Context<'_>,
    policies: &Policies<'_>,
) -> Vec<Result<Reported, String>> {
    let check_one = |target: &Target| -> Option<Result<Reported, String>> {
        let path = &target.path;
        let bytes = match read(path) {
            Ok(bytes) => bytes,
            Err(message) => return Some(Err(message)),
        };
        let what = content(&bytes);
        if target.found && what == Content::Other {
            return None;
        }
        let policy = match policies.for_file(path) {
            Ok(policy) => policy,
            Err(message) => return Some(Err(message)),
        };
        let shown = display(path);
        Some(Ok(match what {
            Content::Rbac => {
                let manifest = rbac::manifests::read(&shown, bytes);
                let mut diagnostics = manifest.diagnostics.clone();
                diagnostics.extend(rbac::lint::lint(&manifest));
                Reported::from_parts(manifest.source, diagnostics, Vec::new(), &policy)
            }
            _ => Reported::new(check::check_with(&shown, bytes, context), &policy),
        }))
    };
    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(files.len().max(1));
    if workers <= 1 {
        return files.iter().filter_map(check_one).collect();
    }
    let chunk = files.len().div_ceil(workers);
    std::thread::scope(|scope| {
        let handles: Vec<_> = files
            .chunks(chunk)
            .map(|part| scope.spawn(move || part.iter().filter_map(check_one).collect::<Vec<_>>()))
            .collect();
        handles
            .into_iter()
            .flat_map(|h| {
                h.join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .collect()
    })
}
