//! `--format sarif`: one SARIF 2.1.0 log on stdout (GitHub code scanning, GitLab, IDEs), with
//! every rule plx has as the driver's rules, each result pointing at its rule by id and index.

use serde_sarif::sarif::{
    ArtifactChange, ArtifactContent, ArtifactLocation, Fix, Location, Message,
    MultiformatMessageString, PhysicalLocation, Region, Replacement, ReportingConfiguration,
    ReportingDescriptor, Result as SarifResult, ResultLevel, Run, Sarif, Tool, ToolComponent,
};

use super::{Located, Reporter, Summary};
use crate::diagnostic::Diagnostic;
use crate::document::SourceFile;
use crate::rules::Severity;
use crate::rules::{RULES, Rule};

/// Where each rule's page is published: `docs/rules/` in the repository `Cargo.toml` names.
pub const RULES_URL: &str = concat!(env!("CARGO_PKG_REPOSITORY"), "/blob/main/docs/rules");

#[derive(Default)]
pub struct SarifReport {
    results: Vec<SarifResult>,
}

fn level(severity: Severity) -> ResultLevel {
    match severity {
        Severity::Error => ResultLevel::Error,
        Severity::Warning => ResultLevel::Warning,
        Severity::Info => ResultLevel::Note,
    }
}

fn descriptor(rule: &Rule) -> ReportingDescriptor {
    ReportingDescriptor::builder()
        .id(rule.code.to_owned())
        .name(rule.name.to_owned())
        .short_description(
            MultiformatMessageString::builder()
                .text(rule.summary.to_owned())
                .build(),
        )
        .full_description(
            MultiformatMessageString::builder()
                .text(rule.summary.to_owned())
                .markdown(rule.explanation.to_owned())
                .build(),
        )
        .help_uri(format!("{RULES_URL}/{}.md", rule.code))
        .default_configuration(
            ReportingConfiguration::builder()
                .level(serde_json::to_value(level(rule.severity)).expect("a level serializes"))
                .build(),
        )
        .build()
}

impl Reporter for SarifReport {
    fn file(&mut self, source: &SourceFile, diagnostics: &[Diagnostic]) {
        for diagnostic in diagnostics {
            let located = Located::new(source, diagnostic);
            let mut text = diagnostic.message.clone();
            if let Some(help) = &diagnostic.help {
                text.push_str("\nhelp: ");
                text.push_str(help);
            }
            let index = RULES
                .iter()
                .position(|rule| rule.code == diagnostic.rule.code)
                .expect("every diagnostic's rule is registered");
            let result = SarifResult::builder()
                .rule_id(diagnostic.rule.code.to_owned())
                .rule_index(index as i64)
                .level(level(diagnostic.severity))
                .message(Message::builder().text(text).build());
            // A problem about no file (a bad argument) has no location.
            if source.path.is_empty() {
                self.results.push(result.build());
                continue;
            }
            let artifact = ArtifactLocation::builder().uri(uri(&source.path)).build();
            let physical = match (located.start, located.end) {
                (Some(start), Some(end)) => PhysicalLocation::builder()
                    .artifact_location(artifact)
                    .region(
                        Region::builder()
                            .start_line(start.line as i64)
                            .start_column(start.column as i64)
                            .end_line(end.line as i64)
                            .end_column(end.column as i64)
                            .build(),
                    )
                    .build(),
                _ => PhysicalLocation::builder()
                    .artifact_location(artifact)
                    .build(),
            };
            let located_in = vec![Location::builder().physical_location(physical).build()];
            let result = result.locations(located_in);
            self.results.push(match sarif_fix(&located) {
                Some(fix) => result.fixes(vec![fix]).build(),
                None => result.build(),
            });
        }
    }

    fn finish(&mut self, _summary: Summary) -> String {
        let driver = ToolComponent::builder()
            .name("plx".to_owned())
            .semantic_version(env!("CARGO_PKG_VERSION").to_owned())
            .information_uri(env!("CARGO_PKG_REPOSITORY").to_owned())
            .rules(
                RULES
                    .iter()
                    .map(|rule| descriptor(rule))
                    .collect::<Vec<_>>(),
            )
            .build();
        let run = Run::builder()
            .tool(Tool::builder().driver(driver).build())
            .results(std::mem::take(&mut self.results))
            .build();
        let log = Sarif::builder()
            .schema("https://json.schemastore.org/sarif-2.1.0.json".to_owned())
            .version(serde_json::json!("2.1.0"))
            .runs(vec![run])
            .build();
        let mut text = serde_json::to_string_pretty(&log).expect("a SARIF log serializes");
        text.push('\n');
        text
    }
}

/// A finding's fix as SARIF's `fixes`: its edits as replacements of regions in the file.
fn sarif_fix(located: &Located<'_>) -> Option<Fix> {
    let (fix, places) = located.fix()?;
    let replacements = fix
        .edits
        .iter()
        .zip(places)
        .map(|(edit, (start, end))| {
            let region = Region::builder()
                .start_line(start.line as i64)
                .start_column(start.column as i64)
                .end_line(end.line as i64)
                .end_column(end.column as i64)
                .build();
            Replacement::builder()
                .deleted_region(region)
                .inserted_content(
                    ArtifactContent::builder()
                        .text(edit.replacement.clone())
                        .build(),
                )
                .build()
        })
        .collect::<Vec<_>>();
    let change = ArtifactChange::builder()
        .artifact_location(
            ArtifactLocation::builder()
                .uri(uri(&located.source.path))
                .build(),
        )
        .replacements(replacements)
        .build();
    Some(
        Fix::builder()
            .description(Message::builder().text(fix.message.clone()).build())
            .artifact_changes(vec![change])
            .build(),
    )
}

/// A file path as a relative URI reference (SARIF's `uri`): `/` separators, spaces and
/// other reserved characters percent-encoded.
fn uri(path: &str) -> String {
    let path = path.replace('\\', "/");
    let mut out = String::with_capacity(path.len());
    for byte in path.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                out.push(byte as char)
            }
            other => out.push_str(&format!("%{other:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_become_uri_references() {
        assert_eq!(
            uri("fixtures/invalid/a b.yaml"),
            "fixtures/invalid/a%20b.yaml"
        );
        assert_eq!(uri("dir\\f.yaml"), "dir/f.yaml");
    }
}
