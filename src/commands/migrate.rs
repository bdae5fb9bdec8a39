//! `plx migrate`: Polyaxon 0.x Polyaxonfiles to 1.1, on stdout (one document each, `---`
//! between them), into `-o OUT`, or over each file (`--in-place`). Findings go to stderr
//! while the translations go to stdout, else to stdout; they are written in one piece at the
//! end, and stdout gets no translation unless every file was translated.

use std::io::Write;
use std::path::{Path, PathBuf};

use super::{
    Stop, Streams, colored, display, invalid_argument, output_file, reporter, write_stdout,
};
use crate::cli::{Format, MigrateArgs};
use crate::diagnostic::Diagnostic;
use crate::document::{SourceFile, load, read};
use crate::migrate;
use crate::report::Report;
use crate::rules;
use crate::yaml::Limits;

/// One input file: what it was read as, its findings, and its translation (as YAML) if it
/// has one.
struct Migrated {
    source: SourceFile,
    diagnostics: Vec<Diagnostic>,
    yaml: Option<String>,
}

pub fn run(args: &MigrateArgs, streams: &mut Streams<'_>) -> Result<u8, Stop> {
    check_arguments(args)?;
    let mut report_file = output_file(&args.report)?;
    let mut files: Vec<Migrated> = args.files.iter().map(|path| migrate_file(path)).collect();
    let translated = files.iter().all(|f| f.yaml.is_some());
    let mut stdout_yaml = String::new();
    for (file, path) in files.iter_mut().zip(&args.files) {
        let Some(yaml) = &file.yaml else { continue };
        match destination(args, path) {
            Some(target) => {
                if let Err(error) = std::fs::write(&target, yaml) {
                    file.diagnostics.push(Diagnostic::new(
                        &rules::IO_UNREADABLE_FILE,
                        format!("cannot write {}: {error}", target.display()),
                    ));
                }
            }
            None if translated => {
                if !stdout_yaml.is_empty() {
                    stdout_yaml.push_str("---\n");
                }
                stdout_yaml.push_str(yaml);
            }
            None => {}
        }
    }
    let to_stdout = args.output.is_none() && !args.in_place;
    let code = write_findings(args, &files, to_stdout, report_file.as_mut(), streams)?;
    write_stdout(streams.stdout, stdout_yaml.as_bytes())?;
    Ok(code)
}

/// `-o` names one output for one input; `--in-place` needs files to write over.
fn check_arguments(args: &MigrateArgs) -> Result<(), Stop> {
    if args.output.is_some() && args.files.len() > 1 {
        return Err(invalid_argument(
            "-o writes one file, but several files were given",
            "give one file with -o, or use --in-place to rewrite each file, or neither to print them all",
        ));
    }
    if args.in_place && args.files.iter().any(|p| p.as_os_str() == "-") {
        return Err(invalid_argument(
            "--in-place cannot rewrite standard input",
            "name the file, or leave out --in-place to print the translation",
        ));
    }
    Ok(())
}

/// Where a translation is written: over the file, to `-o`, or (`None`) to stdout.
fn destination(args: &MigrateArgs, path: &Path) -> Option<PathBuf> {
    if args.in_place {
        Some(path.to_owned())
    } else {
        args.output.clone()
    }
}

/// Reads (through the one bounded reader), parses and translates one file.
fn migrate_file(path: &Path) -> Migrated {
    let bytes = match read::read(path) {
        Ok(bytes) => bytes,
        Err(error) => {
            let (source, diagnostic) = super::inputs::unread(path, &error);
            return Migrated {
                source,
                diagnostics: vec![diagnostic],
                yaml: None,
            };
        }
    };
    let (source, tree, mut diagnostics) = load::load(&display(path), bytes, Limits::default());
    let mut yaml = None;
    if let Some(tree) = tree.filter(|_| !diagnostics.iter().any(Diagnostic::is_error)) {
        let migrated = migrate::migrate(&tree);
        diagnostics.extend(migrated.diagnostics);
        yaml = migrated.document.and_then(|document| {
            crate::yaml::emit::to_stream(&[document])
                .map_err(|error| {
                    diagnostics.push(Diagnostic::new(
                        &rules::MIG_NOT_MIGRATABLE,
                        format!("the translation could not be written as YAML: {error}"),
                    ));
                })
                .ok()
        });
    }
    Migrated {
        source,
        diagnostics,
        yaml,
    }
}

/// The findings report: to `--output-file`, else to stderr while stdout carries the
/// translations, else to stdout. A text report without findings is not written.
fn write_findings(
    args: &MigrateArgs,
    files: &[Migrated],
    to_stdout: bool,
    report_file: Option<&mut std::fs::File>,
    streams: &mut Streams<'_>,
) -> Result<u8, Stop> {
    if args.report.format == Format::Text && files.iter().all(|f| f.diagnostics.is_empty()) {
        return Ok(crate::report::EXIT_CLEAN);
    }
    let (out, terminal): (&mut dyn Write, bool) = match report_file {
        Some(file) => (file, false),
        None if to_stdout => (&mut *streams.stderr, streams.color),
        None => (&mut *streams.stdout, streams.stdout_terminal),
    };
    let color = colored(args.report.color, terminal);
    let mut report = Report::new(reporter(&args.report, &mut *out, color));
    for file in files {
        report.file(&file.source, file.diagnostics.clone(), args.strict);
    }
    let (text, code) = report.finish();
    write_stdout(out, text.as_bytes())?;
    Ok(code)
}
