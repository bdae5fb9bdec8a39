//! Small value types shared by the model.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, Deserialize, Deserializer, Visitor};

use crate::yaml::de::TEMPLATED;

/// A value Polyaxon also accepts as a whole-field template (`replicas: "{{ n }}"`), which
/// only has a value once params are known.
#[derive(Clone, Debug, PartialEq)]
pub enum Templated<T> {
    Value(T),
    Template(String),
}

impl<T> Templated<T> {
    pub fn value(&self) -> Option<&T> {
        match self {
            Templated::Value(value) => Some(value),
            Templated::Template(_) => None,
        }
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Templated<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct TemplatedVisitor<T>(PhantomData<T>);

        impl<'de, T: Deserialize<'de>> Visitor<'de> for TemplatedVisitor<T> {
            type Value = Templated<T>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a value or a `{{ ... }}` template")
            }

            fn visit_str<E: de::Error>(self, template: &str) -> Result<Self::Value, E> {
                Ok(Templated::Template(template.to_owned()))
            }

            fn visit_newtype_struct<D: Deserializer<'de>>(
                self,
                d: D,
            ) -> Result<Self::Value, D::Error> {
                T::deserialize(d).map(Templated::Value)
            }
        }

        deserializer.deserialize_newtype_struct(TEMPLATED, TemplatedVisitor(PhantomData))
    }
}

/// An optional field's value when the file writes one (`None` when it is absent or still a
/// template, which only has a value once Polyaxon renders it).
pub fn written<T: Copy>(field: &Option<Templated<T>>) -> Option<T> {
    field.as_ref()?.value().copied()
}

/// A templated list has no items until Polyaxon renders it.
impl<'a, T> IntoIterator for &'a Templated<Vec<T>> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;

    fn into_iter(self) -> Self::IntoIter {
        self.value().map_or([].iter(), |items| items.iter())
    }
}

/// A section plx accepts without looking inside (a run's probe, a kubeflow scheduling policy,
/// parts of the agent's values): it is not part of what plx renders or checks.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Any;

impl<'de> Deserialize<'de> for Any {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        de::IgnoredAny::deserialize(deserializer).map(|_| Any)
    }
}

/// `version`: Polyaxon reads it as a float, from `1.1` or `"1.1"` alike.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Version(pub f64);

impl<'de> Deserialize<'de> for Version {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct VersionVisitor;

        impl Visitor<'_> for VersionVisitor {
            type Value = Version;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a version number such as 1.1")
            }

            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Version, E> {
                Ok(Version(v as f64))
            }

            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Version, E> {
                Ok(Version(v as f64))
            }

            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Version, E> {
                Ok(Version(v))
            }

            fn visit_str<E: de::Error>(self, v: &str) -> Result<Version, E> {
                v.trim()
                    .parse()
                    .map(Version)
                    .map_err(|_| E::invalid_value(de::Unexpected::Str(v), &self))
            }
        }

        deserializer.deserialize_any(VersionVisitor)
    }
}

/// An integer that Polyaxon's model takes leniently (pydantic's lax mode): `10` or `"10"`.
/// Only where Polyaxon is lax: `ports` and `replicas` are strict integers. Its range is the
/// Kubernetes field's, checked with the API server's rules (K8S004), not here.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LaxInt(pub i64);

impl<'de> Deserialize<'de> for LaxInt {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct LaxVisitor;

        impl Visitor<'_> for LaxVisitor {
            type Value = LaxInt;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an integer")
            }

            fn visit_i64<E: de::Error>(self, v: i64) -> Result<LaxInt, E> {
                Ok(LaxInt(v))
            }

            fn visit_u64<E: de::Error>(self, v: u64) -> Result<LaxInt, E> {
                i64::try_from(v)
                    .map(LaxInt)
                    .map_err(|_| E::invalid_value(de::Unexpected::Unsigned(v), &self))
            }

            fn visit_str<E: de::Error>(self, v: &str) -> Result<LaxInt, E> {
                v.trim()
                    .parse()
                    .map(LaxInt)
                    .map_err(|_| E::invalid_type(de::Unexpected::Str(v), &self))
            }
        }

        deserializer.deserialize_any(LaxVisitor)
    }
}

/// A float that Polyaxon's model takes leniently (pydantic's lax mode): `0.5`, `1`, `"0.5"`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LaxFloat(pub f64);

/// A number written as text, as pydantic's lax mode reads it (Python's `float()`): `" 2 "`,
/// `"1_000"`, `"1e-3"`.
pub(super) fn lax_number(text: &str) -> Option<f64> {
    let text = text.trim();
    let misplaced_underscore = text.starts_with('_') || text.ends_with('_') || text.contains("__");
    (!misplaced_underscore)
        .then(|| text.replace('_', "").parse().ok())
        .flatten()
}

impl<'de> Deserialize<'de> for LaxFloat {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct LaxFloatVisitor;

        impl Visitor<'_> for LaxFloatVisitor {
            type Value = LaxFloat;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a number")
            }

            fn visit_bool<E: de::Error>(self, v: bool) -> Result<LaxFloat, E> {
                Ok(LaxFloat(f64::from(u8::from(v))))
            }

            fn visit_i64<E: de::Error>(self, v: i64) -> Result<LaxFloat, E> {
                Ok(LaxFloat(v as f64))
            }

            fn visit_u64<E: de::Error>(self, v: u64) -> Result<LaxFloat, E> {
                Ok(LaxFloat(v as f64))
            }

            fn visit_f64<E: de::Error>(self, v: f64) -> Result<LaxFloat, E> {
                Ok(LaxFloat(v))
            }

            fn visit_str<E: de::Error>(self, v: &str) -> Result<LaxFloat, E> {
                lax_number(v)
                    .map(LaxFloat)
                    .ok_or_else(|| E::invalid_type(de::Unexpected::Str(v), &self))
            }
        }

        deserializer.deserialize_any(LaxFloatVisitor)
    }
}

