//! Params: values for a component's `inputs` and `outputs`, from `-P name=value`,
//! `--params-file` or an operation's `params`, typed and validated the way Polyaxon 2.18
//! reads them (`clipped`'s ConfigParser and `V1Validation`), without its known bugs: `int`
//! does not take `true`, and `datetime` takes a time of day.

mod validation;

mod bound;

use serde_json::Value;

use crate::model::V1Io;
use crate::yaml::Span;

pub use bound::{Bound, BoundIo};

/// A param as given, before it is typed against its declaration.
#[derive(Clone, Debug, PartialEq)]
pub struct Given {
    pub name: String,
    pub raw: Raw,
    pub origin: Origin,
}

/// `-P` values are text, parsed per type; a params file or an operation gives YAML values.
#[derive(Clone, Debug, PartialEq)]
pub enum Raw {
    Text(String),
    Value(Value),
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Origin {
    /// `-P name=value`.
    Flag,
    /// `--params-file`.
    File,
    /// The operation's own `params` in the checked file: the param's name and its value.
    Operation { key: Span, value: Span },
}

impl Origin {
    /// Where the value is written, for a finding about the value.
    pub fn value_span(self) -> Option<Span> {
        match self {
            Origin::Operation { value, .. } => Some(value),
            _ => None,
        }
    }

    /// Where the name is written, for a finding about the name.
    pub fn key_span(self) -> Option<Span> {
        match self {
            Origin::Operation { key, .. } => Some(key),
            _ => None,
        }
    }

