//! JSON Schemas for editors (`plx schema polyaxonfile|agent-values`), generated from the same
//! Rust types plx reads files with, so an editor and `plx check` agree on the keys and types.
//! The schemas accept what plx accepts: every key in its camelCase and its snake_case
//! spelling (Polyaxon reads both), and no other key.

use serde_json::Value;

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Target {
    /// Polyaxonfiles (components and operations)
    Polyaxonfile,
    /// The Polyaxon agent's Helm values
    AgentValues,
}

impl Target {
    /// The file name under `schemas/editor/`.
    pub fn file_name(self) -> &'static str {
        match self {
            Target::Polyaxonfile => "polyaxonfile.json",
            Target::AgentValues => "agent-values.json",
        }
    }
}

pub fn generate(target: Target) -> Value {
    let generator = schemars::generate::SchemaSettings::draft07().into_generator();
    let (schema, title) = match target {
        Target::Polyaxonfile => (
            generator.into_root_schema_for::<crate::model::V1Polyaxonfile>(),
            "Polyaxonfile (Polyaxon 2.x, as plx reads it)",
        ),
        Target::AgentValues => (
            generator.into_root_schema_for::<crate::model::agent::AgentValues>(),
            "Polyaxon agent Helm values (chart 2.15, as plx reads them)",
        ),
    };
    let mut schema = schema.to_value();
    close_objects(&mut schema);
    // A run's main container may go unnamed: Polyaxon names it `polyaxon-main` (so does plx),
    // and init containers `init-N`. Kubernetes' schema requires the name.
    if let Some(container) = schema
        .pointer_mut("/definitions/io.k8s.api.core.v1.Container")
        .and_then(Value::as_object_mut)
    {
        container.remove("required");
    }
    if let Some(object) = schema.as_object_mut() {
        object.insert("title".into(), Value::from(title));
    }
    schema
}

/// Every object schema with properties: snake_case spellings added, other keys refused.
fn close_objects(value: &mut Value) {
    match value {
        Value::Object(object) => {
            if let Some(Value::Object(properties)) = object.get_mut("properties") {
                let snake: Vec<(String, Value)> = properties
                    .iter()
                    .filter_map(|(key, schema)| {
                        let spelled = snake_case(key);
                        (spelled != *key && !properties.contains_key(&spelled))
                            .then(|| (spelled, schema.clone()))
                    })
                    .collect();
                properties.extend(snake);
                object
                    .entry("additionalProperties")
                    .or_insert(Value::Bool(false));
            }
            for child in object.values_mut() {
                close_objects(child);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(close_objects),
        _ => {}
    }
}

/// `nodeSelector` -> `node_selector`.
fn snake_case(key: &str) -> String {
    let mut out = String::with_capacity(key.len() + 4);
    for (index, c) in key.chars().enumerate() {
        if c.is_ascii_uppercase() {
            if index > 0 {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_get_their_snake_case_spelling() {
        assert_eq!(snake_case("nodeSelector"), "node_selector");
        assert_eq!(snake_case("kind"), "kind");
        let schema = generate(Target::Polyaxonfile);
        let text = schema.to_string();
        assert!(text.contains("\"nodeSelector\"") && text.contains("\"node_selector\""));
        assert_eq!(schema["additionalProperties"], false);
    }
}
