//! `--format concise`: one line per finding, `path:line:col: CODE message`, as compilers and
//! ruff print them (editors and terminals make the position a link), then the summary.

use std::io::Write;

use super::{Located, Reporter, Summary};
use crate::diagnostic::Diagnostic;
use crate::document::SourceFile;

pub struct Concise<'w> {
    out: Box<dyn Write + 'w>,
    statistics: bool,
}

impl<'w> Concise<'w> {
    /// `statistics`: a count per rule instead of each finding.
    pub fn new(out: Box<dyn Write + 'w>, statistics: bool) -> Self {
        Self { out, statistics }
    }
}

/// `path:line:col: CODE message`; a finding about no place leaves out what it lacks.
fn line(source: &SourceFile, diagnostic: &Diagnostic) -> String {
    let located = Located::new(source, diagnostic);
    let place = match (source.path.is_empty(), located.start) {
        (true, _) => String::new(),
        (false, Some(start)) => format!("{}:{}:{}: ", source.path, start.line, start.column),
        (false, None) => format!("{}: ", source.path),
    };
    format!("{place}{} {}", diagnostic.rule.code, diagnostic.message)
}

impl Reporter for Concise<'_> {
    fn file(&mut self, source: &SourceFile, diagnostics: &[Diagnostic]) {
        if self.statistics {
            return;
        }
        for diagnostic in diagnostics {
            // A closed destination is not worth failing a lint over.
            let _ = writeln!(self.out, "{}", line(source, diagnostic));
        }
    }

    fn finish(&mut self, summary: Summary) -> String {
        let _ = write!(self.out, "{}", summary.footer(self.statistics));
        String::new()
    }
}
