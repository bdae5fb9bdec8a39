//! Renders a run's templates with its params and globals, as Polyaxon 2.18 resolves them:
//! values print the way Python prints them (`True`, `None`, `1e-05`, `['a', 1]`); a result
//! that reads as a number, bool or null is typed like one (Polyaxon's `literal_eval`), except
//! in `command` and `args`, which stay text and lose the items that render to nothing.

use compact_str::CompactString;
use std::fmt::Write as _;

use minijinja::value::{Value, ValueKind};
use serde_json::json;

use crate::params::{Bound, BoundIo};
use crate::yaml::{Node, NodeKind, Style};

/// What a run is, for its `globals`: plx has no Polyaxon run, so these come from flags with
/// stable defaults.
#[derive(Clone, Debug)]
pub struct RunIdentity {
    pub name: String,
    pub uuid: String,
    pub owner: String,
    pub project: String,
    pub namespace: Option<String>,
    /// A service's ports (`globals.ports`, `base_url`); `None` for other runs.
    pub ports: Option<Vec<i64>>,
    /// The service's URL prefix: `services/v1`, `rewrite-services/v1`, `external/v1`, ...
    pub service_prefix: &'static str,
}

/// Where Polyaxon mounts a run's context (`POLYAXON_CONTEXT_ROOT`).
const CONTEXT_ROOT: &str = "/plx-context";

/// `globals` as Polyaxon builds them for a run that is being compiled: the times, the user
/// and the iteration do not exist yet and are `None`.
pub fn globals(run: &RunIdentity) -> serde_json::Value {
    let artifacts = format!("{CONTEXT_ROOT}/artifacts");
    let mut globals = json!({
        "owner_name": run.owner,
        "project_name": run.project,
        "project_unique_name": format!("{}.{}", run.owner, run.project),
        "project_uuid": run.project,
        "username": null,
        "user_email": null,
        "run_info": format!("{}.{}.runs.{}", run.owner, run.project, run.uuid),
        "name": run.name,
        "uuid": run.uuid,
        "namespace": run.namespace,
        "iteration": null,
        "context_path": CONTEXT_ROOT,
        "artifacts_path": artifacts,
        "created_at": null,
        "compiled_at": null,
        "schedule_at": null,
        "started_at": null,
        "finished_at": null,
        "duration": null,
        "cloning_kind": null,
        "original_uuid": null,
        "is_independent": true,
        "store_path": "",
        "run_relative_outputs_path": format!("{}/outputs", run.uuid),
        "run_artifacts_path": format!("{artifacts}/{}", run.uuid),
        "run_outputs_path": format!("{artifacts}/{}/outputs", run.uuid),
    });
    if let Some(ports) = &run.ports {
        let base = |port: i64| {
            format!(
                "/{}/{}/{}/{}/runs/{}/{port}",
                run.service_prefix,
                run.namespace.as_deref().unwrap_or("default"),
                run.owner,
                run.project,
                run.uuid
            )
        };
        let first = ports.first().copied().unwrap_or(80);
        globals["ports"] = json!(ports);
        globals["base_url"] = json!(base(first));
        let urls: Vec<String> = if ports.is_empty() {
            vec![base(80)]
        } else {
            ports.iter().map(|p| base(*p)).collect()
        };
        globals["base_urls"] = json!(urls);
    }
    globals
}

