//! `plx migrate`: a Polyaxon 0.x Polyaxonfile (`version: 1`, `kind: experiment|job|group|
//! notebook|tensorboard`) translated to a `version: 1.1` component, or to an operation with
//! a `matrix` for a hyperparameter search. What 1.1 has no place for is reported (MIG001) at
//! its key, never silently dropped; a file that cannot be translated gets MIG002.

mod container;
mod environment;
mod inputs;
mod matrix;
mod section;
mod service;

use serde_json::{Map, Value, json};

use crate::diagnostic::Diagnostic;
use crate::yaml::Node;

use environment::{Distributed, Environment};
use section::{Notes, Section, text};

/// A translation: the 1.1 document (`None` when the file could not be translated) and what
/// was reported on the way.
pub struct Migrated {
    pub document: Option<Value>,
    pub diagnostics: Vec<Diagnostic>,
}

pub fn migrate(tree: &Node) -> Migrated {
    let mut notes = Notes::default();
    let document = translate(tree, &mut notes);
    Migrated {
        document,
        diagnostics: notes.0,
    }
}

/// The 0.x kinds a 1.1 component can take the place of.
const COMPONENT_KINDS: &[&str] = &["experiment", "job", "group", "notebook", "tensorboard"];

fn translate(tree: &Node, notes: &mut Notes) -> Option<Value> {
    let Some(kind) = tree.get("kind") else {
        notes.refuse(
            tree,
            "the file has no `kind`, so it is no Polyaxon 0.x file".into(),
            NOT_V0,
        );
        return None;
    };
    let name = text(&kind.value).unwrap_or_default();
    let version = tree.get("version").and_then(|v| text(&v.value));
    if version.is_some_and(|v| v != "1") {
        notes.refuse(
            &kind.value,
            format!(
                "`version: {}` is not Polyaxon 0.x's `version: 1`: there is nothing to migrate",
                version.unwrap_or_default()
            ),
            NOT_V0,
        );
        return None;
    }
    match name {
        _ if COMPONENT_KINDS.contains(&name) => component_file(tree, name, notes),
        "operations" => Some(early_operation(tree)),
        "build" | "pipeline" => {
            notes.refuse(
                &kind.value,
                format!("a 0.x `kind: {name}` has no 1.1 component to become"),
                "a build is an operation's `build` section with the hub's kaniko component; a pipeline is a `run.kind: dag` of operations: write them by hand",
            );
            None
        }
        _ => {
            notes.refuse(
                &kind.value,
                format!("`kind: {name}` is not a Polyaxon 0.x kind"),
                NOT_V0,
            );
            None
        }
    }
}

const NOT_V0: &str = "`plx migrate` translates Polyaxon 0.x files (`version: 1` with `kind: experiment`, `job`, `group`, `notebook` or `tensorboard`); `plx check` checks 1.1 files";

/// A 0.x file as a component, or as an operation around one when it searches
/// hyperparameters.
fn component_file(tree: &Node, kind: &str, notes: &mut Notes) -> Option<Value> {
    let mut top = Section::new(tree, "");
    top.take("version");
    top.take("kind");
    let mut component = Map::new();
    component.insert("version".into(), json!(1.1));
    component.insert("kind".into(), "component".into());
    for key in ["name", "description", "tags"] {
        if let Some(node) = top.take(key) {
            component.insert(key.into(), node.to_json());
        }
    }
    let declarations = top.take("declarations").or_else(|| top.take("params"));
    let search = top.take("hptuning").map(|h| matrix::search(h, notes));
    let backend = (kind == "notebook").then(|| top.take("backend")).flatten();
    let main = main_container(&mut top, tree, notes);
    let environment = top
        .take("environment")
        .map(|e| environment::environment(e, notes))
        .unwrap_or_default();
    top.finish(notes);
    let mut main = main?;
    let inputs = inputs(declarations, search.as_ref());
    if !inputs.is_empty() {
        component.insert("inputs".into(), Value::Array(inputs));
    }
    let run = match kind {
        "notebook" => service::notebook(main, backend.and_then(text), environment),
        "tensorboard" => service::tensorboard(main, environment),
        _ => {
            if let Some(resources) = &environment.resources {
                main.insert("resources".into(), resources.clone());
            }
            run(main, environment)
        }
    };
    component.insert("run".into(), run);
    Some(match search {
        Some(search) => json!({
            "version": 1.1,
            "kind": "operation",
            "matrix": search.matrix,
            "component": component,
        }),
        None => Value::Object(component),
    })
}

