//! Output formats. Each is built from plx's own [`Diagnostic`]s, and each reporter gets the
//! same data: the file, the located diagnostics and the totals. Findings reach a format only
//! through [`Report`], which bounds them ([`bound`]), counts them and judges the exit code.

pub mod bound;
mod concise;
mod excerpt;
mod github;
mod json;
mod sarif;
mod text;

use std::collections::BTreeMap;

use crate::diagnostic::{Diagnostic, Position};
use crate::document::SourceFile;
use crate::rules::Severity;

pub use concise::Concise;
pub use github::Github;
pub use json::Json;
pub use sarif::{RULES_URL, SarifReport};
pub use text::Text;

/// A diagnostic with its file and resolved positions.
pub struct Located<'a> {
    pub source: &'a SourceFile,
    pub diagnostic: &'a Diagnostic,
    pub start: Option<Position>,
    pub end: Option<Position>,
}

impl<'a> Located<'a> {
    pub fn new(source: &'a SourceFile, diagnostic: &'a Diagnostic) -> Self {
        let position = |offset| source.lines.position(&source.text, offset);
        Self {
            source,
            diagnostic,
            start: diagnostic.span.map(|s| position(s.start)),
            end: diagnostic.span.map(|s| position(s.end)),
        }
    }

    /// The finding's fix with each edit's place as lines and columns: what JSON and SARIF
    /// carry.
    pub fn fix(&self) -> Option<(&'a crate::diagnostic::Fix, Vec<(Position, Position)>)> {
        let fix = self.diagnostic.fix.as_ref()?;
        let position = |offset| self.source.lines.position(&self.source.text, offset);
        let places = fix
            .edits
            .iter()
            .map(|edit| (position(edit.span.start), position(edit.span.end)))
            .collect();
        Some((fix, places))
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    pub files: usize,
    pub errors: usize,
    pub warnings: usize,
    /// Findings per rule code, with the rule's name (`--statistics`).
    pub by_rule: BTreeMap<&'static str, (&'static str, usize)>,
    /// Findings `--fix` fixes, and those that also need `--unsafe-fixes`.
    pub safe_fixes: usize,
    pub unsafe_fixes: usize,
}

impl Summary {
    /// Counts a file's findings; only a file plx read counts as a file.
    pub fn add(&mut self, source: &SourceFile, diagnostics: &[Diagnostic]) {
        if source.read {
            self.files += 1;
        }
        for diagnostic in diagnostics {
            match diagnostic.severity {
                Severity::Error => self.errors += 1,
                Severity::Warning => self.warnings += 1,
                Severity::Info => {}
            }
            let rule = diagnostic.rule;
            self.by_rule.entry(rule.code).or_insert((rule.name, 0)).1 += 1;
            match diagnostic.fix.as_ref().map(|fix| fix.applicability) {
                Some(crate::diagnostic::Applicability::Safe) => self.safe_fixes += 1,
                Some(crate::diagnostic::Applicability::Unsafe) => self.unsafe_fixes += 1,
                None => {}
            }
        }
    }

    /// `(code, name, count)` for each rule that found something, the most frequent first.
    pub fn statistics(&self) -> Vec<(&'static str, &'static str, usize)> {
        let mut rows: Vec<_> = self
            .by_rule
            .iter()
            .map(|(code, (name, count))| (*code, *name, *count))
            .collect();
        rows.sort_by(|a, b| b.2.cmp(&a.2).then(a.0.cmp(b.0)));
        rows
    }

    /// The last line of a human report.
    fn line(&self) -> String {
        let files = plural(self.files, "file");
        if self.errors == 0 && self.warnings == 0 {
            format!("All checks passed ({files}).")
        } else {
            format!(
                "Found {} and {} in {files}.",
                plural(self.errors, "error"),
                plural(self.warnings, "warning")
            )
        }
    }

    /// What a human report (text, concise) ends with: the `--statistics` table when asked
    /// for, the summary line, and what `--fix` would fix.
    pub fn footer(&self, statistics: bool) -> String {
        let mut out = if statistics {
            self.table()
        } else {
            String::new()
        };
        out.push_str(&self.line());
        out.push('\n');
        if let Some(hint) = self.fix_hint() {
            out.push_str(&hint);
            out.push('\n');
        }
        out
    }