/// The template context: each input and output by name, `params`, `globals`, and the
/// agent's `connections` and `init` schemas by connection name.
pub fn context(
    bound: &Bound,
    globals: serde_json::Value,
    connections: serde_json::Value,
) -> Result<Value, String> {
    let mut top = serde_json::Map::new();
    let mut params = serde_json::Map::new();
    let mut as_args = Vec::new();
    for item in &bound.ios {
        let display = display(item);
        let as_arg = as_arg(item)?;
        if !as_arg.is_null() && as_arg != json!("") {
            as_args.push(as_arg.clone());
        }
        params.insert(
            item.io.name.clone(),
            // Polyaxon's key order, which shows when a whole param is rendered.
            json!({
                "connection": item.io.connection,
                "value": item.value,
                "type": item.io.io_type,
                "as_str": as_str(item.value.as_ref()),
                "as_arg": as_arg,
            }),
        );
        top.insert(item.io.name.clone(), display);
    }
    for (name, value) in &bound.contexts {
        top.insert(
            name.clone(),
            value.clone().unwrap_or(serde_json::Value::Null),
        );
        params.insert(
            name.clone(),
            json!({"connection": null, "value": value, "type": null,
                   "as_str": as_str(value.as_ref()), "as_arg": serde_json::Value::Null}),
        );
    }
    params.insert("as_args".into(), serde_json::Value::Array(as_args));
    top.insert("params".into(), serde_json::Value::Object(params));
    top.insert("globals".into(), globals);
    top.insert("connections".into(), connections.clone());
    top.insert("init".into(), connections);
    Ok(Value::from(minijinja::value::Serde(
        serde_json::Value::Object(top),
    )))
}

/// `{{ NAME }}`: a flag is `--NAME` or nothing; a `str` is its text; anything else its value.
fn display(item: &BoundIo) -> serde_json::Value {
    if item.io.is_flag == Some(true) {
        let on = item.value.as_ref().is_some_and(truthy);
        return json!(if on {
            format!("--{}", item.io.name)
        } else {
            String::new()
        });
    }
    item.value.clone().unwrap_or(serde_json::Value::Null)
}

fn truthy(value: &serde_json::Value) -> bool {
    match value {
        serde_json::Value::Null => false,
        serde_json::Value::Bool(b) => *b,
        serde_json::Value::Number(n) => n.as_f64() != Some(0.0),
        serde_json::Value::String(s) => !s.is_empty(),
        serde_json::Value::Array(a) => !a.is_empty(),
        serde_json::Value::Object(o) => !o.is_empty(),
    }
}

/// `params.NAME.as_str`: text as it is, anything else as JSON.
fn as_str(value: Option<&serde_json::Value>) -> serde_json::Value {
    match value {
        None | Some(serde_json::Value::Null) => serde_json::Value::Null,
        Some(serde_json::Value::String(text)) => json!(text),
        Some(other) => json!(other.to_string()),
    }
}

/// `params.NAME.as_arg`: its `argFormat` rendered with the value, else `--NAME=<as_str>`
/// (`--NAME` for a set flag), else nothing.
fn as_arg(item: &BoundIo) -> Result<serde_json::Value, String> {
    let Some(value) = item.value.as_ref().filter(|v| !v.is_null()) else {
        return Ok(json!(""));
    };
    if let Some(format) = &item.io.arg_format {
        let env = super::environment();
        let mut scope = serde_json::Map::new();
        scope.insert(item.io.name.clone(), value.clone());
        return env
            .render_str(format, Value::from(minijinja::value::Serde(&scope)))
            .map(serde_json::Value::String)
            .map_err(|e| format!("`argFormat` of `{}`: {e}", item.io.name));
    }
    if item.io.is_flag == Some(true) {
        return Ok(json!(if truthy(value) {
            format!("--{}", item.io.name)
        } else {
            String::new()
        }));
    }
    let text = match as_str(Some(value)) {
        serde_json::Value::String(text) => text,
        _ => String::new(),
    };
    Ok(json!(format!("--{}={text}", item.io.name)))
}

/// The environment substitution uses: plx's, printing values as Python does.
pub fn environment() -> minijinja::Environment<'static> {
    let mut env = super::environment();
    env.set_formatter(|out, _state, value| {
        out.write_str(&python(value))
            .map_err(|_| minijinja::Error::new(minijinja::ErrorKind::WriteFailure, "output"))
    });
    env
}

/// How Python's `str()` prints a value (what Polyaxon's templates produce).
fn python(value: &Value) -> String {
    match value.kind() {
        ValueKind::Undefined | ValueKind::None => "None".to_owned(),
        ValueKind::Bool => if value.is_true() { "True" } else { "False" }.to_owned(),
        ValueKind::String => value.as_str().unwrap_or_default().to_owned(),
        ValueKind::Number => match value.as_i64() {
            Some(i) if !value.to_string().contains('.') => i.to_string(),
            _ => python_float(f64::try_from(value.clone()).unwrap_or(f64::NAN)),
        },
        _ => repr(value),
    }
}

