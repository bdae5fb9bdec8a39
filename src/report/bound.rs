//! What every output format gets of a file's findings: the same list, bounded.
//!
//! A report must stay linear in its input whatever the input is: a 40 KB line holding 20,000
//! list items gets one finding per item, and a key of a megabyte would be quoted in every
//! message about it. So, before any format sees them, a file's findings are bounded here,
//! once for all formats:
//! - at most [`SAME_LINE`] findings of one rule on one line; the rest become one finding of
//!   that rule saying how many more there are;
//! - messages, help and labels cut to [`MAX_TEXT`] characters, with control characters
//!   written out (a key holding a line break or an escape sequence cannot forge lines of
//!   output);
//! - the file's secret values redacted from them (see `document::secrets`).

use std::collections::HashMap;

use crate::diagnostic::Diagnostic;
use crate::document::SourceFile;
use crate::rules::Severity;

/// Findings of one rule on one line beyond this many are counted, not shown.
pub const SAME_LINE: usize = 10;
/// Characters of a message, a help or a label.
pub const MAX_TEXT: usize = 1_000;

/// The findings to report for `source`: bounded as the module says, in their order.
pub fn bound(source: &SourceFile, diagnostics: Vec<Diagnostic>) -> Vec<Diagnostic> {
    let line = |d: &Diagnostic| {
        d.span
            .filter(|_| !source.text.is_empty())
            .map_or(0, |span| {
                source.lines.line_of(span.start.min(source.text.len())) + 1
            })
    };
    let mut seen: HashMap<(&'static str, usize), usize> = HashMap::new();
    let mut hidden: HashMap<(&'static str, usize), (usize, Severity)> = HashMap::new();
    let mut kept: Vec<Diagnostic> = Vec::with_capacity(diagnostics.len().min(1024));
    let mut summaries: Vec<(usize, (&'static str, usize), Diagnostic)> = Vec::new();
    for diagnostic in diagnostics {
        let key = (diagnostic.rule.code, line(&diagnostic));
        let count = seen.entry(key).or_default();
        *count += 1;
        if *count <= SAME_LINE {
            kept.push(clean(source, diagnostic));
            continue;
        }
        let entry = hidden.entry(key).or_insert((0, diagnostic.severity));
        entry.0 += 1;
        entry.1 = entry.1.min(diagnostic.severity);
        if entry.0 == 1 {
            summaries.push((kept.len(), key, diagnostic));
        }
    }
    // The summary of a line's hidden findings takes the place of the first one hidden.
    for (index, key, first) in summaries.into_iter().rev() {
        let (count, severity) = hidden[&key];
        let mut summary = Diagnostic::new(
            first.rule,
            format!(
                "{count} more {} finding{} on line {} {} not shown",
                first.rule.code,
                if count == 1 { "" } else { "s" },
                key.1,
                if count == 1 { "is" } else { "are" }
            ),
        )
        .severity(severity)
        .help(format!(
            "plx shows at most {SAME_LINE} findings of one rule on one line; fix the ones above and run plx again"
        ));
        summary.span = first.span;
        kept.insert(index, summary);
    }
    kept
}

/// A finding's texts as they may be shown; a place in another file (a referenced component's)
/// is no place in this one.
fn clean(source: &SourceFile, mut diagnostic: Diagnostic) -> Diagnostic {
    diagnostic.span = diagnostic.span.filter(|span| !span.is_elsewhere());
    diagnostic.labels.retain(|label| !label.span.is_elsewhere());
    let text = |text: &str| {
        let redacted = if source.secrets.is_empty() {
            text.to_owned()
        } else {
            source.secrets.redact(text)
        };
        escape_controls(&cut(&redacted))
    };
    diagnostic.message = text(&diagnostic.message);
    diagnostic.help = diagnostic.help.as_deref().map(text);
    for label in &mut diagnostic.labels {
        label.message = text(&label.message);
    }
    // A fix is shown whole or not at all: one that edits another file, or whose new text holds
    // a secret, is left out (redacting it would make it wrong).
    diagnostic.fix = diagnostic.fix.take().filter(|fix| {
        fix.edits.iter().all(|edit| {
            !edit.span.is_elsewhere()
                && (source.secrets.is_empty()
                    || source.secrets.redact(&edit.replacement) == edit.replacement)
        })
    });
    if let Some(fix) = &mut diagnostic.fix {
        fix.message = text(&fix.message);
    }
    diagnostic
}

fn cut(text: &str) -> String {
    match text.char_indices().nth(MAX_TEXT) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_owned(),
    }
}

/// Control characters and bidirectional overrides written out (`\n`, `\u{1b}`).
pub fn escape_controls(text: &str) -> String {
    let hostile =
        |c: char| c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}');
    if !text.chars().any(hostile) {
        return text.to_owned();
    }
    text.chars()
        .map(|c| {
            if hostile(c) {
                c.escape_default().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::Span;

    #[test]
    fn findings_of_one_rule_on_one_line_are_capped() {
        let source = SourceFile::new("f.yaml", "command: [1,1,1]\nname: x\n".to_owned());
        let many: Vec<Diagnostic> = (0..25)
            .map(|i| {
                Diagnostic::new(&crate::rules::YAML_AMBIGUOUS_SCALAR, format!("item {i}"))
                    .at(Span::new(10, 11))
            })
            .chain(std::iter::once(
                Diagnostic::new(&crate::rules::SCH_UNKNOWN_KEY, "other").at(Span::new(17, 21)),
            ))
            .collect();
        let bounded = bound(&source, many);
        assert_eq!(bounded.len(), SAME_LINE + 2);
        assert_eq!(
            bounded[SAME_LINE].message,
            "15 more YAML005 findings on line 1 are not shown"
        );
        assert_eq!(bounded[SAME_LINE + 1].message, "other");
    }

    #[test]
    fn texts_are_cut_and_controls_written_out() {
        let source = SourceFile::new("f.yaml", String::new());
        let long = "k".repeat(5_000);
        let bounded = bound(
            &source,
            vec![Diagnostic::new(
                &crate::rules::SCH_UNKNOWN_KEY,
                format!("key `a\n::error::b\u{1b}[31m` {long}"),
            )],
        );
        let message = &bounded[0].message;
        assert!(message.starts_with("key `a\\n::error::b\\u{1b}[31m` "));
        assert!(message.chars().count() <= MAX_TEXT + 20);
    }
}