    /// The line after a human report's last that says what `--fix` would fix, if anything.
    fn fix_hint(&self) -> Option<String> {
        match (self.safe_fixes, self.unsafe_fixes) {
            (0, 0) => None,
            (0, hidden) => Some(format!(
                "{} fixable with `plx check --fix --unsafe-fixes`.",
                plural(hidden, "finding")
            )),
            (safe, 0) => Some(format!(
                "{} fixable with `plx check --fix`.",
                plural(safe, "finding")
            )),
            (safe, hidden) => Some(format!(
                "{} fixable with `plx check --fix` ({hidden} more with `--unsafe-fixes`).",
                plural(safe, "finding"),
            )),
        }
    }

    /// The `--statistics` table: a line per rule, the count aligned right.
    fn table(&self) -> String {
        let rows = self.statistics();
        let counts = rows.first().map_or(1, |row| row.2.to_string().len());
        let codes = rows.iter().map(|row| row.0.len()).max().unwrap_or(0);
        rows.iter()
            .map(|(code, name, count)| format!("{count:>counts$}  {code:<codes$}  {name}\n"))
            .collect()
    }
}

fn plural(count: usize, noun: &str) -> String {
    if count == 1 {
        format!("1 {noun}")
    } else {
        format!("{count} {noun}s")
    }
}

/// One output format.
pub trait Reporter {
    /// Called once per file, in input order.
    fn file(&mut self, source: &SourceFile, diagnostics: &[Diagnostic]);
    /// Called once at the end; returns what goes to stdout (stderr output is written as it comes).
    fn finish(&mut self, summary: Summary) -> String;
}

/// No errors (and no warnings that fail the run).
pub const EXIT_CLEAN: u8 = 0;
/// Findings that fail the run.
pub const EXIT_FINDINGS: u8 = 1;
/// plx could not do what it was asked: a usage or I/O problem.
pub const EXIT_USAGE: u8 = 2;

/// The exit code findings call for: usage and I/O problems first, then errors (and
/// warnings, when they fail the run).
pub fn exit_code(diagnostics: &[Diagnostic], fail_on_warnings: bool) -> u8 {
    let usage = diagnostics
        .iter()
        .any(|d| d.rule.is_usage() && d.severity == Severity::Error);
    let fails = diagnostics.iter().any(|d| {
        d.severity == Severity::Error || (fail_on_warnings && d.severity == Severity::Warning)
    });
    if usage {
        EXIT_USAGE
    } else if fails {
        EXIT_FINDINGS
    } else {
        EXIT_CLEAN
    }
}

/// The one way findings reach an output format: each file's findings bounded, counted and
/// judged for the exit code, in the order the files are given.
pub struct Report<'w> {
    reporter: Box<dyn Reporter + 'w>,
    summary: Summary,
    exit: u8,
}

impl<'w> Report<'w> {
    pub fn new(reporter: Box<dyn Reporter + 'w>) -> Self {
        Self {
            reporter,
            summary: Summary::default(),
            exit: EXIT_CLEAN,
        }
    }

    /// Reports one file's findings; `fail_on_warnings` is the file's policy.
    pub fn file(
        &mut self,
        source: &SourceFile,
        diagnostics: Vec<Diagnostic>,
        fail_on_warnings: bool,
    ) {
        self.exit = self.exit.max(exit_code(&diagnostics, fail_on_warnings));
        // The totals count every finding, also those a bounded report only counts.
        self.summary.add(source, &diagnostics);
        let diagnostics = bound::bound(source, diagnostics);
        self.reporter.file(source, &diagnostics);
    }

    /// The exit code so far.
    pub fn exit(&self) -> u8 {
        self.exit
    }

    /// Ends the report: what goes to stdout, and the exit code.
    pub fn finish(mut self) -> (String, u8) {
        let stdout = self.reporter.finish(self.summary.clone());
        (stdout, self.exit)
    }
}
