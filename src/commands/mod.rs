//! The commands behind the CLI. Each returns its exit code, or the problems that kept it from
//! running ([`Stop`]); [`run`] reports those once, in the command's own format, so `--format
//! json|sarif` prints exactly one document whatever goes wrong.

mod check;
mod discover;
mod fix;
mod info;
mod inputs;
mod inspect;
mod migrate;
mod policy;
mod rbac;
mod render;

use std::ffi::OsString;
use std::io::Write;
use std::path::Path;

use crate::cli::{Cli, ColorChoice, Command, Format, RbacCommand, ReportFlags};
use crate::diagnostic::Diagnostic;
use crate::document::SourceFile;
use crate::report::{
    Concise, EXIT_CLEAN, EXIT_USAGE, Github, Json, Report, Reporter, SarifReport, Text,
};
use crate::rules;

/// Where a command writes.
pub struct Streams<'a> {
    pub stdout: &'a mut dyn Write,
    pub stderr: &'a mut dyn Write,
    /// Whether text on stderr may be coloured ([`colored`] for stderr).
    pub color: bool,
    /// Whether stdout is a terminal (a report there is coloured with `--color auto`).
    pub stdout_terminal: bool,
}

/// Whether to colour text: `--color`, else the environment's say (`NO_COLOR` turns colour
/// off, `FORCE_COLOR` or `CLICOLOR_FORCE` on, as CI logs want), else whether it goes to a
/// terminal.
pub fn colored(choice: ColorChoice, terminal: bool) -> bool {
    let set = |name: &str| std::env::var_os(name).is_some_and(|v| !v.is_empty());
    let forced = |name: &str| std::env::var_os(name).is_some_and(|v| !v.is_empty() && v != "0");
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto if set("NO_COLOR") => false,
        ColorChoice::Auto => forced("FORCE_COLOR") || forced("CLICOLOR_FORCE") || terminal,
    }
}

/// What kept a command from doing what it was asked: each problem with the file it is about
/// (an unnamed [`SourceFile`] for a bad argument), to be reported in the command's format.
#[derive(Debug, Default)]
pub struct Stop {
    pub files: Vec<(SourceFile, Vec<Diagnostic>)>,
    /// The findings are those of a file given as an argument (a profile), so the command
    /// could not run as asked whatever they are: exit 2.
    pub usage: bool,
}

impl Stop {
    /// A file's findings that keep the command from going on (the agent's values with
    /// errors, say): the exit code is theirs.
    pub fn file(source: SourceFile, diagnostics: Vec<Diagnostic>) -> Self {
        Stop {
            files: vec![(source, diagnostics)],
            usage: false,
        }
    }

    /// The findings of a file that was to configure the command (an RBAC profile): exit 2.
    pub fn argument(source: SourceFile, diagnostics: Vec<Diagnostic>) -> Self {
        Stop {
            files: vec![(source, diagnostics)],
            usage: true,
        }
    }
}

impl From<Diagnostic> for Stop {
    /// A problem about no file in particular (its message names what it is about).
    fn from(diagnostic: Diagnostic) -> Self {
        Stop::file(SourceFile::unread(""), vec![diagnostic])
    }
}

impl From<Box<Diagnostic>> for Stop {
    fn from(diagnostic: Box<Diagnostic>) -> Self {
        Stop::from(*diagnostic)
    }
}

/// The name a path is shown by: `<stdin>` for `-`.
pub fn display(path: &Path) -> String {
    if path.as_os_str() == "-" {
        "<stdin>".into()
    } else {
        path.display().to_string()
    }
}

/// A bad argument: CLI001 with what to do instead.
pub fn invalid_argument(message: impl Into<String>, help: impl Into<String>) -> Stop {
    Stop::from(Diagnostic::new(&rules::CLI_INVALID_ARGUMENT, message).help(help))
}

/// What kept a command line from running, with the format to report it in: printed once,
/// by [`report`], in `main`.
pub enum Failure {
    /// The arguments did not parse (or asked for `--help` or `--version`).
    Arguments { error: clap::Error, format: Format },
    /// The command stopped.
    Stopped { stop: Stop, to: ReportFlags },
}

