//! A matrix's hyperparameters (`params`), tagged by their `kind`, and the shapes their values
//! take. Polyaxon zips a list or a `1:10:2` text with the kind's keys, so all three forms (and
//! a `{{ template }}`) give the same values.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};

use super::is_reference;
use crate::model::values::{Templated, lax_number};

kind_tagged! {
    /// A hyperparameter of a random, hyperband, tpe or iterative matrix: any kind.
    pub enum V1HpParam {
        "choice" => Choice(HpChoice),
        "pchoice" => PChoice(Hp<Templated<PChoices>>),
        "range" => Range(Hp<Bounds<RangeShape>>),
        "daterange" => DateRange(Hp<Bounds<DateRangeShape>>),
        "datetimerange" => DateTimeRange(Hp<Bounds<DateRangeShape>>),
        "linspace" => LinSpace(Hp<Bounds<SpaceShape>>),
        "logspace" => LogSpace(Hp<Bounds<LogSpaceShape>>),
        "geomspace" => GeomSpace(Hp<Bounds<SpaceShape>>),
        "uniform" => Uniform(Hp<Bounds<DistShape>>),
        "quniform" => QUniform(Hp<Bounds<QDistShape>>),
        "loguniform" => LogUniform(Hp<Bounds<DistShape>>),
        "qloguniform" => QLogUniform(Hp<Bounds<QDistShape>>),
        "normal" => Normal(Hp<Bounds<NormalShape>>),
        "qnormal" => QNormal(Hp<Bounds<QNormalShape>>),
        "lognormal" => LogNormal(Hp<Bounds<NormalShape>>),
        "qlognormal" => QLogNormal(Hp<Bounds<QNormalShape>>),
    }
}

kind_tagged! {
    /// A hyperparameter of a grid search, which enumerates its values: the kinds that are
    /// not distributions (Polyaxon refuses a distribution in a grid).
    pub enum V1DiscreteHpParam {
        "choice" => Choice(HpChoice),
        "range" => Range(Hp<Bounds<RangeShape>>),
        "daterange" => DateRange(Hp<Bounds<DateRangeShape>>),
        "datetimerange" => DateTimeRange(Hp<Bounds<DateRangeShape>>),
        "linspace" => LinSpace(Hp<Bounds<SpaceShape>>),
        "logspace" => LogSpace(Hp<Bounds<LogSpaceShape>>),
        "geomspace" => GeomSpace(Hp<Bounds<SpaceShape>>),
    }
}

kind_tagged! {
    /// A hyperparameter of a Bayesian optimization, which models its values: the kinds that
    /// are not distributions, and `uniform` (Polyaxon refuses the other distributions there).
    pub enum V1BayesHpParam {
        "choice" => Choice(HpChoice),
        "range" => Range(Hp<Bounds<RangeShape>>),
        "daterange" => DateRange(Hp<Bounds<DateRangeShape>>),
        "datetimerange" => DateTimeRange(Hp<Bounds<DateRangeShape>>),
        "linspace" => LinSpace(Hp<Bounds<SpaceShape>>),
        "logspace" => LogSpace(Hp<Bounds<LogSpaceShape>>),
        "geomspace" => GeomSpace(Hp<Bounds<SpaceShape>>),
        "uniform" => Uniform(Hp<Bounds<DistShape>>),
    }
}

/// `kind: choice`: one of the listed values. Polyaxon requires the key (it may be null).
#[derive(Clone, Debug, serde::Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct HpChoice {
    pub value: Templated<Option<Vec<serde_json::Value>>>,
}

/// Any other kind: its values, in the kind's shape.
#[derive(Clone, Debug, serde::Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Hp<V> {
    pub value: Option<V>,
}

/// How a kind's values are laid out: the keys Polyaxon zips them with, and its checks.
pub struct Layout {
    what: &'static str,
    keys: &'static [&'static str],
    /// How many of `keys`, from the first, must be given.
    required: usize,
    /// The second value must be above the first (ranges and spaces, not distributions).
    ordered: bool,
    /// Keys that take whole numbers.
    whole: &'static [&'static str],
    /// Numbers, which may also be written as `1:10:2`; date ranges take dates, and no text.
    numeric: bool,
}

/// A kind's [`Layout`].
pub trait Shape {
    const LAYOUT: Layout;
}

