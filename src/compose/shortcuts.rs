//! Polyaxon 2.18's top-level shortcuts, resolved into `run` in its order: `ports` (a service
//! when there is no run), `container` (a job when there is no run), `cmd` (`/bin/sh -c` with
//! `set -e`), `env` (variables, the last of a name winning), `resources` (`cpu: "1..2"`,
//! `gpu: 1`), then `environment`, `init`, `connections`, `sidecars` and `volumes` as patches of
//! the run, each with the level's `patchStrategy`.

use crate::model::PatchStrategy;
use crate::yaml::{Entry, Node, NodeKind, Span, Style};
use compact_str::CompactString;

use super::patch::patch;

/// The shortcut keys, in the order Polyaxon applies them.
pub const KEYS: &[&str] = &[
    "ports",
    "container",
    "cmd",
    "env",
    "resources",
    "environment",
    "init",
    "connections",
    "sidecars",
    "volumes",
];

/// A shortcut value Polyaxon refuses, at its node.
#[derive(Debug, PartialEq)]
pub struct Invalid {
    pub span: Span,
    pub message: String,
}

fn scalar(text: impl Into<CompactString>, style: Style, span: Span) -> Node {
    Node {
        kind: NodeKind::Scalar {
            text: text.into(),
            style,
        },
        span,
    }
}

fn entry(key: &str, value: Node) -> Entry {
    Entry {
        key: key.into(),
        key_span: value.span,
        key_style: Style::Plain,
        value,
    }
}

fn map(entries: Vec<Entry>, span: Span) -> Node {
    Node {
        kind: NodeKind::Map(entries),
        span,
    }
}

/// Resolves the shortcuts of one level (a file or its component) into its `run`.
pub fn apply(level: &mut Node, strategy: PatchStrategy) -> Result<(), Vec<Invalid>> {
    let NodeKind::Map(entries) = &mut level.kind else {
        return Ok(());
    };
    let mut given: Vec<Entry> = Vec::new();
    for key in KEYS {
        if let Some(index) = entries.iter().position(|e| e.key == *key) {
            given.push(entries.remove(index));
        }
    }
    if given.is_empty() {
        return Ok(());
    }
    let mut invalid = Vec::new();
    if !entries.iter().any(|e| e.key == "run") {
        let kind = if given.iter().any(|e| e.key == "ports") {
            "service"
        } else {
            "job"
        };
        let span = given[0].key_span;
        entries.push(entry(
            "run",
            map(vec![entry("kind", scalar(kind, Style::Plain, span))], span),
        ));
    }
    let run = &mut entries
        .iter_mut()
        .find(|e| e.key == "run")
        .expect("added above")
        .value;
    for shortcut in given {
        if let Err(mut found) = resolve(run, &shortcut.key, shortcut.value, strategy) {
            invalid.append(&mut found);
        }
    }
    if invalid.is_empty() {
        Ok(())
    } else {
        Err(invalid)
    }
}

/// One shortcut resolved into `run`: `cmd` and `env` into the container, `resources`
/// lowered into the container's, anything else laid over the run's own key.
fn resolve(
    run: &mut Node,
    key: &str,
    value: Node,
    strategy: PatchStrategy,
) -> Result<(), Vec<Invalid>> {
    let refused = |message| {
        vec![Invalid {
            span: value.span,
            message,
        }]
    };
    match key {
        "cmd" => {
            let (command, args) = cmd(&value).map_err(refused)?;
            let container = child(run, "container");
            let has_own = container.get("command").is_some() || container.get("args").is_some();
            let replaces = matches!(strategy, PatchStrategy::PostMerge | PatchStrategy::Replace);
            if replaces || !has_own {
                set(container, "command", command);
                set(container, "args", args);
            }
        }
        "env" => {
            let new = env(&value).map_err(refused)?;
            let container = child(run, "container");
            let old = container
                .get("env")
                .map(|e| e.value.clone())
                .unwrap_or_else(|| Node {
                    kind: NodeKind::Seq(Vec::new()),
                    span: value.span,
                });
            set(container, "env", merge_env(old, new, strategy));
        }
        "resources" => {
            let lowered = resources(&value)?;
            let container = child(run, "container");
            let resources = child(container, "resources");
            patch(resources, &lowered, "resources", strategy);
        }
        key => {
            let target = child(run, key);
            patch(target, &value, key, strategy);
        }
    }
    Ok(())
}

