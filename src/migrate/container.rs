//! The main container: `build.image` (or an early 0.x `run.image`), `run.cmd`,
//! `build.env_vars` and `environment.resources`.

use serde_json::{Map, Value, json};

use super::section::{Notes, Section, items, text};
use crate::yaml::{Node, NodeKind};

/// 0.x ran `cmd` as `/bin/bash -c CMD`, a list of commands joined with `&&`: the 1.1
/// container runs it the same way, so pipes, `&&` and `$VARS` keep working. A part that is
/// not text (a mapping, a list) is reported, not dropped.
pub fn command(cmd: &Node, container: &mut Map<String, Value>, notes: &mut Notes) {
    let parts: Vec<&Node> = match &cmd.kind {
        NodeKind::Seq(items) => items.iter().collect(),
        _ => vec![cmd],
    };
    let mut script = Vec::new();
    for part in parts {
        match text(part) {
            Some(line) => script.push(line),
            None if part.is_null() => {}
            None => notes.changed(
                part,
                "this part of `run.cmd` is not a command line and is left out".into(),
                "write each command as a line of text",
            ),
        }
    }
    let script = script.join(" && ");
    if script.trim().is_empty() {
        return;
    }
    container.insert("command".into(), json!(["/bin/bash", "-c"]));
    container.insert("args".into(), json!([script]));
}

/// `build.env_vars` (`[[NAME, value], ...]`): variables 0.x baked into the image, set on the
/// container instead. Kubernetes wants every value as a string. An item that is not a
/// `[NAME, value]` pair is reported, not dropped.
pub fn env(vars: &Node, notes: &mut Notes) -> Value {
    let mut env = Vec::new();
    for pair in items(vars) {
        let parts = items(pair);
        match parts.first().and_then(text) {
            Some(name) => {
                let value = parts.get(1).and_then(text).unwrap_or_default();
                env.push(json!({"name": name, "value": value}));
            }
            None => notes.changed(
                pair,
                "this item of `build.env_vars` is not a `[NAME, value]` pair and is left out"
                    .into(),
                "write each variable as `[NAME, value]`",
            ),
        }
    }
    Value::Array(env)
}

/// `environment.resources` (`cpu`, `memory`, `gpu`, `tpu`, each with `requests` and
/// `limits`) as the container's Kubernetes resources.
pub fn resources(node: &Node, path: &str, notes: &mut Notes) -> Option<Value> {
    let mut section = Section::new(node, path);
    let mut requests = Map::new();
    let mut limits = Map::new();
    for (key, name) in [
        ("cpu", "cpu"),
        ("memory", "memory"),
        ("gpu", "nvidia.com/gpu"),
        ("tpu", "cloud-tpus.google.com/v2"),
    ] {
        let Some(value) = section.take(key) else {
            continue;
        };
        let path = section.path_of(key);
        let mut pair = Section::new(value, &path);
        let request = pair.take("requests").map(|n| quantity(key, n));
        let limit = pair.take("limits").map(|n| quantity(key, n));
        pair.finish(notes);
        let (request, limit) = extended_pair(key, value, request, limit, notes);
        if let Some(request) = request {
            requests.insert(name.into(), request);
        }
        if let Some(limit) = limit {
            limits.insert(name.into(), limit);
        }
    }
    section.finish(notes);
    let mut out = Map::new();
    if !requests.is_empty() {
        out.insert("requests".into(), Value::Object(requests));
    }
    if !limits.is_empty() {
        out.insert("limits".into(), Value::Object(limits));
    }
    (!out.is_empty()).then_some(Value::Object(out))
}

/// A 0.x amount as a Kubernetes quantity: 0.x meant memory in MB (`4096` is `4096Mi`);
/// CPUs and devices are counts as written.
fn quantity(key: &str, node: &Node) -> Value {
    let value = node.to_json();
    match (&value, key) {
        (Value::Number(n), "memory") => Value::String(format!("{n}Mi")),
        _ => value,
    }
}

/// Kubernetes refuses a GPU or TPU whose request differs from its limit (devices are not
/// overcommitted): the limit, which 0.x handed to the device plugin, is kept for both.
fn extended_pair(
    key: &str,
    node: &Node,
    request: Option<Value>,
    limit: Option<Value>,
    notes: &mut Notes,
) -> (Option<Value>, Option<Value>) {
    if !matches!(key, "gpu" | "tpu") {
        return (request, limit);
    }
    match (request, limit) {
        (Some(request), Some(limit)) if request != limit => {
            notes.changed(
                node,
                format!("`{key}` requests {request} and limits {limit}: Kubernetes wants a device's request equal to its limit, so both are {limit}"),
                "set `requests` and `limits` to the same count in the migrated file if another was meant",
            );
            (Some(limit.clone()), Some(limit))
        }
        pair => pair,
    }
}
