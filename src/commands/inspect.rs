//! One file through the rule family that reads it: the agent's values through `agent`, a
//! Polyaxonfile (or a Polyaxon 0.x file) through `check`.

use super::discover::{self, Content};
use crate::check::{self, Checked};
use crate::diagnostic::Diagnostic;
use crate::document::{SourceFile, load};
use crate::rules::Family;
use crate::yaml::Limits;

/// A file as its family judged it.
pub enum Inspected {
    Polyaxonfile(Box<Checked>),
    AgentValues(Box<crate::agent::Checked>),
}

impl Inspected {
    pub fn diagnostics(&self) -> &[Diagnostic] {
        match self {
            Inspected::Polyaxonfile(checked) => &checked.diagnostics,
            Inspected::AgentValues(checked) => &checked.diagnostics,
        }
    }

    /// Adds which keys decided how the file was read to the help of its first finding, when
    /// they could have meant the other reading, or when that finding is about the file's
    /// shape (SCH), which the reading decides: a user who meant the other reading learns why.
    fn explain(&mut self, reading: &discover::Reading) {
        let diagnostics = match self {
            Inspected::Polyaxonfile(checked) => &mut checked.diagnostics,
            Inspected::AgentValues(checked) => &mut checked.diagnostics,
        };
        let Some(first) = diagnostics.first_mut() else {
            return;
        };
        if !reading.ambiguous() && first.rule.family != Family::Schema {
            return;
        }
        let Some(why) = reading.why() else {
            return;
        };
        first.help = Some(match first.help.take() {
            Some(help) if help.ends_with(['?', '.']) => format!("{help} {why}"),
            Some(help) => format!("{help}. {why}"),
            None => why,
        });
    }

    pub fn into_parts(self) -> (SourceFile, Vec<Diagnostic>) {
        match self {
            Inspected::Polyaxonfile(checked) => {
                let checked = *checked;
                (checked.source, checked.diagnostics)
            }
            Inspected::AgentValues(checked) => {
                let checked = *checked;
                (checked.source, checked.diagnostics)
            }
        }
    }
}

/// A file through its family: the agent's values or a Polyaxonfile, as its top-level keys
/// decide (`discover`). Where they could have meant the other, the first finding says which
/// keys decided.
pub fn inspect(path: &str, bytes: Vec<u8>, context: &check::Context<'_>) -> Inspected {
    let (source, tree, diagnostics) = load::load(path, bytes, Limits::default());
    let reading = tree.as_ref().map(discover::reading);
    let mut inspected = match tree {
        Some(tree) if reading.as_ref().map(|r| r.content) == Some(Content::AgentValues) => {
            Inspected::AgentValues(Box::new(crate::agent::check_values(
                source,
                &tree,
                diagnostics,
            )))
        }
        tree => Inspected::Polyaxonfile(Box::new(check::polyaxonfile(
            source,
            tree,
            diagnostics,
            context,
        ))),
    };
    if let Some(reading) = reading {
        inspected.explain(&reading);
    }
    inspected
}
