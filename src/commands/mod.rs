//! The commands behind the CLI. Each returns its exit code, or the problems that kept it from
//! running ([`Stop`]); [`run`] reports those once, in the command's own format, so `--format
//! json|sarif` prints exactly one document whatever goes wrong.

mod check;
mod discover;
mod info;
mod inputs;
mod inspect;
mod policy;
mod rbac;
mod render;

use std::ffi::OsString;
use std::io::Write;
use std::path::Path;

use crate::cli::{Cli, Command, Format, RbacCommand};
use crate::diagnostic::Diagnostic;
use crate::document::SourceFile;
use crate::report::{EXIT_CLEAN, EXIT_USAGE, Github, Json, Report, Reporter, SarifReport, Text};
use crate::rules;

/// Where a command writes.
pub struct Streams<'a> {
    pub stdout: &'a mut dyn Write,
    pub stderr: &'a mut dyn Write,
    /// Whether text output may be coloured (stderr is a terminal and `NO_COLOR` is unset).
    pub color: bool,
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
    Stopped { stop: Stop, format: Format },
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
    let format = report_format(&cli.command);
    let outcome = match cli.command {
        Command::Check(args) => check::run(&args, streams),
        Command::Render(args) => render::run(&args, streams),
        Command::Explain(args) => info::explain(&args, streams),
        Command::Rules(args) => info::rules(&args, streams),
        Command::Rbac(RbacCommand::Check(args)) => rbac::check(&args, streams),
        Command::Rbac(RbacCommand::Render(args)) => rbac::render(&args, streams),
        Command::Completions(args) => info::completions(&args, streams),
        Command::Man => info::man(streams),
        Command::Schema(args) => info::schema(&args, streams),
    };
    outcome.map_err(|stop| Failure::Stopped { stop, format })
}

/// Prints what stopped a command line, in its format; the exit code it calls for.
pub fn report(failure: Failure, streams: &mut Streams<'_>) -> u8 {
    match failure {
        Failure::Stopped { stop, format } => report_stop(format, stop, streams),
        Failure::Arguments { error, format } => report_arguments(&error, format, streams),
    }
}

/// The format a command reports its findings in (render's are text on stderr: its stdout is
/// for manifests).
fn report_format(command: &Command) -> Format {
    match command {
        Command::Check(args) => args.format,
        Command::Rbac(RbacCommand::Check(args)) => args.format,
        _ => Format::Text,
    }
}

/// The reporter for a format: text on stderr as it comes, the others on stdout at the end.
fn reporter<'w>(format: Format, stderr: &'w mut dyn Write, color: bool) -> Box<dyn Reporter + 'w> {
    match format {
        Format::Text => Box::new(Text::new(color, Box::new(stderr))),
        Format::Json => Box::new(Json::default()),
        Format::Sarif => Box::new(SarifReport::default()),
        Format::Github => Box::new(Github::default()),
    }
}

/// Reports the problems that stopped a command; the exit code they call for.
fn report_stop(format: Format, stop: Stop, streams: &mut Streams<'_>) -> u8 {
    let mut report = Report::new(reporter(format, streams.stderr, streams.color));
    for (source, diagnostics) in stop.files {
        report.file(&source, diagnostics, false);
    }
    let (stdout, code) = report.finish();
    // Nothing more to report if stdout is gone: the exit code already says it failed.
    let _ = write_stdout(streams.stdout, stdout.as_bytes());
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
    report_stop(format, stop, streams).max(EXIT_USAGE)
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
        Some("sarif") => Format::Sarif,
        Some("github") => Format::Github,
        _ => Format::Text,
    }
}

/// Bytes to stdout; a closed pipe (`plx man | head`) is not an error.
fn write_stdout(stdout: &mut dyn Write, bytes: &[u8]) -> Result<(), Stop> {
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