macro_rules! shapes {
    ($($(#[$doc:meta])* $name:ident = $layout:expr;)+) => {$(
        $(#[$doc])*
        #[derive(Clone, Copy, Debug)]
        pub enum $name {}

        impl Shape for $name {
            const LAYOUT: Layout = $layout;
        }
    )+};
}

shapes! {
    /// `range`: `start`, `stop` and a non-zero `step`.
    RangeShape = Layout { what: "range", keys: &["start", "stop", "step"], required: 3, ordered: true, whole: &[], numeric: true };
    /// `daterange`, `datetimerange`: dates, and a step.
    DateRangeShape = Layout { what: "date range", keys: &["start", "stop", "step"], required: 3, ordered: false, whole: &[], numeric: false };
    /// `linspace`, `geomspace`: `num` values from `start` to `stop`.
    SpaceShape = Layout { what: "space", keys: &["start", "stop", "num"], required: 3, ordered: true, whole: &["num"], numeric: true };
    /// `logspace`: a space, and the logarithm's `base`.
    LogSpaceShape = Layout { what: "space", keys: &["start", "stop", "num", "base"], required: 3, ordered: true, whole: &["num", "base"], numeric: true };
    /// `uniform`, `loguniform`: bounds, and how many values a draw takes.
    DistShape = Layout { what: "distribution", keys: &["low", "high", "size"], required: 2, ordered: false, whole: &["size"], numeric: true };
    /// `quniform`, `qloguniform`: bounds, and the non-zero step `q` values are rounded to.
    QDistShape = Layout { what: "distribution", keys: &["low", "high", "q", "size"], required: 3, ordered: false, whole: &["size"], numeric: true };
    /// `normal`, `lognormal`: mean and standard deviation.
    NormalShape = Layout { what: "distribution", keys: &["loc", "scale", "size"], required: 2, ordered: false, whole: &["size"], numeric: true };
    /// `qnormal`, `qlognormal`: a normal distribution, and the non-zero step `q`.
    QNormalShape = Layout { what: "distribution", keys: &["loc", "scale", "q", "size"], required: 3, ordered: false, whole: &["size"], numeric: true };
}

/// A range's or distribution's values, checked as Polyaxon checks them (not kept: plx does
/// not draw the matrix's runs).
#[derive(Clone, Copy, Debug)]
pub struct Bounds<S>(PhantomData<S>);

/// One value of a list or mapping, read whatever it is, so that a wrong one is reported with
/// the whole value: the reader skips a value it has reported, which would leave one too few.
#[derive(Clone, Debug)]
enum Item {
    Int(i64),
    Float(f64),
    Bool(bool),
    Text(String),
    Other(&'static str),
}

impl Item {
    /// The value as pydantic's lax mode reads a float.
    fn number(&self) -> Option<f64> {
        match self {
            Item::Int(v) => Some(*v as f64),
            Item::Float(v) => Some(*v),
            Item::Bool(v) => Some(f64::from(u8::from(*v))),
            Item::Text(text) => lax_number(text),
            Item::Other(_) => None,
        }
    }
}

impl fmt::Display for Item {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Item::Int(v) => write!(f, "`{v}`"),
            Item::Float(v) => write!(f, "`{v}`"),
            Item::Bool(v) => write!(f, "`{v}`"),
            Item::Text(text) => write!(f, "{text:?}"),
            Item::Other(what) => f.write_str(what),
        }
    }
}

impl<'de> Deserialize<'de> for Item {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ItemVisitor;

        impl<'de> Visitor<'de> for ItemVisitor {
            type Value = Item;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("any value")
            }

            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Item, E> {
                Ok(Item::Bool(v))
            }

            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Item, E> {
                Ok(Item::Int(v))
            }

            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Item, E> {
                Ok(i64::try_from(v).map_or(Item::Float(v as f64), Item::Int))
            }

            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Item, E> {
                Ok(Item::Float(v))
            }

            fn visit_str<E: de::Error>(self, v: &str) -> Result<Item, E> {
                Ok(Item::Text(v.to_owned()))
            }

            fn visit_unit<E: de::Error>(self) -> Result<Item, E> {
                Ok(Item::Other("null"))
            }

            fn visit_seq<A: SeqAccess<'de>>(self, _: A) -> Result<Item, A::Error> {
                Ok(Item::Other("a list"))
            }

            fn visit_map<A: MapAccess<'de>>(self, _: A) -> Result<Item, A::Error> {
                Ok(Item::Other("a mapping"))
            }
        }

        deserializer.deserialize_any(ItemVisitor)
    }
}

