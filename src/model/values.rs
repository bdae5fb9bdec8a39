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

/// A section plx accepts without looking inside (matrix, schedules, events): it is not part
/// of what plx renders, and Polyaxon's own check covers it.
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

// JSON Schemas for editors (`plx schema`): what each of these types accepts when it reads.

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
