//! REF001 and IO002 of a Polyaxonfile: the component an operation runs by reference,
//! followed and checked as a file of its own, and the `pathRef`s of a dag's operations.

use super::{Checked, Context};
use crate::diagnostic::Diagnostic;
use crate::document::load;
use crate::yaml::{Limits, Node};

/// How long a chain of references may be: real ones are one or two hops, and a bound keeps a
/// generated chain from costing more than it is worth.
const MAX_REFERENCES: usize = 32;

/// The component an operation runs by reference, followed through every `pathRef` (and
/// `hubRef` with `--hub-dir`) and checked as a file of its own; its params are judged with the
/// operation's. `Ok(None)`: no reference, or one `check` leaves to Polyaxon (the hub).
pub(super) fn follow(
    path: &str,
    tree: &Node,
    context: &Context<'_>,
) -> Result<Option<Checked>, Box<Diagnostic>> {
    use crate::compose::refs::{self, Reference};
    let Some((first, span)) = Reference::of(tree) else {
        return Ok(None);
    };
    let fail_with = |rule: &'static crate::rules::Rule, message: String, help: String| {
        Box::new(Diagnostic::new(rule, message).at(span).help(help))
    };
    let fail =
        |message: String, help: String| fail_with(&crate::rules::REF_UNRESOLVED, message, help);
    let reaches = |reference: &Reference| match reference {
        Reference::Path(_) => true,
        Reference::Hub(_) => context.hub_dir.is_some() || context.rendering,
        Reference::Url(_) | Reference::Dag(_) => context.rendering,
    };
    if !reaches(&first) || path == "-" {
        return Ok(None);
    }
    let sources = refs::Sources {
        hub_dir: context.hub_dir.map(std::path::Path::to_path_buf),
    };
    let start = std::fs::canonicalize(path).map_err(|e| {
        fail(
            format!("cannot follow references from `{path}`: {e}"),
            "check the file from disk".to_owned(),
        )
    })?;
    let mut seen = vec![start.clone()];
    let mut reference = first;
    let mut from = start;
    loop {
        let target = refs::resolve(&reference, &from, &sources, &seen)
            .map_err(|u| fail_with(u.rule, u.message, u.help))?;
        let bytes = crate::document::read::read(&target).map_err(|e| {
            fail(
                format!("cannot read `{}`: {e}", refs::shown(&target)),
                "name a Polyaxonfile of the repository".to_owned(),
            )
        })?;
        let shown = refs::shown(&target);
        let (_, target_tree, _) = load::load(&shown, bytes.clone(), Limits::default());
        match target_tree.as_ref().and_then(Reference::of) {
            Some(_) if seen.len() >= MAX_REFERENCES => {
                return Err(fail(
                    format!(
                        "more than {MAX_REFERENCES} references lead from this file to its component"
                    ),
                    "point the operation at the component itself".to_owned(),
                ));
            }
            Some((next, _)) if reaches(&next) => {
                seen.push(target.clone());
                from = target;
                reference = next;
            }
            _ => {
                return component(&shown, bytes, context)
                    .map(Some)
                    .map_err(|help| fail(format!("the component `{shown}` has errors"), help));
            }
        }
    }
}

/// The component at the end of the chain, checked as a file of its own; what to run to see
/// its errors, when it has any.
fn component(shown: &str, bytes: Vec<u8>, context: &Context<'_>) -> Result<Checked, String> {
    let mut component = super::check_bytes(
        shown,
        bytes,
        &Context {
            params: &[],
            rendering: false,
            presets: &[],
            ..*context
        },
    );
    // Its params are the operation's, judged there.
    component
        .diagnostics
        .retain(|d| d.rule.family != crate::rules::Family::Params);
    if component.diagnostics.iter().any(Diagnostic::is_error) {
        return Err(format!("`plx check {shown}` shows them"));
    }
    Ok(component)
}

/// A component followed to its tree, or why it could not be.
type Followed = Result<Option<Node>, Box<Diagnostic>>;

/// The components a dag's operations run by reference (`pathRef`, and `hubRef` with
/// `--hub-dir`), followed and checked each as a file of its own, by the operation's pointer;
/// what stops one from being followed is a finding at its reference (REF001, IO002). A `dagRef`
/// names a component of the dag itself, composed in place (`compose::dag_operations`).
pub(super) fn dag_operations(
    path: &str,
    tree: &Node,
    context: &Context<'_>,
) -> (Vec<(String, Node)>, Vec<Diagnostic>) {
    use crate::compose::refs::Reference;
    let context = Context {
        // A dag is not rendered: what its operations reach is judged as `check` judges it.
        rendering: false,
        ..*context
    };
    let mut followed = Vec::new();
    let mut found = Vec::new();
    // Operations often share a component: each is checked once.
    let mut seen: Vec<(Reference, Followed)> = Vec::new();
    for (pointer, operation) in crate::compose::dag_operation_nodes(tree) {
        let Some((reference, span)) = Reference::of(operation) else {
            continue;
        };
        if matches!(reference, Reference::Dag(_) | Reference::Url(_)) {
            continue;
        }
        let outcome = match seen.iter().find(|(r, _)| *r == reference) {
            Some((_, outcome)) => outcome.clone(),
            None => {
                let outcome = follow(path, operation, &context)
                    .map(|component| component.and_then(|c| c.tree));
                seen.push((reference, outcome.clone()));
                outcome
            }
        };
        match outcome {
            Ok(Some(component)) => followed.push((pointer, component)),
            Ok(None) => {}
            Err(diagnostic) => found.push((*diagnostic).at(span)),
        }
    }
    (followed, found)
}