/// The values as numbers, in key order (`None`: not given; or a date, which plx does not
/// read).
fn numbers(layout: &Layout, items: Vec<Option<Item>>) -> Result<Vec<Option<f64>>, String> {
    layout
        .keys
        .iter()
        .zip(items)
        .map(|(key, item)| match item {
            Some(item) if layout.numeric => item
                .number()
                .map(Some)
                .ok_or_else(|| format!("`{key}` must be a number, found {item}")),
            _ => Ok(None),
        })
        .collect()
}

/// Polyaxon's checks on the values, in key order.
fn check(layout: &Layout, values: &[Option<f64>]) -> Result<(), String> {
    let keys = layout.keys;
    if values.len() < layout.required {
        return Err(format!(
            "a {} takes {} values ({}), found {}",
            layout.what,
            layout.required,
            keys[..layout.required].join(", "),
            values.len()
        ));
    }
    for (key, value) in keys.iter().zip(values) {
        if let Some(value) = value.filter(|v| layout.whole.contains(key) && v.fract() != 0.0) {
            return Err(format!("`{key}` must be a whole number, found {value}"));
        }
    }
    if let (true, Some(first), Some(second)) = (layout.ordered, values[0], values[1])
        && first >= second
    {
        return Err(format!(
            "`{}` ({second}) must be greater than `{}` ({first})",
            keys[1], keys[0]
        ));
    }
    if layout.required == 3 && values[2] == Some(0.0) {
        return Err(format!("`{}` must not be 0", keys[2]));
    }
    Ok(())
}

/// The values, read as numbers and checked.
fn bounds<S: Shape, E: de::Error>(items: Vec<Option<Item>>) -> Result<Bounds<S>, E> {
    let layout = S::LAYOUT;
    numbers(&layout, items)
        .and_then(|values| check(&layout, &values))
        .map(|()| Bounds(PhantomData))
        .map_err(E::custom)
}

struct BoundsVisitor<S>(PhantomData<S>);

impl<'de, S: Shape> Visitor<'de> for BoundsVisitor<S> {
    type Value = Bounds<S>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let layout = S::LAYOUT;
        let text = if layout.numeric {
            format!(", a `{}` text", layout.keys.join(":"))
        } else {
            String::new()
        };
        write!(
            f,
            "a {}: a mapping of {}, a list{text}, or a `{{{{ template }}}}`",
            layout.what,
            layout.keys.join(", ")
        )
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<Bounds<S>, E> {
        if is_reference(text) {
            return Ok(Bounds(PhantomData));
        }
        if !S::LAYOUT.numeric || !text.contains(':') {
            return Err(E::invalid_type(de::Unexpected::Str(text), &self));
        }
        let items = text
            .split(':')
            .map(|part| Some(Item::Text(part.to_owned())));
        bounds(items.collect())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Bounds<S>, A::Error> {
        let mut items = Vec::new();
        // Polyaxon zips the list with the keys: items past the last key are not read.
        while let Some(item) = seq.next_element::<Item>()? {
            items.push(Some(item));
        }
        bounds(items)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Bounds<S>, A::Error> {
        let layout = S::LAYOUT;
        let mut items = vec![None; layout.keys.len()];
        while let Some(key) = map.next_key::<String>()? {
            let Some(index) = layout.keys.iter().position(|k| *k == key) else {
                return Err(de::Error::custom(format!(
                    "unknown key `{key}`; a {} takes {}",
                    layout.what,
                    layout.keys.join(", ")
                )));
            };
            items[index] = Some(map.next_value::<Item>()?);
        }
        if let Some(missing) = (0..layout.required).find(|i| items[*i].is_none()) {
            return Err(de::Error::missing_field(layout.keys[missing]));
        }
        bounds(items)
    }
}

impl<'de, S: Shape> Deserialize<'de> for Bounds<S> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(BoundsVisitor(PhantomData))
    }
}

