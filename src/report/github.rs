//! `--format github`: one GitHub Actions workflow command per finding
//! (`::error file=…,line=…,col=…,endLine=…,endColumn=…,title=CODE::message`), which the runner
//! turns into annotations on the pull request's lines.

use super::{Located, Reporter, Summary};
use crate::diagnostic::Diagnostic;
use crate::document::SourceFile;
use crate::rules::Severity;

#[derive(Default)]
pub struct Github {
    lines: String,
}

/// Workflow command data: `%`, CR and LF escaped (GitHub's `escapeData`).
fn data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A workflow command property value: also `:` and `,` (GitHub's `escapeProperty`).
fn property(text: &str) -> String {
    data(text).replace(':', "%3A").replace(',', "%2C")
}

impl Reporter for Github {
    fn file(&mut self, source: &SourceFile, diagnostics: &[Diagnostic]) {
        for diagnostic in diagnostics {
            let located = Located::new(source, diagnostic);
            let command = match diagnostic.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Info => "notice",
            };
            let mut properties = Vec::new();
            if !source.path.is_empty() {
                properties.push(format!("file={}", property(&source.path)));
            }
            if let (Some(start), Some(end)) = (located.start, located.end) {
                properties.push(format!("line={}", start.line));
                properties.push(format!("col={}", start.column));
                properties.push(format!("endLine={}", end.line));
                properties.push(format!("endColumn={}", end.column));
            }
            properties.push(format!(
                "title={}",
                property(&format!(
                    "{} {}",
                    diagnostic.rule.code, diagnostic.rule.name
                ))
            ));
            let mut message = diagnostic.message.clone();
            if let Some(help) = &diagnostic.help {
                message.push_str("\nhelp: ");
                message.push_str(help);
            }
            self.lines.push_str(&format!(
                "::{command} {}::{}\n",
                properties.join(","),
                data(&message)
            ));
        }
    }

    fn finish(&mut self, _summary: Summary) -> String {
        std::mem::take(&mut self.lines)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn workflow_commands_escape_their_data() {
        assert_eq!(data("50%\nnext"), "50%25%0Anext");
        assert_eq!(property("a:b,c"), "a%3Ab%2Cc");
    }
}
