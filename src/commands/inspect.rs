//! One file through the rule family that reads it: the agent's values through `agent`, a
//! Polyaxonfile (or a Polyaxon 0.x file) through `check`.

use super::discover;
use crate::check::{self, Checked};
use crate::diagnostic::Diagnostic;
use crate::document::{SourceFile, load};
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

pub fn inspect(path: &str, bytes: Vec<u8>, context: &check::Context<'_>) -> Inspected {
    let (source, tree, diagnostics) = load::load(path, bytes, Limits::default());
    match tree {
        Some(tree) if discover::is_agent_values(&tree) => Inspected::AgentValues(Box::new(
            crate::agent::check_values(source, &tree, diagnostics),
        )),
        tree => Inspected::Polyaxonfile(Box::new(check::polyaxonfile(
            source,
            tree,
            diagnostics,
            context,
        ))),
    }
}