/// Python's `repr()`: strings quoted, containers recursively.
fn repr(value: &Value) -> String {
    match value.kind() {
        ValueKind::String => {
            let text = value.as_str().unwrap_or_default();
            if text.contains('\'') && !text.contains('"') {
                format!("\"{text}\"")
            } else {
                format!("'{}'", text.replace('\\', "\\\\").replace('\'', "\\'"))
            }
        }
        ValueKind::Seq => {
            let items: Vec<String> = value
                .try_iter()
                .map(|items| items.map(|item| repr(&item)).collect())
                .unwrap_or_default();
            format!("[{}]", items.join(", "))
        }
        ValueKind::Map => {
            let mut out = String::from("{");
            if let Ok(keys) = value.try_iter() {
                for (index, key) in keys.enumerate() {
                    if index > 0 {
                        out.push_str(", ");
                    }
                    let item = value.get_item(&key).unwrap_or_default();
                    let _ = write!(out, "{}: {}", repr(&key), repr(&item));
                }
            }
            out.push('}');
            out
        }
        _ => python(value),
    }
}

/// Python's float repr: the shortest digits that read back, in positional notation for
/// exponents from -4 to 15 (with `.0` when whole), scientific (`1e-05`, `1e+16`) otherwise.
pub fn python_float(value: f64) -> String {
    if value.is_nan() {
        return "nan".to_owned();
    }
    if value.is_infinite() {
        return if value > 0.0 { "inf" } else { "-inf" }.to_owned();
    }
    let scientific = format!("{value:e}");
    let (mantissa, exponent) = scientific.split_once('e').unwrap_or((&scientific, "0"));
    let exponent: i32 = exponent.parse().unwrap_or(0);
    if (-4..16).contains(&exponent) {
        let text = format!("{value}");
        if text.contains('.') {
            text
        } else {
            format!("{text}.0")
        }
    } else {
        let sign = if exponent < 0 { '-' } else { '+' };
        format!("{mantissa}e{sign}{:02}", exponent.abs())
    }
}

/// A node for a value a template produced, at the template's span.
fn from_json(value: &serde_json::Value, span: crate::yaml::Span) -> Node {
    let kind = match value {
        serde_json::Value::Array(items) => {
            NodeKind::Seq(items.iter().map(|item| from_json(item, span)).collect())
        }
        serde_json::Value::Object(map) => NodeKind::Map(
            map.iter()
                .map(|(key, value)| crate::yaml::Entry {
                    key: key.into(),
                    key_span: span,
                    key_style: Style::Quoted,
                    value: from_json(value, span),
                })
                .collect(),
        ),
        serde_json::Value::String(text) => NodeKind::Scalar {
            text: text.into(),
            style: Style::Quoted,
        },
        serde_json::Value::Null => NodeKind::Scalar {
            text: CompactString::default(),
            style: Style::Rendered,
        },
        other => NodeKind::Scalar {
            text: other.to_string().into(),
            style: Style::Rendered,
        },
    };
    Node { kind, span }
}

/// A template that failed to render, at its scalar.
#[derive(Debug)]
pub struct Failure {
    pub node: Node,
    pub message: String,
}

/// Besides what Polyaxon never renders, what substitution leaves alone at a component's level:
/// the declarations the params were bound to, and a nested component (rendered on its own).
const NOT_SUBSTITUTED: &[&str] = &["inputs", "outputs", "params", "component"];

/// The component at `prefix` with every template rendered (the tree keeps each scalar's span,
/// so later findings still point at what the user wrote).
pub fn substitute(
    tree: &Node,
    prefix: &str,
    env: &minijinja::Environment<'_>,
    context: &Value,
) -> Result<Node, Vec<Failure>> {
    let mut resolved = tree.clone();
    let Some(level) = node_at(&mut resolved, prefix) else {
        return Ok(resolved);
    };
    let mut failures = Vec::new();
    if let NodeKind::Map(entries) = &mut level.kind {
        for entry in entries.iter_mut() {
            let key = entry.key.as_str();
            if super::NOT_RENDERED.contains(&key) || NOT_SUBSTITUTED.contains(&key) {
                continue;
            }
            let pointer = format!("{prefix}/{}", entry.key);
            walk(
                &mut entry.value,
                &pointer,
                false,
                env,
                context,
                &mut failures,
            );
        }
    }
    if failures.is_empty() {
        Ok(resolved)
    } else {
        Err(failures)
    }
}

