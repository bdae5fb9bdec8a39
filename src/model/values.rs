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

            fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
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
