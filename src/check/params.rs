//! Binds the params a run is given (`-P`, `--params-file`, an operation's `params`) to the
//! `inputs` and `outputs` of the component that runs: PRM001 unknown names, PRM002 required
//! inputs without a value, PRM003 values that do not fit their type or `validation`.

use serde_json::Value;

use crate::diagnostic::Diagnostic;
use crate::model::runnable;
use crate::model::{V1Io, V1Polyaxonfile};
use crate::params::{self, Bound, BoundIo, Given, Origin, Raw};
use crate::rules;
use crate::rules::Severity;
use crate::yaml::Node;
use crate::yaml::tree::{child_pointer, entry_pointer, item_pointer};

/// Binds `given` (from the command line) and the file's own `params` to the runnable
/// component's IO. `rendering` makes a missing required input an error: `check` can judge
/// a file without its params (like `polyaxon check --lint`), `render` cannot.
pub fn bind(
    file: &V1Polyaxonfile,
    tree: &Node,
    given: &[Given],
    rendering: bool,
) -> (Bound, Vec<Diagnostic>) {
    bind_to(file, tree, None, given, rendering)
}

/// A component an operation runs by reference, read from its own file.
pub struct Referenced<'a> {
    pub file: &'a V1Polyaxonfile,
    pub tree: &'a Node,
}

/// `bind`, for an operation whose component is `referenced` (its `pathRef` followed): the
/// operation's params are judged at their lines, the component's inputs are named by file.
pub fn bind_to(
    file: &V1Polyaxonfile,
    tree: &Node,
    referenced: Option<Referenced<'_>>,
    given: &[Given],
    rendering: bool,
) -> (Bound, Vec<Diagnostic>) {
    // A component by reference that was not followed: its inputs are not known here.
    let unfollowed = referenced.is_none()
        && file.component.is_none()
        && file.run.is_none()
        && (file.hub_ref.is_some()
            || file.path_ref.is_some()
            || file.url_ref.is_some()
            || file.dag_ref.is_some());
    if unfollowed {
        return (Bound::default(), Vec::new());
    }
    let mut binder = Binder::new(file, tree, referenced.as_ref(), rendering);
    let params = binder.params(given);
    let values = binder.values(&params);
    binder.settle(values);
    (binder.bound, binder.out)
}

/// One declared input or output: the IO, whether it is an output, whether the file gives it
/// a default `value`, and its pointer.
type Declared = (V1Io, bool, bool, String);

/// What binding a run's params needs to know, and what it has found so far.
struct Binder<'a> {
    file: &'a V1Polyaxonfile,
    tree: &'a Node,
    /// The component whose IO the params are for, the pointer of its level and its tree
    /// (another file's, when `foreign`).
    component: &'a V1Polyaxonfile,
    io_tree: &'a Node,
    foreign: bool,
    rendering: bool,
    strict: bool,
    /// Inputs a matrix gives each of its runs.
    matrix: Vec<String>,
    ios: Vec<Declared>,
    bound: Bound,
    out: Vec<Diagnostic>,
}

impl<'a> Binder<'a> {
    fn new(
        file: &'a V1Polyaxonfile,
        tree: &'a Node,
        referenced: Option<&Referenced<'a>>,
        rendering: bool,
    ) -> Self {
        let (component, prefix, io_tree, foreign) = match referenced {
            Some(r) => (r.file, "", r.tree, true),
            None => {
                let (component, prefix) = runnable(file);
                (component, prefix, tree, false)
            }
        };
        // A matrix is the operation's: at the top, whether the component is inline or not.
        let matrix = super::templates::matrix_names(tree);
        let declared = |list: &Option<Vec<V1Io>>, key: &str, is_output: bool| {
            list.iter()
                .flatten()
                .enumerate()
                .map(|(index, io)| {
                    let pointer = item_pointer(prefix, key, index);
                    let has_default = io_tree
                        .pointer(&pointer)
                        .is_some_and(|l| l.node.get("value").is_some());
                    (io.clone(), is_output, has_default, pointer)
                })
                .collect::<Vec<_>>()
        };
        let mut ios = declared(&component.inputs, "inputs", false);
        ios.extend(declared(&component.outputs, "outputs", true));
        Self {
            file,
            tree,
            component,
            io_tree,
            foreign,
            rendering,
            strict: file.strict_params == Some(true) || component.strict_params == Some(true),
            matrix,
            ios,
            bound: Bound {
                complete: true,
                ..Bound::default()
            },
            out: Vec::new(),
        }
    }

