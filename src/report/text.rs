//! Human output: rustc-style snippets (miette) as files are reported, then a one-line
//! summary (with `--statistics`, a count per rule instead of the snippets).

use std::fmt;
use std::io::Write;

use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan};

use super::excerpt::Excerpt;
use super::{Reporter, Summary};
use crate::diagnostic::Diagnostic;
use crate::document::SourceFile;
use crate::rules::Severity;
use crate::yaml::Span;

pub struct Text<'w> {
    handler: GraphicalReportHandler,
    /// Where snippets go as files are reported (the report's destination, stderr for
    /// render, a buffer in tests).
    out: Box<dyn Write + 'w>,
    statistics: bool,
}

impl<'w> Text<'w> {
    pub fn new(color: bool, out: Box<dyn Write + 'w>) -> Self {
        let theme = if color {
            GraphicalTheme::unicode()
        } else {
            GraphicalTheme::unicode_nocolor()
        };
        Self {
            handler: GraphicalReportHandler::new_themed(theme).with_width(100),
            out,
            statistics: false,
        }
    }

    /// A count per rule instead of each finding.
    pub fn with_statistics(mut self, statistics: bool) -> Self {
        self.statistics = statistics;
        self
    }
}

impl Reporter for Text<'_> {
    fn file(&mut self, source: &SourceFile, diagnostics: &[Diagnostic]) {
        if self.statistics {
            return;
        }
        for diagnostic in diagnostics {
            let report = Snippet::new(source, diagnostic);
            let mut rendered = String::new();
            if self.handler.render_report(&mut rendered, &report).is_ok() {
                // A closed stderr is not worth failing a lint over.
                let _ = writeln!(self.out, "{rendered}");
            }
        }
    }

    fn finish(&mut self, summary: Summary) -> String {
        let _ = write!(self.out, "{}", summary.footer(self.statistics));
        String::new()
    }
}

/// Adapts a plx diagnostic to miette's trait, for rendering only: its spans point into an
/// excerpt of the file, never the whole file.
struct Snippet<'a> {
    diagnostic: &'a Diagnostic,
    excerpt: Option<(Excerpt, Vec<Span>)>,
}

impl<'a> Snippet<'a> {
    fn new(source: &SourceFile, diagnostic: &'a Diagnostic) -> Self {
        let excerpt = diagnostic.span.map(|primary| {
            let spans: Vec<Span> = std::iter::once(primary)
                .chain(diagnostic.labels.iter().map(|l| l.span))
                .collect();
            Excerpt::new(source, &spans)
        });
        Self {
            diagnostic,
            excerpt,
        }
    }
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
        self.excerpt
            .as_ref()
            .map(|(excerpt, _)| excerpt as &dyn miette::SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let (_, spans) = self.excerpt.as_ref()?;
        let (primary, secondary) = spans.split_first()?;
        let primary = LabeledSpan::new_primary_with_span(None, (primary.start, primary.len()));
        let secondary = secondary
            .iter()
            .zip(&self.diagnostic.labels)
            .map(|(span, label)| {
                LabeledSpan::new_with_span(Some(label.message.clone()), (span.start, span.len()))
            });
        Some(Box::new(std::iter::once(primary).chain(secondary)))
    }
}
