//! Output formats. Each is built from plx's own [`Diagnostic`]s, and each reporter gets the
//! same data: the file, the located diagnostics and the totals.

mod github;
mod json;
mod sarif;
mod text;

use crate::check::SourceFile;
use crate::diagnostic::{Diagnostic, Position, Severity};

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
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    pub files: usize,
    pub errors: usize,
    pub warnings: usize,
}

impl Summary {
    pub fn add(&mut self, diagnostics: &[Diagnostic]) {
        self.files += 1;
        for diagnostic in diagnostics {
            match diagnostic.severity {
                Severity::Error => self.errors += 1,
                Severity::Warning => self.warnings += 1,
                Severity::Info => {}
            }
        }
    }
}

/// One output format.
pub trait Reporter {
    /// Called once per file, in input order.
    fn file(&mut self, source: &SourceFile, diagnostics: &[Diagnostic]);
    /// Called once at the end; returns what goes to stdout (stderr output is written as it comes).
    fn finish(&mut self, summary: Summary) -> String;
}
