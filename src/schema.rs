//! JSON Schemas for editors (`plx schema polyaxonfile|agent-values`), generated from the same
//! Rust types plx reads files with, so an editor and `plx check` agree on the keys and types.
//! The schemas accept what plx accepts: every key in its camelCase and its snake_case
//! spelling (Polyaxon reads both), and no other key.

use serde_json::{Map, Value};

use crate::yaml::tree::snake_case;

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
    let mut definitions = match schema.as_object_mut().and_then(|o| o.remove("definitions")) {
        Some(Value::Object(definitions)) => definitions,
        _ => Map::new(),
    };
    polyaxon_forms(&mut definitions);
    let mut spelling = Spelling {
        target,
        camel: definitions,
        built: Map::new(),
        wanted: Vec::new(),
    };
    spelling.close(&mut schema, None, None);
    spelling.build();
    // In the order schemars gave, each definition's spellings together.
    let mut built = spelling.built;
    let mut ordered = Map::new();
    for definition in spelling.camel.keys() {
        for levels in [None, Some(0), Some(1), Some(2)] {
            let name = Spelling::name(definition, levels);
            if let Some(schema) = built.remove(&name) {
                ordered.insert(name, schema);
            }
        }
    }
    ordered.extend(built);
    if let Some(object) = schema.as_object_mut() {
        object.insert("definitions".into(), Value::Object(ordered));
        object.insert("title".into(), Value::from(title));
    }
    schema
}

/// Where the Kubernetes schema is stricter than Polyaxon (and plx).
fn polyaxon_forms(definitions: &mut Map<String, Value>) {
    let Some(container) = definitions
        .get_mut(CONTAINER)
        .and_then(Value::as_object_mut)
    else {
        return;
    };
    // A run's main container may go unnamed: Polyaxon names it `polyaxon-main` (so does plx),
    // and init containers `init-N`. Kubernetes' schema requires the name.
    container.remove("required");
    // `command` and `args` may be one string, which Polyaxon splits into words (plx warns,
    // SCH011, when it holds spaces, but takes it).
    for field in ["command", "args"] {
        let Some(Value::Object(property)) = container
            .get_mut("properties")
            .and_then(|p| p.get_mut(field))
        else {
            continue;
        };
        let Some(items) = property.remove("items") else {
            continue;
        };
        property.remove("type");
        property.insert(
            "anyOf".into(),
            serde_json::json!([{ "type": "array", "items": items }, { "type": "string" }]),
        );
    }
}

const CONTAINER: &str = "io.k8s.api.core.v1.Container";
const VOLUME: &str = "io.k8s.api.core.v1.Volume";
const ENVIRONMENT: &str = "V1Environment";

/// How many levels of keys, from an object's own down, take their snake_case spelling: all
/// (`None`) in Polyaxon's own types, and in a Polyaxonfile's Kubernetes objects only as deep
/// as Polyaxon converts them (`tests/snake_case.rs`, SCH012): a container's and a volume's
/// own keys (and a container's `ports` items), `environment`'s own keys and those of the
/// objects in it. Deeper, only camelCase: the key a snake_case one would be dropped as.
type Levels = Option<usize>;

fn below(levels: Levels) -> Levels {
    levels.map(|l| l.saturating_sub(1))
}

/// The levels a Polyaxonfile converts in the Kubernetes object (or `environment`) it embeds.
fn embedded(definition: &str) -> Option<usize> {
    match definition {
        CONTAINER | VOLUME => Some(1),
        ENVIRONMENT => Some(2),
        _ => None,
    }
}

/// Builds the definitions a schema refers to, each in the spellings its place accepts.
struct Spelling {
    target: Target,
    /// The generated definitions, with camelCase keys only.
    camel: Map<String, Value>,
    built: Map<String, Value>,
    /// Definitions referred to and not built yet, by name, with their levels.
    wanted: Vec<(String, String, Levels)>,
}

impl Spelling {
    /// The name of `definition` with snake_case keys `levels` deep.
    fn name(definition: &str, levels: Levels) -> String {
        match levels {
            None => definition.to_owned(),
            Some(0) => format!("{definition}.camelCaseOnly"),
            Some(n) => format!("{definition}.snakeCase{n}"),
        }
    }

    fn build(&mut self) {
        while let Some((name, definition, levels)) = self.wanted.pop() {
            if self.built.contains_key(&name) {
                continue;
            }
            let Some(mut schema) = self.camel.get(&definition).cloned() else {
                continue;
            };
            // Reserved first: a definition may refer to itself.
            self.built.insert(name.clone(), Value::Null);
            self.close(&mut schema, levels, Some(&definition));
            self.built.insert(name, schema);
        }
    }