fn node_at<'a>(node: &'a mut Node, pointer: &str) -> Option<&'a mut Node> {
    let mut node = node;
    for token in pointer.split('/').skip(1) {
        let NodeKind::Map(entries) = &mut node.kind else {
            return None;
        };
        node = &mut entries.iter_mut().find(|e| e.key == token)?.value;
    }
    Some(node)
}

fn walk(
    node: &mut Node,
    pointer: &str,
    is_command_item: bool,
    env: &minijinja::Environment<'_>,
    context: &Value,
    failures: &mut Vec<Failure>,
) {
    match &mut node.kind {
        NodeKind::Scalar { text, .. } if super::is_template(text) => {
            match env.render_str(text, context.clone()) {
                // Polyaxon reads what a template gives back as a Python literal (a list a
                // param prints becomes a list again); a command or args item stays text.
                Ok(result) => {
                    *node = match super::literal::container(&result) {
                        Some(value) if !is_command_item => from_json(&value, node.span),
                        _ => Node {
                            kind: NodeKind::Scalar {
                                text: if !is_command_item && result == "None" {
                                    CompactString::default()
                                } else {
                                    result.into()
                                },
                                style: if is_command_item {
                                    Style::Quoted
                                } else {
                                    Style::Rendered
                                },
                            },
                            span: node.span,
                        },
                    }
                }
                Err(error) => failures.push(Failure {
                    node: node.clone(),
                    message: error.to_string(),
                }),
            }
        }
        NodeKind::Scalar { .. } => {}
        NodeKind::Map(entries) => {
            for entry in entries.iter_mut() {
                let at = format!("{pointer}/{}", entry.key);
                walk(&mut entry.value, &at, false, env, context, failures);
            }
        }
        NodeKind::Seq(items) => {
            let is_command = pointer.ends_with("/command") || pointer.ends_with("/args");
            let templated: Vec<bool> = items
                .iter()
                .map(|item| matches!(&item.kind, NodeKind::Scalar { text, .. } if super::is_template(text)))
                .collect();
            for (index, item) in items.iter_mut().enumerate() {
                let at = format!("{pointer}/{index}");
                walk(item, &at, is_command, env, context, failures);
            }
            if is_command {
                // An unset optional input or a false flag leaves no empty argument behind
                // (a literal `""` or `None` the user wrote stays).
                let mut index = 0;
                items.retain(|item| {
                    let was_template = templated[index];
                    index += 1;
                    !(was_template
                        && matches!(&item.kind, NodeKind::Scalar { text, .. }
                            if text.is_empty() || text == "None"))
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floats_print_like_python() {
        assert_eq!(python_float(0.01), "0.01");
        assert_eq!(python_float(1e-5), "1e-05");
        assert_eq!(python_float(1.0), "1.0");
        assert_eq!(python_float(123456.0), "123456.0");
        assert_eq!(python_float(1e16), "1e+16");
        assert_eq!(python_float(2.5e-4), "0.00025");
    }

    #[test]
    fn values_print_like_python() {
        let env = environment();
        let render = |source: &str, value: serde_json::Value| {
            env.render_str(
                source,
                Value::from(minijinja::value::Serde(json!({"x": value}))),
            )
            .unwrap()
        };
        assert_eq!(render("{{ x }}", json!(true)), "True");
        assert_eq!(render("{{ x }}", json!(null)), "None");
        assert_eq!(render("{{ x }}", json!(5)), "5");
        assert_eq!(render("{{ x }}", json!(0.00001)), "1e-05");
        assert_eq!(render("{{ x }}", json!(["a", 1])), "['a', 1]");
        assert_eq!(render("{{ x }}", json!({"k": "v"})), "{'k': 'v'}");
    }
}