/// A count of runs or iterations, at least 1. Polyaxon checks these before typing them, so a
/// string, even a `{{ template }}`, is refused; a whole float (`5.0`) is read as an integer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PositiveInt(pub u64);

/// A count that Polyaxon types without checking it first (pydantic's lax mode): `"5"` too.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LaxPositiveInt(pub u64);

struct PositiveVisitor {
    /// Whether a number written as text is read too.
    lax: bool,
}

impl PositiveVisitor {
    fn positive<E: de::Error>(&self, v: f64, unexpected: de::Unexpected<'_>) -> Result<u64, E> {
        if v >= 1.0 && v.fract() == 0.0 && v <= u64::MAX as f64 {
            Ok(v as u64)
        } else {
            Err(E::invalid_value(unexpected, self))
        }
    }
}

impl Visitor<'_> for PositiveVisitor {
    type Value = u64;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a positive integer")
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<u64, E> {
        self.positive(f64::from(u8::from(v)), de::Unexpected::Bool(v))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<u64, E> {
        u64::try_from(v)
            .ok()
            .filter(|v| *v >= 1)
            .ok_or_else(|| E::invalid_value(de::Unexpected::Signed(v), &self))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<u64, E> {
        if v >= 1 {
            Ok(v)
        } else {
            Err(E::invalid_value(de::Unexpected::Unsigned(v), &self))
        }
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<u64, E> {
        self.positive(v, de::Unexpected::Float(v))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<u64, E> {
        match lax_number(v) {
            Some(number) if self.lax => self.positive(number, de::Unexpected::Str(v)),
            _ => Err(E::invalid_type(de::Unexpected::Str(v), &self)),
        }
    }
}

impl<'de> Deserialize<'de> for PositiveInt {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer
            .deserialize_any(PositiveVisitor { lax: false })
            .map(PositiveInt)
    }
}

impl<'de> Deserialize<'de> for LaxPositiveInt {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer
            .deserialize_any(PositiveVisitor { lax: true })
            .map(LaxPositiveInt)
    }
}

// JSON Schemas for editors (`plx schema`): what each of these types accepts when it reads.

/// The schema of one kind of a `kind`-tagged enum: the kind's fields, with `kind` naming it
/// (plx's reader tags such enums by their `kind` key).
pub(super) fn kind_schema<T: schemars::JsonSchema>(
    generator: &mut schemars::SchemaGenerator,
    kind: &str,
) -> serde_json::Value {
    let mut schema = T::json_schema(generator).to_value();
    if let Some(object) = schema.as_object_mut() {
        object
            .entry("properties")
            .or_insert_with(|| serde_json::json!({}))
            .as_object_mut()
            .map(|p| p.insert("kind".into(), serde_json::json!({"const": kind})));
        let required = object
            .entry("required")
            .or_insert_with(|| serde_json::json!([]));
        if let Some(list) = required.as_array_mut() {
            list.push(serde_json::json!("kind"));
        }
    }
    schema
}

impl schemars::JsonSchema for Any {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Any".into()
    }

    fn inline_schema() -> bool {
        true
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!(true)
    }
}

/// A `{{ ... }}` or `{% ... %}` template, which Polyaxon renders before it types the value.
fn template_schema() -> schemars::Schema {
    schemars::json_schema!({"type": "string", "pattern": "\\{\\{|\\{%"})
}

impl<T: schemars::JsonSchema> schemars::JsonSchema for Templated<T> {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        format!("Templated_{}", T::schema_name()).into()
    }

    fn inline_schema() -> bool {
        true
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({"anyOf": [generator.subschema_for::<T>(), template_schema()]})
    }
}

impl schemars::JsonSchema for Version {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Version".into()
    }

    fn inline_schema() -> bool {
        true
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({"type": ["number", "string"], "description": "The specification version: 1.1"})
    }
}

impl schemars::JsonSchema for LaxInt {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "LaxInt".into()
    }

    fn inline_schema() -> bool {
        true
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({"anyOf": [{"type": "integer"}, {"type": "string", "pattern": "^-?[0-9]+$"}]})
    }
}

impl schemars::JsonSchema for LaxFloat {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "LaxFloat".into()
    }

    fn inline_schema() -> bool {
        true
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({"anyOf": [
            {"type": "number"},
            {"type": "string", "pattern": "^\\s*[-+]?[0-9_.]+([eE][-+]?[0-9]+)?\\s*$"},
        ]})
    }
}

impl schemars::JsonSchema for PositiveInt {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "PositiveInt".into()
    }

    fn inline_schema() -> bool {
        true
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({"type": "integer", "minimum": 1})
    }
}

impl schemars::JsonSchema for LaxPositiveInt {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "LaxPositiveInt".into()
    }

    fn inline_schema() -> bool {
        true
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({"anyOf": [
            {"type": "integer", "minimum": 1},
            {"type": "string", "pattern": "^\\s*\\+?[0-9_]+(\\.0*)?\\s*$"},
        ]})
    }
}
