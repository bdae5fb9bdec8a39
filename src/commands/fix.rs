//! `plx check --fix` and `--diff`: the findings' fixes applied to the file's text, at their
//! spans only, so comments, quoting, key order and indentation elsewhere stay byte for byte.
//! Fixes are applied in rounds until none is left (at most [`ROUNDS`]); a round whose result
//! has an error the file did not have is undone, and then its fixes are tried one at a time.

use std::collections::BTreeMap;

use crate::diagnostic::{Applicability, Diagnostic, Edit, Fix};
use crate::rules::{Family, Severity};

/// Rounds of fixing: a fix can uncover another (a renamed key's value is checked at last).
const ROUNDS: usize = 8;
/// Fixes tried one by one in a round whose fixes together made the file worse.
const SINGLES: usize = 3;

/// What fixing one file did.
pub struct Outcome {
    pub text: String,
    /// How many fixes were applied.
    pub applied: usize,
}

/// Applies the fixes `findings` offers for `text`, as far as `allowed` lets, until none is
/// left; `findings` checks a text as the file (its policy included).
pub fn fix(
    text: &str,
    allowed: Applicability,
    findings: impl Fn(&str) -> Vec<Diagnostic>,
) -> Outcome {
    let mut current = text.to_owned();
    let mut applied = 0;
    let mut found = findings(&current);
    for _ in 0..ROUNDS {
        let fixes = applicable(&found, allowed, &current);
        if fixes.is_empty() {
            break;
        }
        let Some((text, after, count)) = best_step(&current, &found, &fixes, &findings) else {
            break;
        };
        current = text;
        found = after;
        applied += count;
    }
    Outcome {
        text: current,
        applied,
    }
}

/// The round's fixes together, or else the first of them that alone leaves no new error.
fn best_step(
    text: &str,
    found: &[Diagnostic],
    fixes: &[&Fix],
    findings: &impl Fn(&str) -> Vec<Diagnostic>,
) -> Option<(String, Vec<Diagnostic>, usize)> {
    let together = apply(text, fixes);
    let after = findings(&together.0);
    if together.1 > 0 && no_new_errors(found, &after) {
        return Some((together.0, after, together.1));
    }
    fixes.iter().take(SINGLES).find_map(|fix| {
        let (single, count) = apply(text, &[fix]);
        let after = findings(&single);
        (count > 0 && no_new_errors(found, &after)).then_some((single, after, count))
    })
}

/// The fixes to apply: allowed, on real places of this text, and not on a secret (a file
/// plx masked may offer a fix built from the mask).
fn applicable<'a>(found: &'a [Diagnostic], allowed: Applicability, text: &str) -> Vec<&'a Fix> {
    let secrets = crate::document::secrets::find(text);
    let editable = |edit: &Edit| {
        !edit.span.is_elsewhere()
            && text
                .get(edit.span.start..edit.span.end)
                .is_some_and(|old| secrets.is_empty() || secrets.redact(old) == old)
    };
    found
        .iter()
        .filter_map(|d| d.fix.as_ref())
        .filter(|fix| fix.applicability <= allowed && fix.edits.iter().all(editable))
        .collect()
}

/// The text with the fixes' edits made, skipping a fix that overlaps one before it (the next
/// round sees it again); and how many fixes were made.
fn apply(text: &str, fixes: &[&Fix]) -> (String, usize) {
    let mut edits: Vec<(&Edit, usize)> = Vec::new();
    let mut made = 0;
    for (index, fix) in fixes.iter().enumerate() {
        let overlaps = fix.edits.iter().any(|edit| {
            edits.iter().any(|(taken, _)| {
                edit.span.start < taken.span.end && taken.span.start < edit.span.end
                    || edit.span == taken.span
            })
        });
        if !overlaps {
            edits.extend(fix.edits.iter().map(|edit| (edit, index)));
            made += 1;
        }
    }
    edits.sort_by_key(|(edit, _)| edit.span.start);
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for (edit, _) in edits {
        out.push_str(&text[at..edit.span.start]);
        out.push_str(&edit.replacement);
        at = edit.span.end;
    }
    out.push_str(&text[at..]);
    (out, made)
}

