//! `hptuning` as a 1.1 `matrix`: the search algorithm becomes the matrix `kind`, each
//! hyperparameter a param of the same distribution (0.x `values` is `choice`, `pvalues`
//! `pchoice`), and the params it varies become the component's inputs.

use serde_json::{Map, Value};

use super::inputs::common_type;
use super::section::{Notes, Section, camel_json, items};
use crate::yaml::Node;
use crate::yaml::scalar::{Resolved, resolve_core};

/// A translated search: the `matrix`, and the inputs it gives values to, with their types.
pub struct Search {
    pub matrix: Value,
    pub params: Vec<(String, Option<&'static str>)>,
}

/// 0.x names of settings to their 1.1 names.
type Names = &'static [(&'static str, &'static str)];

/// 0.x's search algorithms: their key, the matrix kind, and their settings' 1.1 names.
const ALGORITHMS: &[(&str, &str, Names)] = &[
    ("grid_search", "grid", &[("n_experiments", "numRuns")]),
    (
        "random_search",
        "random",
        &[("n_experiments", "numRuns"), ("seed", "seed")],
    ),
    (
        "hyperband",
        "hyperband",
        &[
            ("max_iter", "maxIterations"),
            ("eta", "eta"),
            ("resource", "resource"),
            ("metric", "metric"),
            ("resume", "resume"),
            ("seed", "seed"),
        ],
    ),
    (
        "bo",
        "bayes",
        &[
            ("n_iterations", "maxIterations"),
            ("n_initial_trials", "numInitialRuns"),
            ("metric", "metric"),
            ("seed", "seed"),
        ],
    ),
];

/// The bayesian search's utility function, 0.x names to 1.1's.
const UTILITY: &[(&str, &str)] = &[
    ("acquisition_function", "acquisitionFunction"),
    ("kappa", "kappa"),
    ("eps", "eps"),
    ("n_warmup", "numWarmup"),
    ("n_iter", "numIterations"),
];

const GAUSSIAN_PROCESS: &[(&str, &str)] = &[
    ("kernel", "kernel"),
    ("length_scale", "lengthScale"),
    ("nu", "nu"),
    ("n_restarts_optimizer", "numRestartsOptimizer"),
];

/// 0.x's distributions: their key and the 1.1 param kind.
const DISTRIBUTIONS: &[(&str, &str)] = &[
    ("values", "choice"),
    ("pvalues", "pchoice"),
    ("range", "range"),
    ("linspace", "linspace"),
    ("logspace", "logspace"),
    ("geomspace", "geomspace"),
    ("uniform", "uniform"),
    ("quniform", "quniform"),
    ("loguniform", "loguniform"),
    ("qloguniform", "qloguniform"),
    ("normal", "normal"),
    ("qnormal", "qnormal"),
    ("lognormal", "lognormal"),
    ("qlognormal", "qlognormal"),
];

pub fn search(hptuning: &Node, notes: &mut Notes) -> Search {
    let mut section = Section::new(hptuning, "hptuning");
    let mut matrix = Map::new();
    let mut params = Vec::new();
    let mut settings = Map::new();
    let mut kind = "grid";
    for (key, matrix_kind, names) in ALGORITHMS {
        let Some(node) = section.take(key) else {
            continue;
        };
        kind = matrix_kind;
        let mut algorithm = Section::new(node, &section.path_of(key));
        renamed(&mut algorithm, names, &mut settings);
        if let Some(utility) = algorithm.take("utility_function") {
            settings.insert("utilityFunction".into(), utility_function(utility, notes));
        }
        if let Some(resource) = settings.get("resource") {
            params.push(resource_input(resource));
        }
        algorithm.finish(notes);
    }
    matrix.insert("kind".into(), kind.into());
    if let Some(concurrency) = section.take("concurrency") {
        matrix.insert("concurrency".into(), concurrency.to_json());
    }
    matrix.extend(settings);
    if let Some(stopping) = section.take("early_stopping") {
        matrix.insert("earlyStopping".into(), early_stopping(stopping));
    }
    let mut hp = Map::new();
    if let Some(node) = section.take("matrix") {
        for entry in node.entries().unwrap_or_default() {
            let path = format!("hptuning.matrix.{}", entry.key);
            if let Some((param, kind)) = distribution(&entry.value, &path, notes) {
                params.push((entry.key.as_str().to_owned(), kind));
                hp.insert(entry.key.as_str().to_owned(), param);
            }
        }
    }
    matrix.insert("params".into(), Value::Object(hp));
    section.finish(notes);
    Search {
        matrix: Value::Object(matrix),
        params,
    }
}

/// Copies the values of `names`' 0.x keys under their 1.1 names.
fn renamed(section: &mut Section<'_>, names: &[(&str, &str)], out: &mut Map<String, Value>) {
    for (old, new) in names {
        if let Some(node) = section.take(old) {
            out.insert((*new).into(), camel_json(node));
        }
    }
}

fn utility_function(node: &Node, notes: &mut Notes) -> Value {
    let mut section = Section::new(node, "hptuning.bo.utility_function");
    let mut out = Map::new();
    renamed(&mut section, UTILITY, &mut out);
    if let Some(process) = section.take("gaussian_process") {
        let mut inner = Section::new(process, &section.path_of("gaussian_process"));
        let mut gp = Map::new();
        renamed(&mut inner, GAUSSIAN_PROCESS, &mut gp);
        inner.finish(notes);
        out.insert("gaussianProcess".into(), Value::Object(gp));
    }
    section.finish(notes);
    Value::Object(out)
}

/// Hyperband gives each run its budget through the resource's input.
fn resource_input(resource: &Value) -> (String, Option<&'static str>) {
    let name = resource["name"].as_str().unwrap_or("resource").to_owned();
    let kind = match resource["type"].as_str() {
        Some("float") => "float",
        _ => "int",
    };
    (name, Some(kind))
}

/// 0.x's early stopping policies (`[{metric, value, optimization}]`) as 1.1's metric early
/// stopping.
fn early_stopping(node: &Node) -> Value {
    let policies = items(node).iter().map(|policy| {
        let mut out = Map::new();
        out.insert("kind".into(), "metric_early_stopping".into());
        if let Value::Object(fields) = camel_json(policy) {
            out.extend(fields);
        }
        Value::Object(out)
    });
    Value::Array(policies.collect())
}

/// One hyperparameter (`{values: [...]}`) as a 1.1 param (`{kind: choice, value: [...]}`),
/// with the type of the values it takes.
fn distribution(
    node: &Node,
    path: &str,
    notes: &mut Notes,
) -> Option<(Value, Option<&'static str>)> {
    if node.entries().is_none_or(<[_]>::is_empty) {
        notes.changed(
            node,
            format!("`{path}` gives no distribution, so the search cannot vary it; it is left out"),
            "give it `values: [...]` or another 0.x distribution (`range`, `uniform`, ...) before migrating",
        );
        return None;
    }
    let mut section = Section::new(node, path);
    let found = DISTRIBUTIONS
        .iter()
        .find_map(|(key, kind)| section.take(key).map(|value| (*key, *kind, value)));
    section.finish(notes);
    let (key, kind, value) = found?;
    let json = value.to_json();
    let input_type = match key {
        "values" => json.as_array().and_then(common_type),
        "pvalues" => json
            .as_array()
            .and_then(|pairs| common_type(pairs.iter().filter_map(|p| p.get(0)))),
        "range" => Some(range_type(&json)),
        _ => Some("float"),
    };
    let mut param = Map::new();
    param.insert("kind".into(), kind.into());
    param.insert("value".into(), json);
    Some((Value::Object(param), input_type))
}

/// A range of ints (`[-5, 0, 1]`, `10:600:50`) gives ints; any float in it, floats.
fn range_type(value: &Value) -> &'static str {
    let numbers: Vec<Value> = match value {
        Value::String(text) => text
            .split(':')
            .map(|part| match resolve_core(part.trim()) {
                Resolved::Int(i) => Value::from(i),
                Resolved::Float(f) => Value::from(f),
                _ => Value::Null,
            })
            .collect(),
        Value::Array(items) => items.clone(),
        Value::Object(fields) => fields.values().cloned().collect(),
        _ => Vec::new(),
    };
    match common_type(&numbers) {
        Some("int") => "int",
        _ => "float",
    }
}