    /// The file's own params, then the command line's, which override them name by name.
    fn params(&mut self, given: &[Given]) -> Vec<Given> {
        let mut all: Vec<Given> = Vec::new();
        for (name, param) in self.file.params.iter().flatten() {
            let pointer = entry_pointer("/params", name);
            let value = self
                .tree
                .pointer(&child_pointer(&pointer, "value"))
                .or_else(|| self.tree.pointer(&pointer))
                .map(|l| l.node.span)
                .unwrap_or_default();
            let key = self
                .tree
                .pointer(&pointer)
                .and_then(|l| l.key_span)
                .unwrap_or(value);
            if param.context_only == Some(true) || param.reference.is_some() {
                self.bound
                    .contexts
                    .push((name.clone(), param.value.clone()));
                continue;
            }
            all.push(Given {
                name: name.clone(),
                raw: Raw::Value(param.value.clone().unwrap_or(Value::Null)),
                origin: Origin::Operation { key, value },
            });
        }
        for flag in given {
            all.retain(|g| g.name != flag.name);
            all.push(flag.clone());
        }
        all
    }

    /// Each declared IO's value among the params, typed and validated (PRM001, PRM003).
    fn values(&mut self, params: &[Given]) -> Vec<Option<(Value, Origin)>> {
        let mut values: Vec<Option<(Value, Origin)>> = vec![None; self.ios.len()];
        for param in params {
            let Some(index) = self.ios.iter().position(|(io, ..)| io.name == param.name) else {
                self.undeclared(param);
                continue;
            };
            let io = &self.ios[index].0;
            // A template is Polyaxon's to render when the run resolves; judged with its result.
            if matches!(&param.raw, Raw::Value(Value::String(t)) if crate::template::is_template(t))
            {
                values[index] = Some((raw_value(&param.raw), param.origin));
                continue;
            }
            let typed = params::coerce(io, &param.raw)
                .map_err(|reason| (reason, false))
                .and_then(|value| {
                    params::validate(io, &value).map_err(|reason| (reason, true))?;
                    Ok(value)
                });
            values[index] = match typed {
                Ok(value) => Some((value, param.origin)),
                Err((reason, by_validation)) => {
                    let diagnostic = invalid(io, param, &reason, by_validation);
                    self.out.push(diagnostic);
                    // Judged already: not also reported as missing.
                    Some((Value::Null, param.origin))
                }
            };
        }
        values
    }

    /// A param no IO declares: a context value of the file's own, unless `strictParams`; a
    /// typo on the command line (PRM001).
    fn undeclared(&mut self, param: &Given) {
        if self
            .bound
            .contexts
            .iter()
            .any(|(name, _)| *name == param.name)
        {
            return;
        }
        if !self.strict && matches!(param.origin, Origin::Operation { .. }) {
            self.bound
                .contexts
                .push((param.name.clone(), Some(raw_value(&param.raw))));
            return;
        }
        let names: Vec<&str> = self.ios.iter().map(|(io, ..)| io.name.as_str()).collect();
        let mut diagnostic = Diagnostic::new(
            &rules::PRM_UNKNOWN_PARAM,
            format!(
                "{} is not an input or output of `{}`",
                param.origin.describe(&param.name),
                self.component.name.as_deref().unwrap_or("this component")
            ),
        )
        .help(
            crate::suggest::did_you_mean(&param.name, names.iter().copied()).unwrap_or_else(|| {
                if names.is_empty() {
                    "this component declares no inputs or outputs; declare one, or give the param `contextOnly: true` in an operation".to_owned()
                } else {
                    format!("its inputs and outputs are {}", quoted(&names))
                }
            }),
        );
        if let Some(span) = param.origin.key_span() {
            diagnostic = diagnostic.at(span);
        }
        self.out.push(diagnostic);
    }