/// Parses the command line (its first word is the program's name).
pub fn parse(args: &[OsString]) -> Result<Cli, Failure> {
    <Cli as clap::Parser>::try_parse_from(args).map_err(|error| Failure::Arguments {
        error,
        format: requested_format(args),
    })
}

/// Runs a parsed command line: its exit code, or what stopped it.
pub fn run(cli: Cli, streams: &mut Streams<'_>) -> Result<u8, Failure> {
    let to = report_flags(&cli.command);
    let outcome = match cli.command {
        Command::Check(args) => check::run(&args, streams),
        Command::Render(args) => render::run(&args, streams),
        Command::Explain(args) => info::explain(&args, streams),
        Command::Rules(args) => info::rules(&args, streams),
        Command::Rbac(RbacCommand::Check(args)) => rbac::check(&args, streams),
        Command::Rbac(RbacCommand::Render(args)) => rbac::render(&args, streams),
        Command::Completions(args) => info::completions(&args, streams),
        Command::Migrate(args) => migrate::run(&args, streams),
        Command::Man => info::man(streams),
        Command::Schema(args) => info::schema(&args, streams),
    };
    outcome.map_err(|stop| Failure::Stopped { stop, to })
}

/// Prints what stopped a command line, in its format; the exit code it calls for.
pub fn report(failure: Failure, streams: &mut Streams<'_>) -> u8 {
    match failure {
        Failure::Stopped { stop, to } => report_stop(&to, stop, streams),
        Failure::Arguments { error, format } => report_arguments(&error, format, streams),
    }
}

/// How a command reports its findings (render's are text on stderr: its stdout is for
/// manifests).
fn report_flags(command: &Command) -> ReportFlags {
    match command {
        Command::Check(args) => args.report.clone(),
        Command::Rbac(RbacCommand::Check(args)) => args.report.clone(),
        Command::Migrate(args) => args.report.clone(),
        _ => ReportFlags::text(),
    }
}

/// The reporter for a report written to `out`, coloured or not.
fn reporter<'w>(
    flags: &ReportFlags,
    out: &'w mut dyn Write,
    color: bool,
) -> Box<dyn Reporter + 'w> {
    match flags.format {
        Format::Text => Box::new(Text::new(color, Box::new(out)).with_statistics(flags.statistics)),
        Format::Concise => Box::new(Concise::new(Box::new(out), flags.statistics)),
        Format::Json => Box::new(Json::default().with_statistics(flags.statistics)),
        Format::Sarif => Box::new(SarifReport::default()),
        Format::Github => Box::new(Github::default()),
    }
}

/// The file a findings report goes to instead of stdout (`--output-file`), created; the
/// flags are judged first, so a refused command line leaves no file behind.
fn output_file(flags: &ReportFlags) -> Result<Option<std::fs::File>, Stop> {
    if flags.statistics && matches!(flags.format, Format::Sarif | Format::Github) {
        return Err(invalid_argument(
            "--statistics goes with --format text, concise or json",
            "SARIF and GitHub annotations are one entry per finding; drop --statistics",
        ));
    }
    let Some(path) = &flags.output_file else {
        return Ok(None);
    };
    std::fs::File::create(path).map(Some).map_err(|error| {
        Stop::from(Diagnostic::new(
            &rules::IO_UNREADABLE_FILE,
            format!("cannot write the report to {}: {error}", path.display()),
        ))
    })
}