/// The mapping under `key`, created empty when missing or null.
fn child<'a>(node: &'a mut Node, key: &str) -> &'a mut Node {
    let span = node.span;
    if !matches!(node.kind, NodeKind::Map(_)) {
        *node = map(Vec::new(), span);
    }
    let NodeKind::Map(entries) = &mut node.kind else {
        unreachable!("made a mapping above")
    };
    let index = match entries.iter().position(|e| e.key == key) {
        Some(index) => index,
        None => {
            entries.push(entry(key, map(Vec::new(), span)));
            entries.len() - 1
        }
    };
    let value = &mut entries[index].value;
    if value.is_null() {
        *value = map(Vec::new(), value.span);
    }
    value
}

fn set(node: &mut Node, key: &str, value: Node) {
    if let NodeKind::Map(entries) = &mut node.kind {
        match entries.iter_mut().find(|e| e.key == key) {
            Some(existing) => existing.value = value,
            None => entries.push(entry(key, value)),
        }
    }
}

/// `cmd: "python train.py"` or its lines -> `command: [/bin/sh, -c]`, `args: ["set -e\n..."]`.
fn cmd(value: &Node) -> Result<(Node, Node), String> {
    let lines: Vec<String> = match &value.kind {
        NodeKind::Scalar { text, .. } if !value.is_null() => vec![text.as_str().to_owned()],
        NodeKind::Seq(items) => items
            .iter()
            .enumerate()
            .map(|(index, item)| match &item.kind {
                NodeKind::Scalar { text, .. } if !text.trim().is_empty() => {
                    Ok(text.as_str().to_owned())
                }
                _ => Err(format!("cmd[{index}] must be a non-blank line")),
            })
            .collect::<Result<_, _>>()?,
        _ => return Err("cmd must be a script or a list of lines".to_owned()),
    };
    if lines.is_empty() {
        return Err("cmd must not be empty".to_owned());
    }
    if lines.iter().all(|l| l.trim().is_empty()) {
        return Err("cmd must not be blank".to_owned());
    }
    let span = value.span;
    let command = Node {
        kind: NodeKind::Seq(vec![
            scalar("/bin/sh", Style::Quoted, span),
            scalar("-c", Style::Quoted, span),
        ]),
        span,
    };
    let args = Node {
        kind: NodeKind::Seq(vec![scalar(
            format!("set -e\n{}", lines.join("\n")),
            Style::Quoted,
            span,
        )]),
        span,
    };
    Ok((command, args))
}

/// `env: {NAME: value}` -> `[{name, value}]`; values must be strings (Polyaxon asks to quote).
fn env(value: &Node) -> Result<Vec<Node>, String> {
    let Some(entries) = value.entries() else {
        return Err("env must be a mapping of names to string values".to_owned());
    };
    entries
        .iter()
        .map(|e| match &e.value.kind {
            NodeKind::Scalar { text, style } if !e.value.is_null() => {
                if *style == Style::Plain
                    && !matches!(
                        crate::yaml::scalar::resolve_core(text),
                        crate::yaml::scalar::Resolved::Str
                    )
                {
                    return Err(format!(
                        "env.{} must be a string; quote it: \"{text}\"",
                        e.key
                    ));
                }
                Ok(map(
                    vec![
                        entry("name", scalar(e.key.clone(), Style::Quoted, e.key_span)),
                        entry("value", scalar(text.clone(), Style::Quoted, e.value.span)),
                    ],
                    e.key_span,
                ))
            }
            _ => Err(format!("env.{} must be a string", e.key)),
        })
        .collect()
}

