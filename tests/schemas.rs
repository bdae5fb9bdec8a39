//! `schemas/k8s/v1.33.0-plx.json`, the schema subset `plx check` embeds, is generated from the
//! pinned official sources next to it. This test regenerates it and fails when the checked-in
//! file differs, so the subset cannot drift from the sources; `PLX_BLESS=1` rewrites it.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde_json::{Map, Value, json};

/// The Kubernetes objects a Polyaxonfile holds all sit inside a pod spec.
const ROOTS: &[&str] = &["io.k8s.api.core.v1.PodSpec"];

/// Fields the OpenAPI spec lists as required (Go fields without `omitempty`) whose zero value
/// the API server accepts, so leaving them out is valid (`pkg/apis/core/validation`).
const ZERO_VALUE_ALLOWED: &[(&str, &str)] = &[
    // `validateHTTPGetAction` checks only the header's name.
    ("io.k8s.api.core.v1.HTTPHeader", "value"),
    // `validateSysctls` checks only the name.
    ("io.k8s.api.core.v1.Sysctl", "value"),
    // `sleep: {seconds: 0}` is allowed since 1.32 (PodLifecycleSleepActionAllowZero).
    ("io.k8s.api.core.v1.SleepAction", "seconds"),
    // LUN 0 is a valid LUN.
    ("io.k8s.api.core.v1.ISCSIVolumeSource", "lun"),
];

fn read_json(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn ref_name(schema: &Value) -> Option<&str> {
    schema.get("$ref")?.as_str()?.strip_prefix("#/$defs/")
}

/// The definition a schema refers to, when that definition has properties to walk into.
fn holds<'a>(definitions: &Map<String, Value>, schema: &'a Value) -> Option<&'a str> {
    ref_name(schema).filter(|name| {
        definitions[*name]
            .get("properties")
            .and_then(Value::as_object)
            .is_some_and(|p| !p.is_empty())
    })
}

/// A property as the runtime walker needs it: which definition its value, its list items or
/// its map values hold, and its enum. Every property is listed, so that the walker knows every
/// field's name (to find a snake_case spelling Polyaxon does not convert).
fn property(
    definitions: &Map<String, Value>,
    schema: &Value,
    enumeration: Option<&Value>,
) -> Value {
    let mut out = Map::new();
    if let Some(name) = holds(definitions, schema) {
        out.insert("ref".into(), json!(name));
    } else if let Some(name) = schema.get("items").and_then(|s| holds(definitions, s)) {
        out.insert("items".into(), json!(name));
    } else if let Some(name) = schema
        .get("additionalProperties")
        .and_then(|s| holds(definitions, s))
    {
        out.insert("values".into(), json!(name));
    }
    if let Some(values) = enumeration {
        out.insert("enum".into(), values.clone());
    }
    Value::Object(out)
}

fn generate(root: &Path) -> Value {
    let definitions = read_json(&root.join("v1.33.0-local-strict/_definitions.json"));
    let definitions = definitions["$defs"].as_object().expect("$defs");
    let enums = read_json(&root.join("v1.33.0-enums.json"));

    let mut subset = BTreeMap::new();
    let mut pending: Vec<String> = ROOTS.iter().map(|r| r.to_string()).collect();
    let mut seen: BTreeSet<String> = pending.iter().cloned().collect();
    while let Some(name) = pending.pop() {
        let definition = &definitions[&name];
        let mut properties = Map::new();
        if let Some(declared) = definition.get("properties").and_then(Value::as_object) {
            for (key, schema) in declared {
                let enumeration = enums.get(&name).and_then(|e| e.get(key));
                let entry = property(definitions, schema, enumeration);
                for held in ["ref", "items", "values"] {
                    if let Some(child) = entry.get(held).and_then(Value::as_str)
                        && seen.insert(child.to_owned())
                    {
                        pending.push(child.to_owned());
                    }
                }
                properties.insert(key.clone(), entry);
            }
        }
        let required: Vec<&Value> = definition
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter(|field| !ZERO_VALUE_ALLOWED.contains(&(name.as_str(), field.as_str().unwrap())))
            .collect();
        subset.insert(
            name,
            json!({ "required": required, "properties": properties }),
        );
    }
    serde_json::to_value(subset).unwrap()
}