/// Writes a findings report: `fill` gives it each file's findings, and `trailer` turns what
/// the format leaves for the end into what is written (a text report's RBAC table). To
/// `--output-file`, else stdout; the exit code the findings call for.
fn write_report(
    flags: &ReportFlags,
    streams: &mut Streams<'_>,
    json: Option<Json>,
    fill: impl FnOnce(&mut Report<'_>),
    trailer: impl FnOnce(String) -> String,
) -> Result<u8, Stop> {
    let mut file = output_file(flags)?;
    let terminal = file.is_none() && streams.stdout_terminal;
    let color = colored(flags.color, terminal);
    let out: &mut dyn Write = match file.as_mut() {
        Some(file) => file,
        None => &mut *streams.stdout,
    };
    let reporter: Box<dyn Reporter + '_> = match json {
        Some(json) if flags.format == Format::Json => {
            Box::new(json.with_statistics(flags.statistics))
        }
        _ => reporter(flags, &mut *out, color),
    };
    let mut report = Report::new(reporter);
    fill(&mut report);
    let (text, code) = report.finish();
    write_stdout(out, trailer(text).as_bytes())?;
    Ok(code)
}

/// Reports the problems that stopped a command; the exit code they call for. Text goes to
/// stderr; a machine format is the run's one document, where the report was to go.
fn report_stop(to: &ReportFlags, stop: Stop, streams: &mut Streams<'_>) -> u8 {
    let human = matches!(to.format, Format::Text | Format::Concise);
    let mut file = if human {
        None
    } else {
        to.output_file
            .as_ref()
            .and_then(|path| std::fs::File::create(path).ok())
    };
    let (out, color): (&mut dyn Write, bool) = match file.as_mut() {
        Some(file) => (file, false),
        None if human => (
            &mut *streams.stderr,
            streams.color && to.color != ColorChoice::Never,
        ),
        None => (&mut *streams.stdout, false),
    };
    let mut report = Report::new(reporter(to, &mut *out, color));
    for (source, diagnostics) in stop.files {
        report.file(&source, diagnostics, false);
    }
    let (text, code) = report.finish();
    // Nothing more to report if the destination is gone: the exit code says it failed.
    let _ = write_stdout(out, text.as_bytes());
    if stop.usage { EXIT_USAGE } else { code }
}

/// clap's own errors (an unknown flag, a bad `-P`): as clap prints them, but a command asked
/// for `--format json|sarif|github` gets its one document, with the error as CLI001.
fn report_arguments(error: &clap::Error, format: Format, streams: &mut Streams<'_>) -> u8 {
    use clap::error::ErrorKind;
    if matches!(
        error.kind(),
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion
    ) {
        let _ = write!(streams.stdout, "{}", error.render());
        return EXIT_CLEAN;
    }
    if format == Format::Text {
        let rendered = if streams.color {
            error.render().ansi().to_string()
        } else {
            error.render().to_string()
        };
        let _ = write!(streams.stderr, "{rendered}");
        return EXIT_USAGE;
    }
    let message = error.render().to_string();
    let first = message.lines().next().unwrap_or("invalid arguments");
    let stop = invalid_argument(
        first.trim_start_matches("error: ").to_owned(),
        "`plx --help` and `plx <command> --help` list the arguments",
    );
    let to = ReportFlags {
        format,
        ..ReportFlags::text()
    };
    report_stop(&to, stop, streams).max(EXIT_USAGE)
}

/// The `--format` a command line asks for, read from its words (clap could not parse it).
fn requested_format(args: &[OsString]) -> Format {
    let words: Vec<&str> = args.iter().filter_map(|a| a.to_str()).collect();
    let value = words.iter().enumerate().find_map(|(i, word)| {
        word.strip_prefix("--format=").or_else(|| {
            (*word == "--format")
                .then(|| words.get(i + 1).copied())
                .flatten()
        })
    });
    match value {
        Some("json") => Format::Json,
        Some("concise") => Format::Concise,
        Some("sarif") => Format::Sarif,
        Some("github") => Format::Github,
        _ => Format::Text,
    }
}

/// Bytes to stdout; a closed pipe (`plx man | head`) is not an error.
pub(super) fn write_stdout(stdout: &mut dyn Write, bytes: &[u8]) -> Result<(), Stop> {
    match stdout.write_all(bytes).and_then(|()| stdout.flush()) {
        Err(error) if error.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(Stop::from(Diagnostic::new(
                &rules::IO_UNREADABLE_FILE,
                format!("cannot write to stdout: {error}"),
            )))
        }
        _ => Ok(()),
    }
}
