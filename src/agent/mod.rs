//! The Polyaxon agent's Helm values: where and how every run executes (AGENT rules).

pub mod check;

use crate::diagnostic::Diagnostic;
use crate::document::{SourceFile, decode};
use crate::model::agent::AgentValues;
use crate::yaml::Node;

/// What checking a values file learned.
#[derive(Debug)]
pub struct Checked {
    pub source: SourceFile,
    pub diagnostics: Vec<Diagnostic>,
    /// The values merged with the chart's defaults, when they decoded without errors.
    pub values: Option<AgentValues>,
}

/// Checks a loaded values file; `diagnostics` are the loader's.
pub fn check_values(source: SourceFile, tree: &Node, mut diagnostics: Vec<Diagnostic>) -> Checked {
    let (written, found) = decode::decode_typed::<AgentValues>(tree);
    let decoded = !found.iter().any(Diagnostic::is_error);
    diagnostics.extend(found);
    let mut values = None;
    if let Some(written) = written.filter(|_| decoded) {
        // Lint what the file says; use what the chart will run with.
        diagnostics.extend(check::check(&written, tree));
        values = AgentValues::with_chart_defaults(tree);
        if let Some(merged) = &values {
            diagnostics.extend(check::artifacts_store(merged, tree));
        }
    }
    diagnostics.sort_by_key(|d| (d.span.map(|s| s.start), d.rule.code));
    Checked {
        source,
        diagnostics,
        values,
    }
}
