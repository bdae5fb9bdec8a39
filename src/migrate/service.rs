//! 0.x notebooks and tensorboards as 1.1 services, started as the Polyaxon hub's
//! `jupyter-lab`, `jupyter-notebook` and `tensorboard` components start them: on the port
//! Polyaxon gives, under the base URL its proxy serves.

use serde_json::{Map, Value, json};

use super::environment::Environment;

/// A notebook (`backend: lab` is JupyterLab) on Jupyter's port 8888.
pub fn notebook(
    container: Map<String, Value>,
    backend: Option<&str>,
    environment: Environment,
) -> Value {
    let app = if backend == Some("lab") {
        "lab"
    } else {
        "notebook"
    };
    let args = json!([
        "--no-browser",
        "--ip=0.0.0.0",
        "--port={{ globals.ports[0] }}",
        "--allow-root",
        "--NotebookApp.allow_origin=*",
        "--NotebookApp.trust_xheaders=True",
        "--NotebookApp.token=",
        "--NotebookApp.base_url={{ globals.base_url }}",
        "--NotebookApp.notebook_dir={{ globals.run_outputs_path }}",
        "--LabApp.base_url={{ globals.base_url }}",
    ]);
    service(8888, container, json!(["jupyter", app]), args, environment)
}

/// A TensorBoard on its port 6006, over the artifacts of the project's runs, as 0.x's
/// project tensorboard showed them.
pub fn tensorboard(container: Map<String, Value>, environment: Environment) -> Value {
    let args = json!([
        "--logdir={{ globals.artifacts_path }}",
        "--port={{ globals.ports[0] }}",
        "--path_prefix={{ globals.base_url }}",
        "--host=0.0.0.0",
    ]);
    service(6006, container, json!(["tensorboard"]), args, environment)
}

fn service(
    port: u16,
    mut container: Map<String, Value>,
    command: Value,
    args: Value,
    environment: Environment,
) -> Value {
    container.insert("command".into(), command);
    container.insert("args".into(), args);
    if let Some(resources) = environment.resources {
        container.insert("resources".into(), resources);
    }
    let mut run = Map::new();
    run.insert("kind".into(), "service".into());
    run.insert("ports".into(), json!([port]));
    if !environment.pod.is_empty() {
        run.insert("environment".into(), Value::Object(environment.pod));
    }
    run.insert("container".into(), Value::Object(container));
    Value::Object(run)
}