/// Variables merged as Polyaxon merges the `env` shortcut: new after old (`post_merge`) or
/// before (`pre_merge`), then one per name, the last one winning at its position.
fn merge_env(old: Node, new: Vec<Node>, strategy: PatchStrategy) -> Node {
    let NodeKind::Seq(old_items) = old.kind else {
        return old;
    };
    let items: Vec<Node> = match strategy {
        PatchStrategy::PreMerge => new.into_iter().chain(old_items).collect(),
        PatchStrategy::Isnull if !old_items.is_empty() => old_items,
        PatchStrategy::Replace | PatchStrategy::Isnull => new,
        PatchStrategy::PostMerge => old_items.into_iter().chain(new).collect(),
    };
    let mut kept: Vec<Node> = Vec::new();
    for item in items {
        if let Some(name) = name_of(&item) {
            kept.retain(|k| name_of(k).as_deref() != Some(name.as_str()));
        }
        kept.push(item);
    }
    Node {
        kind: NodeKind::Seq(kept),
        span: old.span,
    }
}

fn name_of(node: &Node) -> Option<String> {
    node.get("name")
        .and_then(|e| e.value.as_str().map(str::to_owned))
}

/// `resources: {cpu: "1..2", memory: 4Gi, gpu: 1}` -> a container's `requests` and `limits`.
fn resources(value: &Node) -> Result<Node, Vec<Invalid>> {
    let Some(entries) = value.entries() else {
        return Err(vec![Invalid {
            span: value.span,
            message: "resources must be a mapping such as `{cpu: 1, memory: 2Gi, gpu: 1}`"
                .to_owned(),
        }]);
    };
    let mut requests = Vec::new();
    let mut limits = Vec::new();
    let mut invalid = Vec::new();
    for e in entries {
        let key = match e.key.as_str() {
            "cpu" | "memory" => e.key.clone(),
            "gpu" => "nvidia.com/gpu".into(),
            "nvidia.com/gpu" => {
                invalid.push(Invalid {
                    span: e.key_span,
                    message: "resources.nvidia.com/gpu is spelled gpu".to_owned(),
                });
                continue;
            }
            other if other.contains('/') => other.into(),
            other => {
                invalid.push(Invalid {
                    span: e.key_span,
                    message: format!("unknown resource `{other}`; use cpu, memory, gpu, or an extended resource such as google.com/tpu"),
                });
                continue;
            }
        };
        let count = !matches!(key.as_str(), "cpu" | "memory");
        match quantity(&e.key, &e.value, count) {
            Ok((request, limit)) => {
                if let Some(request) = request {
                    requests.push(entry(&key, request));
                }
                if let Some(limit) = limit {
                    limits.push(entry(&key, limit));
                }
            }
            Err(message) => invalid.push(Invalid {
                span: e.value.span,
                message,
            }),
        }
    }
    if !invalid.is_empty() {
        return Err(invalid);
    }
    let mut out = Vec::new();
    if !requests.is_empty() {
        out.push(entry("requests", map(requests, value.span)));
    }
    if !limits.is_empty() {
        out.push(entry("limits", map(limits, value.span)));
    }
    Ok(map(out, value.span))
}