    /// Closes the objects in `value` (other keys refused), at `levels`: the snake_case
    /// spellings added, and references pointed at the definitions in their spellings.
    fn close(&mut self, value: &mut Value, levels: Levels, definition: Option<&str>) {
        match value {
            Value::Object(object) => {
                if let Some(Value::String(reference)) = object.get_mut("$ref")
                    && let Some(target) = reference.strip_prefix("#/definitions/")
                {
                    let target = target.to_owned();
                    let levels = match (levels, self.target) {
                        (None, Target::Polyaxonfile) => embedded(&target),
                        _ => levels,
                    };
                    let name = Self::name(&target, levels);
                    *reference = format!("#/definitions/{name}");
                    if !self.built.contains_key(&name) {
                        self.wanted.push((name, target, levels));
                    }
                }
                if object.contains_key("properties") {
                    self.close_properties(object, levels, definition);
                } else {
                    for child in object.values_mut() {
                        self.close(child, levels, None);
                    }
                }
            }
            Value::Array(items) => {
                for item in items {
                    self.close(item, levels, None);
                }
            }
            _ => {}
        }
    }

    fn close_properties(
        &mut self,
        object: &mut Map<String, Value>,
        levels: Levels,
        definition: Option<&str>,
    ) {
        let inner = below(levels);
        if let Some(Value::Object(properties)) = object.get_mut("properties") {
            for (key, schema) in properties.iter_mut() {
                // A container's `ports` items are converted as its own keys are.
                let at = if definition == Some(CONTAINER) && key == "ports" {
                    levels
                } else {
                    inner
                };
                self.close(schema, at, None);
            }
            if levels != Some(0) {
                let snake: Vec<(String, Value)> = properties
                    .iter()
                    .filter_map(|(key, schema)| {
                        let spelled = snake_case(key);
                        (spelled != *key && !properties.contains_key(&spelled))
                            .then(|| (spelled, schema.clone()))
                    })
                    .collect();
                properties.extend(snake);
            }
        }
        for (key, child) in object.iter_mut() {
            match key.as_str() {
                "properties" => {}
                // Map values are a level down; `allOf` and the like describe this object.
                "additionalProperties" | "patternProperties" => self.close(child, inner, None),
                _ => self.close(child, levels, None),
            }
        }
        object
            .entry("additionalProperties")
            .or_insert(Value::Bool(false));
        if levels != Some(0) {
            either_spelling_required(object);
        }
    }
}

/// A required field may be written in either spelling.
fn either_spelling_required(object: &mut Map<String, Value>) {
    let Some(Value::Array(required)) = object.get("required") else {
        return;
    };
    let (same, differ): (Vec<&Value>, Vec<&Value>) = required.iter().partition(|field| {
        field
            .as_str()
            .is_none_or(|field| snake_case(field) == field)
    });
    if differ.is_empty() {
        return;
    }
    let either: Vec<Value> = differ
        .iter()
        .filter_map(|field| field.as_str())
        .map(|field| {
            serde_json::json!({ "anyOf": [
                { "required": [field] },
                { "required": [snake_case(field)] },
            ] })
        })
        .collect();
    let same: Vec<Value> = same.into_iter().cloned().collect();
    if same.is_empty() {
        object.remove("required");
    } else {
        object.insert("required".into(), Value::Array(same));
    }
    match object.get_mut("allOf") {
        Some(Value::Array(all)) => all.extend(either),
        _ => {
            object.insert("allOf".into(), Value::Array(either));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_get_their_snake_case_spelling() {
        let schema = generate(Target::Polyaxonfile);
        let text = schema.to_string();
        assert!(text.contains("\"nodeSelector\"") && text.contains("\"node_selector\""));
        assert!(text.contains("\"host_pid\"") && !text.contains("host_p_i_d"));
        assert_eq!(schema["additionalProperties"], false);
    }

    #[test]
    fn snake_case_only_as_deep_as_polyaxon_converts_it() {
        let schema = generate(Target::Polyaxonfile);
        let definition = |name: &str| &schema["definitions"][name]["properties"];
        let container = definition("io.k8s.api.core.v1.Container.snakeCase1");
        assert!(container.get("volume_mounts").is_some());
        // A container's mounts are one level down: camelCase only, as SCH012 has it.
        let mount = definition("io.k8s.api.core.v1.VolumeMount.camelCaseOnly");
        assert!(mount.get("mountPath").is_some() && mount.get("mount_path").is_none());
        // ... but its ports' items are converted.
        let port = definition("io.k8s.api.core.v1.ContainerPort.snakeCase1");
        assert!(port.get("container_port").is_some());
        // A required field in either spelling.
        let required = &schema["definitions"]["io.k8s.api.core.v1.ContainerPort.snakeCase1"];
        assert!(
            required
                .to_string()
                .contains("\"required\":[\"container_port\"]")
        );
        // `command` may be one string.
        assert!(
            container["command"]
                .to_string()
                .contains("\"type\":\"string\"")
        );
    }
}
