//! Human output: rustc-style snippets (miette) on stderr, then a one-line summary.

use std::fmt;
use std::io::Write;

use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource};

use super::{Reporter, Summary};
use crate::check::SourceFile;
use crate::diagnostic::{Diagnostic, Severity};

pub struct Text {
    handler: GraphicalReportHandler,
    /// Where snippets go as files are reported (stderr for the CLI, a buffer in tests).
    out: Box<dyn Write + Send>,
}

impl Text {
    pub fn new(color: bool, out: Box<dyn Write + Send>) -> Self {
        let theme = if color {
            GraphicalTheme::unicode()
        } else {
            GraphicalTheme::unicode_nocolor()
        };
        Self {
            handler: GraphicalReportHandler::new_themed(theme).with_width(100),
            out,
        }
    }
}

impl Reporter for Text {
    fn file(&mut self, source: &SourceFile, diagnostics: &[Diagnostic]) {
        for diagnostic in diagnostics {
            let report = Snippet {
                diagnostic,
                source: NamedSource::new(&source.path, source.text.clone()).with_language("yaml"),
            };
            let mut rendered = String::new();
            if self.handler.render_report(&mut rendered, &report).is_ok() {
                // A closed stderr is not worth failing a lint over.
                let _ = writeln!(self.out, "{rendered}");
            }
        }
    }

    fn finish(&mut self, summary: Summary) -> String {
        let files = plural(summary.files, "file");
        let line = if summary.errors == 0 && summary.warnings == 0 {
            format!("All checks passed ({files}).")
        } else {
            format!(
                "Found {} and {} in {files}.",
                plural(summary.errors, "error"),
                plural(summary.warnings, "warning")
            )
        };
        let _ = writeln!(self.out, "{line}");
        String::new()
    }
}

fn plural(count: usize, noun: &str) -> String {
    if count == 1 {
        format!("1 {noun}")
    } else {
        format!("{count} {noun}s")
    }
}

/// Adapts a plx diagnostic to miette's trait, for rendering only.
struct Snippet<'a> {
    diagnostic: &'a Diagnostic,
    source: NamedSource<String>,
}

impl fmt::Debug for Snippet<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.diagnostic.message)
    }
}

impl fmt::Display for Snippet<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.diagnostic.message)
    }
}

impl std::error::Error for Snippet<'_> {}

impl miette::Diagnostic for Snippet<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        let rule = self.diagnostic.rule;
        Some(Box::new(format!("{}({})", rule.code, rule.name)))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.diagnostic.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Info => miette::Severity::Advice,
        })
    }

    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.diagnostic
            .help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.diagnostic
            .span
            .map(|_| &self.source as &dyn miette::SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let span = self.diagnostic.span?;
        let primary = LabeledSpan::new_primary_with_span(None, (span.start, span.len()));
        let secondary = self.diagnostic.labels.iter().map(|l| {
            LabeledSpan::new_with_span(Some(l.message.clone()), (l.span.start, l.span.len()))
        });
        Some(Box::new(std::iter::once(primary).chain(secondary)))
    }
}