/// One shortcut quantity: `2` (a request; for counts a request and a limit), `"1..2"`,
/// `"1.."`, `"..2"`.
fn quantity(key: &str, value: &Node, count: bool) -> Result<(Option<Node>, Option<Node>), String> {
    let NodeKind::Scalar { text, style } = &value.kind else {
        return Err(format!(
            "resources.{key} must be a number or a range such as 1..2"
        ));
    };
    let text = text.trim();
    let valid = |part: &str| -> Result<Node, String> {
        let ok = if count {
            part.parse::<u64>().is_ok()
        } else if key == "cpu" {
            let digits = part.trim_end_matches(['m', 'u', 'n']);
            !digits.is_empty()
                && digits
                    .parse::<f64>()
                    .is_ok_and(|f| f.is_finite() && f >= 0.0)
        } else {
            let digits = [
                "Ki", "Mi", "Gi", "Ti", "Pi", "Ei", "k", "M", "G", "T", "P", "E",
            ]
            .iter()
            .find_map(|unit| part.strip_suffix(unit))
            .unwrap_or(part);
            !digits.is_empty()
                && digits
                    .parse::<f64>()
                    .is_ok_and(|f| f.is_finite() && f >= 0.0)
        };
        if !ok {
            return Err(if count {
                format!("resources.{key} must be an integer count")
            } else {
                format!(
                    "resources.{key} has an unsupported value `{part}`; use container.resources for other quantities or templates"
                )
            });
        }
        // Counts and plain numbers stay numbers, as Polyaxon keeps them.
        let typed = if *style == Style::Plain || count {
            Style::Plain
        } else {
            Style::Quoted
        };
        Ok(scalar(part, typed, value.span))
    };
    match text.split_once("..") {
        None => {
            let node = valid(text)?;
            Ok(if count {
                (Some(node.clone()), Some(node))
            } else {
                (Some(node), None)
            })
        }
        Some(("", "")) => Err(format!("resources.{key} needs a request, a limit, or both")),
        Some((request, limit)) => {
            let request = (!request.is_empty()).then(|| valid(request)).transpose()?;
            let limit = (!limit.is_empty()).then(|| valid(limit)).transpose()?;
            Ok((request, limit))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resolved(text: &str) -> serde_json::Value {
        let mut tree = crate::yaml::load(text, crate::yaml::Limits::default()).unwrap();
        apply(&mut tree, PatchStrategy::PostMerge).unwrap();
        tree.to_json()
    }

    #[test]
    fn shortcuts_resolve_as_polyaxon_resolves_them() {
        let run = resolved(
            "container: {image: busybox}\ncmd: python train.py --lr=0.1\nenv: {A: \"1\", B: hello}\nresources: {cpu: \"1..2\", memory: \"1Gi..2Gi\", gpu: 1, google.com/tpu: \"2..4\"}\n",
        )["run"]
            .clone();
        assert_eq!(run["kind"], "job");
        let container = &run["container"];
        assert_eq!(container["command"], serde_json::json!(["/bin/sh", "-c"]));
        assert_eq!(
            container["args"],
            serde_json::json!(["set -e\npython train.py --lr=0.1"])
        );
        assert_eq!(
            container["env"],
            serde_json::json!([{"name": "A", "value": "1"}, {"name": "B", "value": "hello"}])
        );
        assert_eq!(
            container["resources"],
            serde_json::json!({
                "requests": {"cpu": "1", "memory": "1Gi", "nvidia.com/gpu": 1, "google.com/tpu": 2},
                "limits": {"cpu": "2", "memory": "2Gi", "nvidia.com/gpu": 1, "google.com/tpu": 4},
            })
        );
    }

    #[test]
    fn ports_make_a_service_and_env_keeps_the_last_of_a_name() {
        let out = resolved(
            "ports: [8080]\ncontainer: {image: nginx, env: [{name: A, value: old}, {name: B, value: b}]}\nenv: {A: new, C: c}\n",
        );
        assert_eq!(out["run"]["kind"], "service");
        assert_eq!(out["run"]["ports"], serde_json::json!([8080]));
        let names: Vec<&str> = out["run"]["container"]["env"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["name"].as_str().unwrap())
            .collect();
        assert_eq!(names, ["B", "A", "C"]);
    }

    #[test]
    fn invalid_shortcuts_say_why() {
        let mut tree = crate::yaml::load(
            "resources: {disk: 1, nvidia.com/gpu: 1, cpu: abc, gpu: 0.5}\nenv: {A: 1}\ncmd: []\n",
            crate::yaml::Limits::default(),
        )
        .unwrap();
        let invalid = apply(&mut tree, PatchStrategy::PostMerge).unwrap_err();
        let messages: Vec<&str> = invalid.iter().map(|i| i.message.as_str()).collect();
        assert_eq!(messages.len(), 6, "{messages:?}");
    }
}