#[test]
fn the_embedded_schema_subset_is_generated_from_the_pinned_sources() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas/k8s");
    let generated = serde_json::to_string_pretty(&generate(&root)).unwrap() + "\n";
    assert_generated(&root.join("v1.33.0-plx.json"), &generated);
}

/// A generated file matches what its generator writes now; `PLX_BLESS=1` rewrites it.
fn assert_generated(path: &Path, generated: &str) {
    if std::env::var_os("PLX_BLESS").is_some() {
        std::fs::write(path, generated).unwrap();
    }
    let current = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        current == generated,
        "{} is stale; run `PLX_BLESS=1 cargo test --test schemas`",
        path.display()
    );
}

#[test]
fn every_enum_names_a_real_property() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas/k8s");
    let definitions = read_json(&root.join("v1.33.0-local-strict/_definitions.json"));
    let enums = read_json(&root.join("v1.33.0-enums.json"));
    for (name, properties) in enums.as_object().unwrap() {
        for key in properties.as_object().unwrap().keys() {
            assert!(
                definitions["$defs"][name]["properties"].get(key).is_some(),
                "{name}.{key}"
            );
        }
    }
}

/// The subset as Rust statics (`src/k8s/schema_data.rs`): what `plx` reads at run time, with
/// nothing to parse. Definitions and properties are sorted by name, for binary search.
fn rust_source(subset: &Value) -> String {
    let quoted = |text: &str| format!("{text:?}");
    let list = |items: Vec<String>| format!("&[{}]", items.join(", "));
    let option = |value: Option<String>| value.map_or("None".to_owned(), |v| format!("Some({v})"));
    let mut out = String::from(
        "//! @generated by `tests/schemas.rs` from `schemas/k8s/v1.33.0-plx.json`; do not edit:\n\
         //! `PLX_BLESS=1 cargo test --test schemas` writes it.\n\n\
         use super::schema::{Definition, Property};\n\n\
         #[rustfmt::skip]\n\
         pub(super) static DEFINITIONS: &[(&str, Definition)] = &[\n",
    );
    let definitions: BTreeMap<&String, &Value> = subset.as_object().unwrap().iter().collect();
    for (name, definition) in definitions {
        let required = definition["required"].as_array().unwrap();
        let required = list(
            required
                .iter()
                .map(|r| quoted(r.as_str().unwrap()))
                .collect(),
        );
        let properties: BTreeMap<&String, &Value> = definition["properties"]
            .as_object()
            .unwrap()
            .iter()
            .collect();
        let properties: Vec<String> = properties
            .into_iter()
            .map(|(key, property)| {
                let text = |field: &str| property[field].as_str().map(quoted);
                let allowed = property["enum"].as_array().map(|values| {
                    list(values.iter().map(|v| quoted(v.as_str().unwrap())).collect())
                });
                format!(
                    "({}, Property {{ holds: {}, items: {}, values: {}, allowed: {} }})",
                    quoted(key),
                    option(text("ref")),
                    option(text("items")),
                    option(text("values")),
                    option(allowed)
                )
            })
            .collect();
        out.push_str(&format!(
            "    ({}, Definition {{ required: {required}, properties: &[\n        {},\n    ] }}),\n",
            quoted(name),
            properties.join(",\n        ")
        ));
    }
    out.push_str("];\n");
    out
}

#[test]
fn the_schema_statics_are_generated_from_the_subset() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let subset = read_json(&root.join("schemas/k8s/v1.33.0-plx.json"));
    let generated = rust_source(&subset);
    assert_generated(&root.join("src/k8s/schema_data.rs"), &generated);
}