    /// Each IO with its value, default or none; a required input without one is PRM002.
    fn settle(&mut self, values: Vec<Option<(Value, Origin)>>) {
        let ios = std::mem::take(&mut self.ios);
        for ((io, is_output, has_default, pointer), value) in ios.into_iter().zip(values) {
            let (value, origin) = match value {
                Some((value, origin)) => (Some(value), Some(origin)),
                None if has_default => (io.value.clone(), None),
                None => (None, None),
            };
            if value.is_none() && !is_output {
                self.missing(&io, has_default, &pointer);
            }
            self.bound.ios.push(BoundIo {
                io,
                is_output,
                value,
                origin,
            });
        }
    }

    /// An input without a value: one a matrix gives (on `render`, which writes one run), or a
    /// required one.
    fn missing(&mut self, io: &V1Io, has_default: bool, pointer: &str) {
        let from_matrix = self.matrix.contains(&io.name);
        if from_matrix && self.rendering {
            // Each run of the matrix gets its own value; render writes one run.
            self.bound.complete = false;
            self.out.push(
                Diagnostic::new(
                    &rules::PRM_MISSING_PARAM,
                    format!(
                        "input `{}` takes its values from the `matrix`, which runs many runs",
                        io.name
                    ),
                )
                .help(format!(
                    "pass `-P {}=<value>` to render one of them",
                    io.name
                ))
                .severity(Severity::Error),
            );
        }
        if from_matrix || !params::is_required(io, has_default) {
            return;
        }
        self.bound.complete = false;
        let span = self
            .io_tree
            .pointer(&child_pointer(pointer, "name"))
            .map(|l| l.node.span)
            .filter(|_| !self.foreign);
        let kind = params::io_type(io).unwrap_or_else(|| "value".to_owned());
        let whose = if self.foreign {
            format!(
                " of `{}`",
                self.component
                    .name
                    .as_deref()
                    .unwrap_or("the referenced component")
            )
        } else {
            String::new()
        };
        let mut diagnostic = Diagnostic::new(
            &rules::PRM_MISSING_PARAM,
            format!("input `{}`{whose} is required and has no value", io.name),
        )
        .help(format!(
            "pass `-P {}=<{kind}>` (or a params file, or the operation's `params`), or give the input a default `value` or `isOptional: true`",
            io.name
        ));
        if let Some(span) = span {
            diagnostic = diagnostic.at(span);
        }
        if self.rendering {
            diagnostic.severity = Severity::Error;
        }
        self.out.push(diagnostic);
    }
}

/// A param that does not fit its IO's type or `validation` (PRM003).
fn invalid(io: &V1Io, param: &Given, reason: &str, by_validation: bool) -> Diagnostic {
    let kind = params::io_type(io).unwrap_or_else(|| "any".to_owned());
    let help = if by_validation {
        format!("give `{}` a value that passes its `validation`", io.name)
    } else {
        format!(
            "`{}` is declared `type: {kind}`{}; give a value of that type",
            io.name,
            if io.is_list == Some(true) {
                " with `isList: true`"
            } else {
                ""
            }
        )
    };
    let mut diagnostic = Diagnostic::new(
        &rules::PRM_INVALID_PARAM,
        format!("{}: {reason}", param.origin.describe(&param.name)),
    )
    .help(help);
    if let Some(span) = param.origin.value_span() {
        diagnostic = diagnostic.at(span);
    }
    diagnostic
}

fn raw_value(raw: &Raw) -> Value {
    match raw {
        Raw::Text(text) => Value::String(text.clone()),
        Raw::Value(value) => value.clone(),
    }
}

fn quoted(names: &[&str]) -> String {
    names
        .iter()
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ")
}