/// The main container from `build` and `run`; `None` (reported) when the file names no
/// image to run.
fn main_container(
    top: &mut Section<'_>,
    tree: &Node,
    notes: &mut Notes,
) -> Option<Map<String, Value>> {
    let mut container = Map::new();
    let mut image = None;
    let mut env = None;
    let build = top.entry("build");
    if let Some(build) = build {
        let mut section = Section::new(&build.value, "build");
        image = section.take("image").and_then(text).map(str::to_owned);
        env = section
            .take("env_vars")
            .map(|vars| container::env(vars, notes));
        section.finish(notes);
    }
    let run = top.take("run");
    let mut cmd = None;
    if let Some(run) = run {
        let mut section = Section::new(run, "run");
        // The first 0.x releases put the image in `run`.
        image = image.or_else(|| section.take("image").and_then(text).map(str::to_owned));
        cmd = section.take("cmd");
        section.finish(notes);
    }
    let Some(image) = image else {
        let at = build
            .or_else(|| tree.get("kind"))
            .map_or(tree, |e| &e.value);
        notes.refuse(
            at,
            "the file names no image to run (0.x built it from a Dockerfile or build steps), and a 1.1 container needs one".into(),
            "build and push the image yourself, then add `build: {image: NAME}` to the 0.x file and migrate again",
        );
        return None;
    };
    container.insert("image".into(), image.into());
    if let Some(cmd) = cmd {
        container::command(cmd, &mut container, notes);
    }
    if let Some(env) = env {
        container.insert("env".into(), env);
    }
    Some(container)
}

/// The inputs: the declarations with their values, then what the search varies (a
/// declaration the search also varies is the search's).
fn inputs(declarations: Option<&Node>, search: Option<&matrix::Search>) -> Vec<Value> {
    let searched: Vec<&(String, Option<&str>)> = search
        .map(|s| s.params.iter().collect())
        .unwrap_or_default();
    let mut out: Vec<Value> = declarations
        .and_then(Node::entries)
        .unwrap_or_default()
        .iter()
        .filter(|e| !searched.iter().any(|(name, _)| *name == e.key))
        .map(|e| inputs::declared(&e.key, &e.value))
        .collect();
    let mut seen: Vec<&str> = Vec::new();
    for (name, kind) in searched {
        if !seen.contains(&name.as_str()) {
            seen.push(name);
            out.push(inputs::searched(name, *kind));
        }
    }
    out
}

/// A job, or the distributed run the 0.x environment asks for, each replica running the
/// main container with its role's resources.
fn run(main: Map<String, Value>, environment: Environment) -> Value {
    let Some(Distributed { kind, roles }) = environment.distributed else {
        return job("job", main, environment.pod);
    };
    let mut run = Map::new();
    run.insert("kind".into(), kind.into());
    for role in roles {
        let mut container = main.clone();
        container.remove("resources");
        if let Some(resources) = role.resources {
            container.insert("resources".into(), resources);
        }
        let mut replica = Map::new();
        replica.insert("replicas".into(), role.replicas);
        if !role.pod.is_empty() {
            replica.insert("environment".into(), Value::Object(role.pod));
        }
        replica.insert("container".into(), Value::Object(container));
        run.insert(role.name.into(), Value::Object(replica));
    }
    Value::Object(run)
}

/// A run of one pod: `kind`, its `environment` when it has one, and its container.
fn job(kind: &str, container: Map<String, Value>, pod: Map<String, Value>) -> Value {
    let mut run = Map::new();
    run.insert("kind".into(), kind.into());
    if !pod.is_empty() {
        run.insert("environment".into(), Value::Object(pod));
    }
    run.insert("container".into(), Value::Object(container));
    Value::Object(run)
}

/// `kind: operations`, written between 0.x and 1.1 (an operation with a `matrix` and a
/// `pathRef`): already 1.1 but for its kind and version.
fn early_operation(tree: &Node) -> Value {
    let mut out = Map::new();
    out.insert("version".into(), json!(1.1));
    out.insert("kind".into(), "operation".into());
    for entry in tree.entries().unwrap_or_default() {
        if !matches!(entry.key.as_str(), "version" | "kind") {
            out.insert(entry.key.as_str().to_owned(), entry.value.to_json());
        }
    }
    Value::Object(out)
}