/// Whether `after` has no more errors than `before` of the rules a fix can break: YAML's
/// (syntax, a duplicate key) and unknown keys (a rename to a key that does not exist). Other
/// new errors were there all along, hidden by what was fixed (a misspelt key's value is
/// checked once the key is right).
fn no_new_errors(before: &[Diagnostic], after: &[Diagnostic]) -> bool {
    let made_by_fixes = |d: &&Diagnostic| {
        d.severity == Severity::Error
            && (d.rule.family == Family::Yaml || d.rule.code == crate::rules::SCH_UNKNOWN_KEY.code)
    };
    let count = |found: &[Diagnostic]| {
        let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
        for d in found.iter().filter(made_by_fixes) {
            *counts.entry(d.rule.code).or_default() += 1;
        }
        counts
    };
    let (before, after) = (count(before), count(after));
    after
        .iter()
        .all(|(code, n)| before.get(code).is_some_and(|m| n <= m))
}

/// A unified diff of a file's fix, as `--diff` prints it.
pub fn diff(path: &str, before: &str, after: &str) -> String {
    // git's `a/` and `b/` prefixes, which `git apply` and `patch -p1` expect.
    let path = path.trim_start_matches('/');
    similar::TextDiff::from_lines(before, after)
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{path}"), &format!("b/{path}"))
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::Span;

    fn quote(span: Span) -> Diagnostic {
        Diagnostic::new(&crate::rules::YAML_AMBIGUOUS_SCALAR, "ambiguous")
            .at(span)
            .fix(Fix::replace(Applicability::Safe, span, "\"on\"", "quote"))
    }

    #[test]
    fn edits_are_made_at_their_spans_only() {
        let text = "a: on  # keep\nb: on\n";
        let fixes = [
            quote(Span::new(3, 5)).fix.unwrap(),
            quote(Span::new(17, 19)).fix.unwrap(),
        ];
        let (out, made) = apply(text, &fixes.iter().collect::<Vec<_>>());
        assert_eq!(out, "a: \"on\"  # keep\nb: \"on\"\n");
        assert_eq!(made, 2);
    }

    #[test]
    fn overlapping_fixes_wait_for_the_next_round() {
        let fixes = [
            quote(Span::new(3, 5)).fix.unwrap(),
            quote(Span::new(3, 5)).fix.unwrap(),
        ];
        let (out, made) = apply("a: on\n", &fixes.iter().collect::<Vec<_>>());
        assert_eq!((out.as_str(), made), ("a: \"on\"\n", 1));
    }

    #[test]
    fn a_fix_that_makes_an_error_is_not_applied() {
        // The "fixed" text has an error the original did not: nothing changes.
        let findings = |text: &str| {
            if text.contains('"') {
                vec![Diagnostic::new(&crate::rules::YAML_SYNTAX, "broken")]
            } else {
                vec![quote(Span::new(3, 5))]
            }
        };
        let outcome = fix("a: on\n", Applicability::Safe, findings);
        assert_eq!((outcome.text.as_str(), outcome.applied), ("a: on\n", 0));
    }

    #[test]
    fn unsafe_fixes_wait_for_their_flag() {
        let finding = |text: &str| {
            let span = Span::new(0, 4);
            if text.starts_with("imag:") {
                vec![
                    Diagnostic::new(&crate::rules::SCH_UNKNOWN_KEY, "unknown")
                        .at(span)
                        .fix(Fix::replace(Applicability::Unsafe, span, "image", "rename")),
                ]
            } else {
                Vec::new()
            }
        };
        assert_eq!(fix("imag: x\n", Applicability::Safe, finding).applied, 0);
        let outcome = fix("imag: x\n", Applicability::Unsafe, finding);
        assert_eq!(outcome.text, "image: x\n");
    }
}
