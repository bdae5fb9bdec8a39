//! The rule registry: every diagnostic plx can emit has one entry here, with a stable code
//! (`YAML001`), a kebab-case name, a default severity and an explanation. The explanation is
//! `docs/rules/<CODE>.md`, compiled in, so `plx explain` and the docs cannot disagree and a
//! rule without a page does not build.

use crate::diagnostic::Severity;

#[derive(Debug, PartialEq, Eq)]
pub struct Rule {
    pub code: &'static str,
    pub name: &'static str,
    pub severity: Severity,
    /// One line: what the rule finds.
    pub summary: &'static str,
    /// Markdown: what it does, why it matters, an example and the fix.
    pub explanation: &'static str,
}

macro_rules! rules {
    ($($ident:ident = $code:literal, $name:literal, $severity:ident, $summary:literal;)*) => {
        $(
            pub static $ident: Rule = Rule {
                code: $code,
                name: $name,
                severity: Severity::$severity,
                summary: $summary,
                explanation: include_str!(concat!("../../docs/rules/", $code, ".md")),
            };
        )*
        /// Every rule, in code order.
        pub static RULES: &[&Rule] = &[$(&$ident),*];
    };
}

rules! {
    YAML_SYNTAX = "YAML001", "syntax-error", Error, "The file is not valid YAML (or JSON).";
    YAML_DUPLICATE_KEY = "YAML002", "duplicate-key", Error, "A mapping has the same key twice.";
    YAML_MULTIPLE_DOCUMENTS = "YAML003", "multiple-documents", Error, "The file holds more than one YAML document.";
    YAML_EMPTY = "YAML004", "empty-document", Error, "The file is empty or holds only comments.";
    YAML_AMBIGUOUS_SCALAR = "YAML005", "ambiguous-scalar", Warning, "An unquoted value in a string field is read as a boolean, number, null or date by YAML 1.1 readers.";
    YAML_TOO_DEEP = "YAML006", "nesting-too-deep", Error, "Mappings and lists are nested deeper than plx accepts.";
    YAML_TOO_MANY_NODES = "YAML007", "too-many-nodes", Error, "The document expands (through aliases) to more nodes than plx accepts.";
    YAML_FILE_TOO_LARGE = "YAML008", "file-too-large", Error, "The file is larger than plx reads.";
    YAML_INVALID_UTF8 = "YAML009", "invalid-utf8", Error, "The file is not valid UTF-8.";
    YAML_UNSUPPORTED = "YAML010", "unsupported-yaml", Error, "The file uses a YAML feature that Polyaxonfiles cannot use: complex keys, custom tags or undefined aliases.";
    SCH_UNKNOWN_KEY = "SCH001", "unknown-key", Error, "A key that the Polyaxonfile specification or the Kubernetes object does not have.";
    SCH_INVALID_TYPE = "SCH002", "invalid-type", Error, "A value of the wrong type (a string where an integer belongs, a list where a mapping belongs, ...).";
    SCH_MISSING_KEY = "SCH003", "missing-key", Error, "A required key is missing.";
    SCH_INVALID_VALUE = "SCH004", "invalid-value", Error, "A value outside the allowed set (an unknown `kind`, `patchStrategy`, ...).";
    SCH_LEGACY_FORMAT = "SCH005", "polyaxon-v0-format", Error, "A Polyaxon 0.x Polyaxonfile, which Polyaxon 1.x and 2.x no longer read.";
    SCH_CONTAINER_FIELD_ON_POD = "SCH006", "container-field-in-pod-security-context", Error, "`environment.securityContext` is the pod's security context; this field belongs to a container's.";
    SCH_MISSING_CONTAINER = "SCH007", "missing-container", Error, "A job or service without a main `container`.";
    SCH_UNSUPPORTED_VERSION = "SCH008", "unknown-version", Warning, "A `version` other than the Polyaxonfile specification's 1.1.";
    SCH_INVALID_NAME = "SCH009", "invalid-name", Error, "A component or operation `name` with characters Polyaxon refuses.";
    SCH_MISSING_RUN = "SCH010", "missing-run", Error, "A component with nothing to run: no `run` section and no shortcut that makes one.";
    SCH_STRING_COMMAND = "SCH011", "string-command", Warning, "A container `command` or `args` written as one string with spaces, which runs as a single argument.";
    RND_UNSUPPORTED_RUN_KIND = "RND001", "unsupported-run-kind", Error, "`plx render` writes jobs and services; this run kind is not rendered.";
    RND_NOT_YET_RENDERED = "RND002", "not-rendered-yet", Error, "The file uses a feature that `plx render` cannot turn into plain manifests yet.";
    RND_IGNORED_SECTION = "RND003", "control-plane-section", Warning, "A section that steers Polyaxon itself (plugins, hooks, cache, ...) and has no place in plain manifests.";
}

/// Looks a rule up by its code (`SCH001`) or its name (`unknown-key`), case-insensitively.
pub fn find(code_or_name: &str) -> Option<&'static Rule> {
    RULES.iter().copied().find(|rule| {
        rule.code.eq_ignore_ascii_case(code_or_name) || rule.name.eq_ignore_ascii_case(code_or_name)
    })
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    #[test]
    fn codes_and_names_are_unique() {
        let codes: HashSet<_> = RULES.iter().map(|r| r.code).collect();
        let names: HashSet<_> = RULES.iter().map(|r| r.name).collect();
        assert_eq!(codes.len(), RULES.len());
        assert_eq!(names.len(), RULES.len());
    }

    #[test]
    fn codes_carry_a_family_prefix_and_names_are_kebab_case() {
        for rule in RULES {
            let family = rule.code.trim_end_matches(|c: char| c.is_ascii_digit());
            assert!(
                ["YAML", "SCH", "K8S", "RBAC", "SEC", "AGENT", "RND"].contains(&family),
                "{}",
                rule.code
            );
            assert!(
                rule.name
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
                "{}",
                rule.name
            );
        }
    }

    #[test]
    fn every_explanation_has_the_house_sections() {
        for rule in RULES {
            for section in ["## What it does", "## Why", "## Example"] {
                assert!(
                    rule.explanation.contains(section),
                    "{} lacks {section}",
                    rule.code
                );
            }
        }
    }
}
