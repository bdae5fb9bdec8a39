//! `declarations` (0.x's params) and the hyperparameters a search varies, as typed 1.1
//! `inputs`: `{{ name }}` in the command then reads them as before.

use serde_json::{Map, Value, json};

use crate::yaml::Node;

/// The 1.1 type of a value, as Polyaxon names it; `None` when the values disagree.
pub fn type_of(value: &Value) -> Option<&'static str> {
    Some(match value {
        Value::Bool(_) => "bool",
        Value::Number(n) if n.is_f64() => "float",
        Value::Number(_) => "int",
        Value::String(_) => "str",
        Value::Array(_) => "list",
        Value::Object(_) => "dict",
        Value::Null => return None,
    })
}

/// The one type of several values: ints among floats make floats; any other mix has none.
pub fn common_type<'v>(values: impl IntoIterator<Item = &'v Value>) -> Option<&'static str> {
    let mut common: Option<&'static str> = None;
    for value in values {
        let kind = type_of(value)?;
        common = Some(match (common, kind) {
            (None, kind) => kind,
            (Some(a), b) if a == b => a,
            (Some("int" | "float"), "int" | "float") => "float",
            _ => return None,
        });
    }
    common
}

/// An input with its default: optional, so the component runs as the 0.x file did.
pub fn declared(name: &str, node: &Node) -> Value {
    let value = node.to_json();
    let mut input = Map::new();
    input.insert("name".into(), name.into());
    if let Some(kind) = type_of(&value) {
        input.insert("type".into(), kind.into());
    }
    input.insert("value".into(), value);
    input.insert("isOptional".into(), true.into());
    Value::Object(input)
}

/// An input the search gives a value to, of the type of the values it takes.
pub fn searched(name: &str, kind: Option<&str>) -> Value {
    match kind {
        Some(kind) => json!({"name": name, "type": kind}),
        None => json!({"name": name}),
    }
}
