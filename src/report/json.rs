//! `--format json`: exactly one JSON document on stdout, for machines.

use serde::Serialize;

use super::{Located, Reporter, Summary};
use crate::diagnostic::{Applicability, Diagnostic};
use crate::document::SourceFile;
use crate::rules::Severity;

#[derive(Default)]
pub struct Json {
    diagnostics: Vec<JsonDiagnostic>,
    rbac: Option<serde_json::Value>,
    statistics: bool,
}

impl Json {
    /// Adds `plx rbac check`'s summary table to the document.
    pub fn with_rbac(rbac: serde_json::Value) -> Self {
        Self {
            rbac: Some(rbac),
            ..Self::default()
        }
    }

    /// Adds a count per rule to the document (`--statistics`).
    pub fn with_statistics(mut self, statistics: bool) -> Self {
        self.statistics = statistics;
        self
    }
}

#[derive(Serialize)]
struct JsonDiagnostic {
    code: &'static str,
    severity: Severity,
    message: String,
    help: Option<String>,
    /// `None` for a problem that is about no file (a bad argument).
    file: Option<String>,
    line: Option<usize>,
    column: Option<usize>,
    end_line: Option<usize>,
    end_column: Option<usize>,
    /// Present only for a finding plx can fix (`plx check --fix`).
    #[serde(skip_serializing_if = "Option::is_none")]
    fix: Option<JsonFix>,
}

#[derive(Serialize)]
struct JsonFix {
    applicability: Applicability,
    message: String,
    edits: Vec<JsonEdit>,
}

/// Replace the text from (`line`, `column`) to (`end_line`, `end_column`) with `content`.
#[derive(Serialize)]
struct JsonEdit {
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    content: String,
}

#[derive(Serialize)]
struct Document<'a> {
    version: u32,
    diagnostics: &'a [JsonDiagnostic],
    summary: JsonSummary,
    #[serde(skip_serializing_if = "Option::is_none")]
    rbac: Option<&'a serde_json::Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    statistics: Option<Vec<RuleCount>>,
}

#[derive(Serialize)]
struct RuleCount {
    code: &'static str,
    name: &'static str,
    count: usize,
}

#[derive(Serialize)]
struct JsonSummary {
    files: usize,
    errors: usize,
    warnings: usize,
}

impl Reporter for Json {
    fn file(&mut self, source: &SourceFile, diagnostics: &[Diagnostic]) {
        for diagnostic in diagnostics {
            let located = Located::new(source, diagnostic);
            self.diagnostics.push(JsonDiagnostic {
                code: diagnostic.rule.code,
                severity: diagnostic.severity,
                message: diagnostic.message.clone(),
                help: diagnostic.help.clone(),
                file: (!source.path.is_empty()).then(|| source.path.clone()),
                line: located.start.map(|p| p.line),
                column: located.start.map(|p| p.column),
                end_line: located.end.map(|p| p.line),
                end_column: located.end.map(|p| p.column),
                fix: located.fix().map(|(fix, places)| JsonFix {
                    applicability: fix.applicability,
                    message: fix.message.clone(),
                    edits: fix
                        .edits
                        .iter()
                        .zip(places)
                        .map(|(edit, (start, end))| JsonEdit {
                            line: start.line,
                            column: start.column,
                            end_line: end.line,
                            end_column: end.column,
                            content: edit.replacement.clone(),
                        })
                        .collect(),
                }),
            });
        }
    }

    fn finish(&mut self, summary: Summary) -> String {
        let document = Document {
            version: 1,
            diagnostics: &self.diagnostics,
            summary: JsonSummary {
                files: summary.files,
                errors: summary.errors,
                warnings: summary.warnings,
            },
            rbac: self.rbac.as_ref(),
            statistics: self.statistics.then(|| {
                summary
                    .statistics()
                    .into_iter()
                    .map(|(code, name, count)| RuleCount { code, name, count })
                    .collect()
            }),
        };
        let mut text = serde_json::to_string_pretty(&document).expect("diagnostics serialize");
        text.push('\n');
        text
    }
}