/// `kind: pchoice`: `[value, probability]` pairs, whose probabilities add up to 1 at most
/// (checked, not kept).
#[derive(Clone, Copy, Debug)]
pub struct PChoices;

/// One `[value, probability]` pair: its probability, which Polyaxon takes only as a float
/// (`0.5`, not `"0.5"` or `0`) below 1.
struct PChoice(f64);

impl<'de> Deserialize<'de> for PChoice {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct PairVisitor;

        impl<'de> Visitor<'de> for PairVisitor {
            type Value = PChoice;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a `[value, probability]` pair")
            }

            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<PChoice, A::Error> {
                let mut items = Vec::new();
                while let Some(item) = seq.next_element::<Item>()? {
                    items.push(item);
                }
                match items[..] {
                    [_, Item::Float(p)] if (0.0..1.0).contains(&p) => Ok(PChoice(p)),
                    [_, ref p] => Err(de::Error::custom(format!(
                        "a probability is a decimal number from 0 up to, not including, 1; found {p}"
                    ))),
                    _ => Err(de::Error::invalid_length(items.len(), &self)),
                }
            }
        }

        deserializer.deserialize_seq(PairVisitor)
    }
}

impl<'de> Deserialize<'de> for PChoices {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ListVisitor;

        impl<'de> Visitor<'de> for ListVisitor {
            type Value = PChoices;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a list of `[value, probability]` pairs")
            }

            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<PChoices, A::Error> {
                // Added in Polyaxon's order, so the float sum is the one it compares.
                let mut total = 0.0;
                while let Some(PChoice(p)) = seq.next_element()? {
                    total += p;
                }
                if total > 1.0 {
                    return Err(de::Error::custom(format!(
                        "the probabilities add up to {total}, more than 1"
                    )));
                }
                Ok(PChoices)
            }
        }

        deserializer.deserialize_seq(ListVisitor)
    }
}

impl<S: Shape> schemars::JsonSchema for Bounds<S> {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        let layout = S::LAYOUT;
        format!("Bounds_{}", layout.keys.join("_")).into()
    }

    fn inline_schema() -> bool {
        true
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let layout = S::LAYOUT;
        let value = if layout.numeric {
            serde_json::json!({"type": ["number", "string"]})
        } else {
            serde_json::json!(true)
        };
        let properties: serde_json::Map<String, serde_json::Value> = layout
            .keys
            .iter()
            .map(|key| ((*key).to_owned(), value.clone()))
            .collect();
        let required = &layout.keys[..layout.required];
        schemars::json_schema!({"anyOf": [
            {"type": "object", "properties": properties, "required": required},
            {"type": "array", "minItems": layout.required},
            {"type": "string"},
        ]})
    }
}

impl schemars::JsonSchema for PChoices {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "PChoices".into()
    }

    fn inline_schema() -> bool {
        true
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "array",
            "items": {"type": "array", "minItems": 2, "maxItems": 2},
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each verdict is Polyaxon 2.18's on the same value.
    #[test]
    fn ranges_and_distributions_are_checked_as_polyaxon_checks_them() {
        let text = |layout: &Layout, text: &str| {
            let items = text
                .split(':')
                .map(|part| Some(Item::Text(part.to_owned())));
            numbers(layout, items.collect()).and_then(|values| check(layout, &values))
        };
        let range = RangeShape::LAYOUT;
        assert!(text(&range, "1:3:1").is_ok());
        assert!(text(&range, "1:3:0.5").is_ok());
        assert!(
            text(&range, "1:3:1:9").is_ok(),
            "items past the keys are not read"
        );
        assert!(text(&range, "1:2").is_err(), "too few values");
        assert!(text(&range, "3:1:1").is_err(), "stop below start");
        assert!(text(&range, "1:3:0").is_err(), "a zero step");
        assert!(text(&range, "a:b:c").is_err());
        let uniform = DistShape::LAYOUT;
        assert!(
            text(&uniform, "1:0").is_ok(),
            "distributions take any two bounds"
        );
        assert!(text(&uniform, "0:1:2.5").is_err(), "a fractional size");
        assert!(
            text(&SpaceShape::LAYOUT, "0:1:2.5").is_err(),
            "a fractional num"
        );
        assert!(text(&QNormalShape::LAYOUT, "0:1:0").is_err(), "a zero q");
    }
}