    /// How a message names where the value came from.
    pub fn describe(self, name: &str) -> String {
        match self {
            Origin::Flag => format!("`-P {name}=...`"),
            Origin::File => format!("`{name}` in the params file"),
            Origin::Operation { .. } => format!("param `{name}`"),
        }
    }
}

/// `-P name=value`: the value is everything after the first `=`.
pub fn parse_flag(text: &str) -> Result<(String, String), String> {
    match text.split_once('=') {
        Some((name, value)) if !name.trim().is_empty() => {
            Ok((name.trim().to_owned(), value.to_owned()))
        }
        _ => Err(format!("`{text}` is not `name=value`")),
    }
}

/// A params file: a YAML or JSON mapping of names to values (`lr: 0.01`), or to full-form
/// params (`lr: {value: 0.01}`).
pub fn read_file(text: &str) -> Result<Vec<Given>, String> {
    let tree = crate::yaml::load(text, crate::yaml::Limits::default())
        .map_err(|e| format!("not readable YAML ({e:?})"))?;
    let Some(entries) = tree.entries() else {
        return Err("a params file is a mapping of param names to values".to_owned());
    };
    Ok(entries
        .iter()
        .map(|entry| {
            let value = entry.value.to_json();
            let value = match value {
                Value::Object(mut map) if map.len() == 1 && map.contains_key("value") => {
                    map.remove("value").unwrap_or(Value::Null)
                }
                other => other,
            };
            Given {
                name: entry.key.as_str().to_owned(),
                raw: Raw::Value(value),
                origin: Origin::File,
            }
        })
        .collect())
}

/// The declared type, as Polyaxon names it (`int`, `float`, `str`, ...), lowercased.
pub fn io_type(io: &V1Io) -> Option<String> {
    io.io_type.as_deref().map(|t| t.trim().to_ascii_lowercase())
}

/// Types whose `-P` text is taken as it is rather than parsed as JSON.
const TEXT_TYPES: &[&str] = &[
    "str", "path", "image", "uri", "s3", "gcs", "wasb", "uuid", "email", "date", "datetime", "bool",
];

/// Types that hold a structure (`{url, revision}` for `git`).
const STRUCTURED_TYPES: &[&str] = &[
    "dict",
    "metadata",
    "git",
    "artifacts",
    "dockerfile",
    "event",
    "tensorboard",
    "file",
    "auth",
];

/// Types Polyaxon knows; others are refused when a value is given (Polyaxon fails with an
/// internal error on them).
pub const TYPES: &[&str] = &[
    "int",
    "float",
    "bool",
    "str",
    "dict",
    "list",
    "uri",
    "auth",
    "wasb",
    "gcs",
    "s3",
    "path",
    "metric",
    "metadata",
    "date",
    "datetime",
    "image",
    "event",
    "artifacts",
    "dockerfile",
    "git",
    "tensorboard",
    "file",
    "uuid",
    "email",
    "any",
];

/// Types a value of this IO, or says why it does not fit.
pub fn coerce(io: &V1Io, raw: &Raw) -> Result<Value, String> {
    let kind = io_type(io);
    let kind = kind.as_deref();
    let value = match raw {
        Raw::Value(value) => value.clone(),
        Raw::Text(text) => {
            let as_text = kind.is_some_and(|k| TEXT_TYPES.contains(&k)) && io.is_list != Some(true);
            if as_text || kind.is_none() {
                Value::String(text.clone())
            } else {
                serde_json::from_str(text.trim()).map_err(|_| match kind {
                    Some(k) if io.is_list == Some(true) => {
                        format!("`{text}` is not a JSON list of `{k}` values")
                    }
                    Some("list") => format!("`{text}` is not a JSON list"),
                    Some(k) if STRUCTURED_TYPES.contains(&k) => {
                        format!("`{text}` is not a JSON object")
                    }
                    Some(k) => format!("`{text}` is not of type `{k}`"),
                    None => unreachable!("untyped params are text"),
                })?
            }
        }
    };
    let Some(kind) = kind else {
        return Ok(value);
    };
    if io.is_list == Some(true) {
        let Value::Array(items) = value else {
            return Err(format!(
                "`{}` is not a list of `{kind}` values",
                show(&value)
            ));
        };
        return items
            .into_iter()
            .map(|item| coerce_one(kind, item))
            .collect::<Result<Vec<_>, _>>()
            .map(Value::Array);
    }
    coerce_one(kind, value)
}

fn show(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

fn coerce_one(kind: &str, value: Value) -> Result<Value, String> {
    match kind {
        "int" | "float" | "metric" => number(kind, value),
        "bool" => boolean(value),
        "str" | "path" | "any" | "image" => text(kind, value),
        "list" => match parsed(&value) {
            Some(list @ Value::Array(_)) => Ok(list),
            _ => Err(format!("`{}` is not a list", show(&value))),
        },
        _ if STRUCTURED_TYPES.contains(&kind) => match parsed(&value) {
            Some(object @ Value::Object(_)) => Ok(object),
            _ => Err(format!(
                "`{}` is not a `{kind}`: give a mapping (JSON object)",
                show(&value)
            )),
        },
        _ => match pattern(kind) {
            Some(ok) => text_matching(value, kind, ok),
            None => Err(format!(
                "`{kind}` is not a Polyaxon IO type; use one of {}",
                TYPES.join(", ")
            )),
        },
    }
}

fn wrong(value: &Value, kind: &str) -> String {
    format!("`{}` is not of type `{kind}`", show(value))
}

/// A number or structure written as a quoted string in YAML is read like `-P` text.
fn parsed(value: &Value) -> Option<Value> {
    match value {
        Value::String(text) => serde_json::from_str::<Value>(text.trim()).ok(),
        other => Some(other.clone()),
    }
}

/// `int`, `float` and `metric`.
fn number(kind: &str, value: Value) -> Result<Value, String> {
    let Some(Value::Number(n)) = parsed(&value) else {
        return Err(wrong(&value, kind));
    };
    let typed = if kind == "int" {
        n.as_i64().map(Value::from).or_else(|| {
            let f = n.as_f64()?;
            (f.fract() == 0.0 && f.abs() < 9.2e18).then(|| Value::from(f as i64))
        })
    } else {
        n.as_f64().filter(|f| f.is_finite()).map(Value::from)
    };
    typed.ok_or_else(|| wrong(&value, kind))
}

fn boolean(value: Value) -> Result<Value, String> {
    match &value {
        Value::Bool(_) => Ok(value),
        Value::Number(n) if n.as_i64() == Some(0) => Ok(Value::Bool(false)),
        Value::Number(n) if n.as_i64() == Some(1) => Ok(Value::Bool(true)),
        Value::String(text) => match text.to_ascii_lowercase().as_str() {
            "true" | "t" | "yes" | "y" | "on" | "1" => Ok(Value::Bool(true)),
            "false" | "f" | "no" | "n" | "off" | "0" => Ok(Value::Bool(false)),
            _ => Err(wrong(&value, "bool")),
        },
        _ => Err(wrong(&value, "bool")),
    }
}

/// An image reference as Polyaxon checks one: no spaces, and at most a registry port and a
/// tag as `:` parts (`registry:5000/team/app:1.0`).
fn is_image_reference(text: &str) -> bool {
    if text.is_empty() || text.contains(char::is_whitespace) {
        return false;
    }
    let unschemed = ["https://", "http://"]
        .iter()
        .find_map(|scheme| text.strip_prefix(scheme))
        .unwrap_or(text);
    let parts: Vec<&str> = unschemed.split(':').collect();
    match parts.as_slice() {
        [_, port_and_path, _] => port_and_path.contains('/') && !port_and_path.starts_with('/'),
        parts => parts.len() <= 2,
    }
}

/// `str`, `path`, `any` and `image`.
fn text(kind: &str, value: Value) -> Result<Value, String> {
    if kind == "image" {
        // Polyaxon still reads the 1.x form `{name: image, connection: ...}` as its name.
        let image = match &value {
            Value::Object(map) => map.get("name").cloned().unwrap_or(Value::Null),
            _ => value.clone(),
        };
        return match image {
            Value::String(text) if is_image_reference(&text) => Ok(Value::String(text)),
            _ => Err(format!(
                "`{}` is not a container image reference",
                show(&value)
            )),
        };
    }
    Ok(match value {
        Value::String(_) | Value::Array(_) | Value::Object(_) if kind == "any" => value,
        Value::String(_) => value,
        Value::Bool(b) => Value::String(b.to_string()),
        Value::Number(n) => Value::String(n.to_string()),
        Value::Null => Value::Null,
        other if kind == "str" => Value::String(other.to_string()),
        other => return Err(wrong(&other, kind)),
    })
}

/// The text types that are checked by their form.
fn pattern(kind: &str) -> Option<fn(&str) -> bool> {
    Some(match kind {
        "uri" => |t| t.contains(':') && !t.contains(' '),
        "s3" => |t| t.starts_with("s3://"),
        "gcs" => |t| t.starts_with("gs://"),
        "wasb" => |t| t.starts_with("wasb://") || t.starts_with("wasbs://"),
        "uuid" => |t| {
            let hex: String = t.chars().filter(|c| *c != '-').collect();
            hex.len() == 32 && hex.chars().all(|c| c.is_ascii_hexdigit())
        },
        "email" => |t| {
            t.split_once('@')
                .is_some_and(|(user, host)| !user.is_empty() && host.contains('.'))
        },
        "date" => |t| is_date(t) && t.len() == 10,
        "datetime" => {
            |t| is_date(t) && (t.len() == 10 || matches!(t.as_bytes().get(10), Some(b'T' | b' ')))
        }
        _ => return None,
    })
}

fn text_matching(value: Value, kind: &str, ok: impl Fn(&str) -> bool) -> Result<Value, String> {
    match &value {
        Value::String(text) if ok(text) => Ok(value),
        _ => Err(wrong(&value, kind)),
    }
}

/// `YYYY-MM-DD` at the start of the text, with a real month and day.
fn is_date(text: &str) -> bool {
    let bytes = text.as_bytes();
    if bytes.len() < 10 || bytes[4] != b'-' || bytes[7] != b'-' {
        return false;
    }
    let number = |range: std::ops::Range<usize>| -> Option<u32> { text.get(range)?.parse().ok() };
    matches!(
        (number(0..4), number(5..7), number(8..10)),
        (Some(_), Some(1..=12), Some(1..=31))
    )
}

/// Checks a typed value against the IO's `validation` (and its deprecated `options`).
pub fn validate(io: &V1Io, value: &Value) -> Result<(), String> {
    validation::validate(io, value)
}

/// Whether the IO must be given a value: no `value` key (`has_default`), not `isOptional`,
/// and not `delayValidation: true`.
pub fn is_required(io: &V1Io, has_default: bool) -> bool {
    !has_default && io.is_optional != Some(true) && io.delay_validation != Some(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn io(kind: &str) -> V1Io {
        V1Io {
            name: "p".into(),
            io_type: Some(kind.into()),
            ..V1Io::default()
        }
    }

    fn text(kind: &str, text: &str) -> Result<Value, String> {
        coerce(&io(kind), &Raw::Text(text.into()))
    }

    #[test]
    fn flag_text_is_typed_like_polyaxon() {
        assert_eq!(text("int", "5"), Ok(Value::from(5)));
        assert_eq!(text("int", " 5 "), Ok(Value::from(5)));
        assert_eq!(text("int", "5.0"), Ok(Value::from(5)));
        assert!(text("int", "5.5").is_err());
        assert!(
            text("int", "true").is_err(),
            "Polyaxon's bug: an int from a bool"
        );
        assert_eq!(text("float", "0.01"), Ok(Value::from(0.01)));
        assert!(text("float", "nan").is_err());
        assert_eq!(text("bool", "Yes"), Ok(Value::Bool(true)));
        assert_eq!(text("bool", "off"), Ok(Value::Bool(false)));
        assert!(text("bool", " true").is_err());
        assert_eq!(text("str", "5"), Ok(Value::from("5")));
        assert_eq!(text("dict", r#"{"a": 1}"#), Ok(serde_json::json!({"a": 1})));
        assert!(text("dict", "{'a': 1}").is_err());
        assert_eq!(text("list", "[1, 2]"), Ok(serde_json::json!([1, 2])));
        assert!(text("s3", "gs://b/k").is_err());
        assert!(text("date", "2024-02-30").is_ok());
        assert!(text("date", "2024-13-01").is_err());
        assert!(
            text("datetime", "2024-01-01T10:00:00").is_ok(),
            "Polyaxon's bug: no time"
        );
        assert!(text("image", "a b").is_err());
        assert!(text("image", "a:b:c").is_err());
        let legacy = serde_json::json!({"name": "registry:5000/app:1.0", "connection": "docker"});
        assert_eq!(
            super::coerce_one("image", legacy),
            Ok(Value::from("registry:5000/app:1.0"))
        );
        assert!(text("colour", "red").is_err());
    }

    #[test]
    fn lists_type_each_item() {
        let mut list = io("int");
        list.is_list = Some(true);
        assert_eq!(
            coerce(&list, &Raw::Text("[1, \"2\"]".into())),
            Ok(serde_json::json!([1, 2]))
        );
        assert!(coerce(&list, &Raw::Text("1".into())).is_err());
    }

    #[test]
    fn yaml_values_are_typed_too() {
        assert_eq!(
            coerce(&io("float"), &Raw::Value(Value::from(1))),
            Ok(Value::from(1.0))
        );
        assert_eq!(
            coerce(&io("int"), &Raw::Value(Value::from("7"))),
            Ok(Value::from(7))
        );
        assert!(coerce(&io("int"), &Raw::Value(Value::from("x"))).is_err());
    }

    #[test]
    fn flags_split_at_the_first_equals_sign() {
        assert_eq!(parse_flag("a=b=c"), Ok(("a".into(), "b=c".into())));
        assert_eq!(parse_flag("a="), Ok(("a".into(), String::new())));
        assert!(parse_flag("novalue").is_err());
        assert!(parse_flag("=x").is_err());
    }
}
