//! Inline suppressions: `# plx: ignore[CODE, ...] reason` at the end of the finding's line or
//! on the line before it, and `# plx: ignore-file[CODE, ...] reason` anywhere for the whole
//! file. A suppression that names no rule (IGN001) or silences nothing (IGN002) is itself a
//! finding, so they do not outlive the problems they were written for.

use crate::config::Selection;
use crate::diagnostic::Diagnostic;
use crate::document::SourceFile;
use crate::rules::{self, RULES};
use crate::yaml::Span;

/// One code named in a suppression comment.
struct Named {
    code: String,
    span: Span,
    used: bool,
}

struct Suppression {
    /// 1-based line the comment covers; `None` for the whole file.
    line: Option<usize>,
    /// Whether the comment is alone on its line (it then covers the next line).
    own_line: bool,
    names: Vec<Named>,
}

const MARKER: &str = "plx:";

/// The comments of `text` that suppress findings.
fn parse(text: &str) -> Vec<Suppression> {
    let mut out = Vec::new();
    let mut offset = 0;
    for (index, line) in text.split_inclusive('\n').enumerate() {
        let at = offset;
        offset += line.len();
        let Some(hash) = comment_start(line) else {
            continue;
        };
        let comment = line[hash + 1..].trim_start();
        let Some(rest) = comment.strip_prefix(MARKER) else {
            continue;
        };
        let rest = rest.trim_start();
        let (file_level, rest) = if let Some(rest) = rest.strip_prefix("ignore-file[") {
            (true, rest)
        } else if let Some(rest) = rest.strip_prefix("ignore[") {
            (false, rest)
        } else {
            continue;
        };
        let Some(close) = rest.find(']') else {
            continue;
        };
        let list_start = at + line.len() - rest.len();
        let mut names = Vec::new();
        let mut cursor = 0;
        for part in rest[..close].split(',') {
            let trimmed = part.trim();
            let lead = part.len() - part.trim_start().len();
            if !trimmed.is_empty() {
                let start = list_start + cursor + lead;
                names.push(Named {
                    code: trimmed.to_owned(),
                    span: Span::new(start, start + trimmed.len()),
                    used: false,
                });
            }
            cursor += part.len() + 1;
        }
        out.push(Suppression {
            line: (!file_level).then_some(index + 1),
            own_line: line[..hash].trim().is_empty(),
            names,
        });
    }
    out
}

/// Where a YAML comment starts: a `#` at the start of the line or after whitespace, outside
/// quotes.
fn comment_start(line: &str) -> Option<usize> {
    let mut quote: Option<char> = None;
    let mut previous = ' ';
    for (at, c) in line.char_indices() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == '"' || c == '\'' => quote = Some(c),
            None if c == '#' && previous.is_whitespace() => return Some(at),
            None => {}
        }
        previous = c;
    }
    None
}

/// The rule a suppression names, by code or name.
fn rule_of(name: &str) -> Option<&'static rules::Rule> {
    rules::find(name)
}

/// The findings to report: those `selection` keeps and no suppression silences (all of them
/// with `inline` false), plus the findings about the suppressions themselves.
pub fn apply(
    source: &SourceFile,
    diagnostics: Vec<Diagnostic>,
    selection: &Selection,
    inline: bool,
) -> Vec<Diagnostic> {
    let mut kept: Vec<Diagnostic> = diagnostics
        .into_iter()
        .filter(|d| selection.reports(d.rule.code))
        .collect();
    if !inline || !source.text.contains(MARKER) {
        return kept;
    }
    let mut suppressions = parse(&source.text);
    kept.retain(|diagnostic| {
        // A file cannot silence what plx refused to read for it (IO002).
        if diagnostic.rule.is_usage() {
            return true;
        }
        let line = diagnostic
            .span
            .map(|span| source.lines.position(&source.text, span.start).line);
        for suppression in &mut suppressions {
            let covers = match (suppression.line, line) {
                (None, _) => true,
                (Some(at), Some(line)) => at == line || (suppression.own_line && at + 1 == line),
                (Some(_), None) => false,
            };
            if !covers {
                continue;
            }
            for named in &mut suppression.names {
                if rule_of(&named.code).is_some_and(|rule| rule.code == diagnostic.rule.code) {
                    named.used = true;
                    return false;
                }
            }
        }
        true
    });
    for named in suppressions.iter().flat_map(|s| &s.names) {
        let finding = match rule_of(&named.code) {
            None => Diagnostic::new(
                &rules::IGN_UNKNOWN_RULE,
                format!(
                    "`{}` is not a plx rule; this suppression silences nothing",
                    named.code
                ),
            )
            .help(
                crate::suggest::did_you_mean(&named.code, RULES.iter().map(|r| r.code))
                    .unwrap_or_else(|| "`plx rules` lists the codes".to_owned()),
            ),
            Some(rule) if rule.is_usage() => Diagnostic::new(
                &rules::IGN_UNUSED,
                format!(
                    "`{}` cannot be suppressed: it reports what plx could not or would not read",
                    named.code
                ),
            )
            .help("remove the suppression and fix the problem it names"),
            // A rule this configuration does not report may be reported under another.
            Some(rule) if !named.used && selection.reports(rule.code) => Diagnostic::new(
                &rules::IGN_UNUSED,
                format!(
                    "nothing here is reported as `{}`; the suppression is unused",
                    named.code
                ),
            )
            .help("remove it, or move it to the line of the finding (or the line before)"),
            Some(_) => continue,
        };
        let finding = finding.at(named.span);
        if selection.reports(finding.rule.code) {
            kept.push(finding);
        }
    }
    kept.sort_by_key(|d| (d.span.map(|s| s.start), d.rule.code));
    kept
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_are_found_outside_quotes() {
        assert_eq!(comment_start("a: 1 # plx: ignore[SEC007]"), Some(5));
        assert_eq!(comment_start("image: \"a#b\" # c"), Some(13));
        assert_eq!(comment_start("url: http://x/#frag"), None);
        let found =
            parse("a: 1  # plx: ignore[SEC007, run-as-root] because\n# plx: ignore-file[SEC011]\n");
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].line, Some(1));
        assert!(!found[0].own_line);
        let names: Vec<&str> = found[0].names.iter().map(|n| n.code.as_str()).collect();
        assert_eq!(names, ["SEC007", "run-as-root"]);
        assert_eq!(found[1].line, None);
    }
}
