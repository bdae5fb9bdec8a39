//! A serde `Deserializer` over the span tree.
//!
//! Typed models (plx's own and k8s-openapi's) are decoded straight from [`Node`]s, so every
//! error knows the JSON pointer and span of the value it is about. Three things serde alone
//! would not do are done here:
//! - unknown keys: `deserialize_struct` receives the struct's field list, so keys outside it
//!   are reported (with the list, for "did you mean") and skipped instead of silently dropped;
//! - YAML 1.1 lint: a plain scalar read into a string field that PyYAML or kubectl would read
//!   as something else (`yes`, `0755`, `1:30`) is reported;
//! - many errors per file: [`decode`] re-runs the decoder with each failing value masked out,
//!   so one wrong type does not hide the next.

use std::cell::RefCell;
use std::collections::{BTreeMap, HashSet};
use std::fmt;

use serde::de::{
    self, DeserializeOwned, DeserializeSeed, EnumAccess, IntoDeserializer, MapAccess, SeqAccess,
    VariantAccess, Visitor,
};

use super::scalar::{self, Resolved};
use super::tree::{
    Entry, Node, NodeKind, PointerStack, Span, Style, is_snake_spelling, match_field,
};

/// The serde name of `Templated<T>`: a value that may be a whole-field `{{ ... }}` template.
pub const TEMPLATED: &str = "$plx::Templated";
/// Enums decoded from a mapping are tagged by this key (`run: {kind: job, ...}`).
const TAG_KEY: &str = "kind";
/// Kubernetes' container type, whose `command` and `args` Polyaxon also takes as one string.
const CONTAINER: &str = "Container";
const STRING_OR_LIST_FIELDS: &[&str] = &["command", "args"];
/// Bound on decode passes: each pass masks one more failing value.
const MAX_PASSES: usize = 64;

/// Something the decoder noticed that does not stop decoding.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Notice {
    UnknownKey {
        pointer: String,
        key: String,
        key_span: Span,
        expected: Vec<&'static str>,
    },
    AmbiguousScalar {
        pointer: String,
        span: Span,
        text: String,
        reading: &'static str,
    },
    /// A container `command`/`args` written as one string: Polyaxon passes it on as a
    /// one-element list, so `command: python train.py` runs a program named "python train.py".
    StringAsList {
        pointer: String,
        span: Span,
        text: String,
    },
}

impl Notice {
    fn identity(&self) -> (&str, u8) {
        match self {
            Notice::UnknownKey { pointer, .. } => (pointer, 0),
            Notice::AmbiguousScalar { pointer, .. } => (pointer, 1),
            Notice::StringAsList { pointer, .. } => (pointer, 2),
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum ErrorKind {
    InvalidType {
        expected: String,
        found: String,
    },
    OutOfRange {
        expected: String,
        found: String,
    },
    UnknownVariant {
        value: String,
        expected: Vec<&'static str>,
    },
    MissingField {
        field: &'static str,
    },
    Message(String),
}

/// A decoding error, located once the innermost deserializer that saw it attaches itself.
#[derive(Clone, Debug, PartialEq)]
pub struct Error {
    pub kind: ErrorKind,
    pub pointer: Option<String>,
    pub span: Option<Span>,
}

impl Error {
    fn new(kind: ErrorKind) -> Self {
        Self {
            kind,
            pointer: None,
            span: None,
        }
    }

    fn at(mut self, pointer: &str, span: Span) -> Self {
        if self.pointer.is_none() {
            self.pointer = Some(pointer.to_owned());
            self.span = Some(span);
        }
        self
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            ErrorKind::InvalidType { expected, found }
            | ErrorKind::OutOfRange { expected, found } => {
                write!(f, "expected {expected}, found {found}")
            }
            ErrorKind::UnknownVariant { value, .. } => write!(f, "unknown value `{value}`"),
            ErrorKind::MissingField { field } => write!(f, "missing required key `{field}`"),
            ErrorKind::Message(message) => f.write_str(message),
        }
    }
}

impl std::error::Error for Error {}

impl de::Error for Error {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        Self::new(ErrorKind::Message(msg.to_string()))
    }

    fn invalid_type(unexpected: de::Unexpected<'_>, expected: &dyn de::Expected) -> Self {
        Self::new(ErrorKind::InvalidType {
            expected: expected.to_string(),
            found: unexpected.to_string(),
        })
    }

    fn unknown_variant(variant: &str, expected: &'static [&'static str]) -> Self {
        Self::new(ErrorKind::UnknownVariant {
            value: variant.to_owned(),
            expected: expected.to_vec(),
        })
    }

    fn missing_field(field: &'static str) -> Self {
        Self::new(ErrorKind::MissingField { field })
    }
}

/// The outcome of decoding one tree into `T`.
#[derive(Debug)]
pub struct Decoded<T> {
    /// `None` when the root itself could not be decoded.
    pub value: Option<T>,
    pub errors: Vec<Error>,
    pub notices: Vec<Notice>,
}

/// Decodes `node` into `T`, collecting every error rather than stopping at the first.
pub fn decode<T: DeserializeOwned>(node: &Node, pointer: &str) -> Decoded<T> {
    let state = State {
        at: RefCell::new(PointerStack::new(pointer)),
        ..State::default()
    };
    let mut errors = Vec::new();
    let mut notices = BTreeMap::new();
    for _ in 0..MAX_PASSES {
        state.at.borrow_mut().truncate(0);
        let result = T::deserialize(De::new(node, &state));
        for notice in state.notices.borrow_mut().drain(..) {
            let id = notice.identity();
            let id = (id.0.to_owned(), id.1);
            notices.entry(id).or_insert(notice);
        }
        match result {
            Ok(value) => {
                return Decoded {
                    value: Some(value),
                    errors,
                    notices: notices.into_values().collect(),
                };
            }
            Err(error) => {
                let at = error.pointer.clone().unwrap_or_else(|| pointer.to_owned());
                let consequential = matches!(&error.kind, ErrorKind::MissingField { field }
                    if state.masked.borrow().iter().any(|m| is_field_of(m, &at, field)));
                if !consequential {
                    errors.push(error);
                }
                if at == pointer || !state.masked.borrow_mut().insert(at) {
                    break;
                }
            }
        }
    }
    Decoded {
        value: None,
        errors,
        notices: notices.into_values().collect(),
    }
}

/// Whether `masked` is the value of key `field` (in either spelling) of the object at `parent`.
fn is_field_of(masked: &str, parent: &str, field: &str) -> bool {
    masked
        .strip_prefix(parent)
        .and_then(|rest| rest.strip_prefix('/'))
        .is_some_and(|key| key == field || is_snake_spelling(key, field))
}

#[derive(Default)]
struct State<'a> {
    notices: RefCell<Vec<Notice>>,
    masked: RefCell<HashSet<String>>,
    /// Where the value being decoded is.
    at: RefCell<PointerStack<'a>>,
}

impl<'a> State<'a> {
    /// The current pointer, written out (for an error or a notice).
    fn pointer(&self) -> String {
        self.at.borrow().pointer()
    }

    /// Whether the current pointer is a value masked by an earlier pass.
    fn is_masked(&self) -> bool {
        let masked = self.masked.borrow();
        !masked.is_empty() && masked.contains(&self.pointer())
    }

    /// `node` read as a string, here: a plain scalar YAML 1.1 reads as something else is
    /// noted (`on`, `1e3`).
    fn string<'n>(&self, node: &'n Node) -> Result<&'n str, Error> {
        let NodeKind::Scalar { text, style } = &node.kind else {
            return Err(self.invalid_type(node, "a string"));
        };
        if *style == Style::Plain {
            if node.is_null() {
                return Err(self.invalid_type(node, "a string"));
            }
            if let Some(reading) = scalar::non_string_reading(text) {
                self.notices.borrow_mut().push(Notice::AmbiguousScalar {
                    pointer: self.pointer(),
                    span: node.span,
                    text: text.as_str().to_owned(),
                    reading,
                });
            }
        }
        Ok(text)
    }

    fn invalid_type(&self, node: &Node, expected: &str) -> Error {
        Error::new(ErrorKind::InvalidType {
            expected: expected.to_owned(),
            found: node.describe(),
        })
        .at(&self.pointer(), node.span)
    }

    /// Enters the child at `token`; returns what [`State::leave`] needs.
    fn enter(&self, token: &'a str) -> usize {
        self.at.borrow_mut().push_key(token)
    }

    fn enter_index(&self, index: usize) -> usize {
        self.at.borrow_mut().push_index(index)
    }

    fn leave(&self, depth: usize) {
        self.at.borrow_mut().truncate(depth);
    }

    /// `decode` in the child at `token`, the pointer restored after, whatever the outcome.
    fn within<T>(&self, depth: usize, decode: impl FnOnce() -> T) -> T {
        let result = decode();
        self.leave(depth);
        result
    }
}

struct De<'a> {
    node: &'a Node,
    state: &'a State<'a>,
    /// A key of this mapping that an enclosing tagged enum already consumed.
    skip_key: Option<&'static str>,
    /// A scalar here may stand for a one-element list (container `command`/`args`).
    scalar_is_list: bool,
}

impl<'a> De<'a> {
    fn new(node: &'a Node, state: &'a State<'a>) -> Self {
        Self {
            node,
            state,
            skip_key: None,
            scalar_is_list: false,
        }
    }

    fn error(&self, kind: ErrorKind) -> Error {
        Error::new(kind).at(&self.state.pointer(), self.node.span)
    }

    fn invalid_type(&self, expected: &str) -> Error {
        self.state.invalid_type(self.node, expected)
    }

    fn locate<T>(&self, result: Result<T, Error>) -> Result<T, Error> {
        result.map_err(|e| e.at(&self.state.pointer(), self.node.span))
    }

    fn plain(&self) -> Option<&'a str> {
        match &self.node.kind {
            NodeKind::Scalar { text, style } if style.is_typed() => Some(text),
            _ => None,
        }
    }

    fn int(&self, expected: &str) -> Result<i64, Error> {
        self.plain()
            .filter(|_| !self.node.is_null())
            .and_then(scalar::parse_yaml11_int)
            .ok_or_else(|| self.invalid_type(expected))
    }

    fn ranged<T: TryFrom<i64>>(&self, expected: &str) -> Result<T, Error> {
        let value = self.int(expected)?;
        T::try_from(value).map_err(|_| {
            self.error(ErrorKind::OutOfRange {
                expected: expected.to_owned(),
                found: format!("`{value}`"),
            })
        })
    }

    fn string(&self) -> Result<&'a str, Error> {
        self.state.string(self.node)
    }

    fn entries(&self, expected: &str) -> Result<&'a [Entry], Error> {
        self.node
            .entries()
            .ok_or_else(|| self.invalid_type(expected))
    }
}

macro_rules! deserialize_int {
    ($($method:ident => $ty:ty, $visit:ident, $expected:literal;)*) => {$(
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
            let value: $ty = self.ranged($expected)?;
            self.locate(visitor.$visit(value))
        }
    )*};
}

impl<'de> de::Deserializer<'de> for De<'_> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        let result = match &self.node.kind {
            NodeKind::Seq(_) => return self.deserialize_seq(visitor),
            NodeKind::Map(_) => return self.deserialize_map(visitor),
            NodeKind::Scalar { text, style } if !style.is_typed() => visitor.visit_str(text),
            NodeKind::Scalar { text, .. } => match scalar::resolve_core(text) {
                Resolved::Null => visitor.visit_unit(),
                Resolved::Bool(b) => visitor.visit_bool(b),
                Resolved::Int(i) => visitor.visit_i64(i),
                Resolved::Float(f) => visitor.visit_f64(f),
                Resolved::Str => visitor.visit_str(text),
            },
        };
        self.locate(result)
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        let value = match &self.node.kind {
            NodeKind::Scalar { text, .. } => scalar::lax_bool(text),
            _ => None,
        }
        .ok_or_else(|| self.invalid_type("a boolean (`true` or `false`)"))?;
        self.locate(visitor.visit_bool(value))
    }

    deserialize_int! {
        deserialize_i8 => i8, visit_i8, "an integer";
        deserialize_i16 => i16, visit_i16, "an integer";
        deserialize_i32 => i32, visit_i32, "an integer (int32)";
        deserialize_i64 => i64, visit_i64, "an integer";
        deserialize_u8 => u8, visit_u8, "a non-negative integer";
        deserialize_u16 => u16, visit_u16, "a non-negative integer";
        deserialize_u32 => u32, visit_u32, "a non-negative integer";
        deserialize_u64 => u64, visit_u64, "a non-negative integer";
    }

    fn deserialize_f32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_f64(visitor)
    }

    fn deserialize_f64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        let value = match self.plain().map(scalar::resolve_core) {
            Some(Resolved::Int(i)) => i as f64,
            Some(Resolved::Float(f)) => f,
            _ => return Err(self.invalid_type("a number")),
        };
        self.locate(visitor.visit_f64(value))
    }

    fn deserialize_char<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_str(visitor)
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        let text = self.string()?;
        self.locate(visitor.visit_str(text))
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_str(visitor)
    }

    fn deserialize_bytes<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_str(visitor)
    }

    fn deserialize_byte_buf<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_str(visitor)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        if self.node.is_null() {
            self.locate(visitor.visit_none())
        } else {
            visitor.visit_some(self)
        }
    }

    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        if self.node.is_null() {
            self.locate(visitor.visit_unit())
        } else {
            Err(self.invalid_type("an empty value"))
        }
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.deserialize_unit(visitor)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        match &self.node.kind {
            NodeKind::Scalar { text, .. }
                if name == TEMPLATED && scalar::is_whole_template(text) =>
            {
                self.locate(visitor.visit_str(text))
            }
            // Kubernetes quantities are written as strings or bare numbers (`cpu: 1`); both are
            // what kubectl sends, so neither is worth a YAML 1.1 warning. Keep the exact text.
            NodeKind::Scalar { text, .. } if name == "Quantity" && !self.node.is_null() => {
                self.locate(visitor.visit_str(text))
            }
            _ => visitor.visit_newtype_struct(self),
        }
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        if self.scalar_is_list
            && !self.node.is_null()
            && let NodeKind::Scalar { text, .. } = &self.node.kind
        {
            if text.trim().contains(char::is_whitespace) && !scalar::is_whole_template(text) {
                self.state.notices.borrow_mut().push(Notice::StringAsList {
                    pointer: self.state.pointer(),
                    span: self.node.span,
                    text: text.as_str().to_owned(),
                });
            }
            let access = Seq {
                items: std::iter::once((0, self.node)),
                state: self.state,
                same_pointer: true,
            };
            return self.locate(visitor.visit_seq(access));
        }
        let NodeKind::Seq(items) = &self.node.kind else {
            return Err(self.invalid_type("a list"));
        };
        let access = Seq {
            items: items.iter().enumerate(),
            state: self.state,
            same_pointer: false,
        };
        self.locate(visitor.visit_seq(access))
    }

    fn deserialize_tuple<V: Visitor<'de>>(
        self,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        let entries = self.entries("a mapping")?;
        let access = Map {
            entries: entries.iter(),
            pending: None,
            pending_field: None,
            state: self.state,
            fields: None,
            skip_key: self.skip_key,
            container: false,
        };
        self.locate(visitor.visit_map(access))
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        let entries = self.entries("a mapping")?;
        let access = Map {
            entries: entries.iter(),
            pending: None,
            pending_field: None,
            state: self.state,
            fields: Some(fields),
            skip_key: self.skip_key,
            container: name == CONTAINER,
        };
        self.locate(visitor.visit_map(access))
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        match &self.node.kind {
            NodeKind::Scalar { text, .. } if !self.node.is_null() => {
                let tag = Tag {
                    text,
                    pointer: self.state.pointer(),
                    span: self.node.span,
                    body: None,
                };
                self.locate(visitor.visit_enum(tag))
            }
            NodeKind::Map(entries) => {
                let depth = self.state.enter(TAG_KEY);
                let (tag_pointer, masked) = (self.state.pointer(), self.state.is_masked());
                self.state.leave(depth);
                let Some(entry) = entries
                    .iter()
                    .find(|e| e.key == TAG_KEY)
                    .filter(|_| !masked)
                else {
                    return Err(self.error(ErrorKind::MissingField { field: TAG_KEY }));
                };
                let text = match &entry.value.kind {
                    NodeKind::Scalar { text, .. } if !entry.value.is_null() => text,
                    _ => {
                        return Err(Error::new(ErrorKind::InvalidType {
                            expected: "a string".into(),
                            found: entry.value.describe(),
                        })
                        .at(&tag_pointer, entry.value.span));
                    }
                };
                let tag = Tag {
                    text,
                    pointer: tag_pointer,
                    span: entry.value.span,
                    body: Some(De {
                        node: self.node,
                        state: self.state,
                        skip_key: Some(TAG_KEY),
                        scalar_is_list: false,
                    }),
                };
                self.locate(visitor.visit_enum(tag))
            }
            _ => Err(self.invalid_type("a string or a mapping")),
        }
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_str(visitor)
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_unit()
    }
}

struct Seq<'a, I> {
    items: I,
    state: &'a State<'a>,
    /// A scalar read as a one-element list keeps its own pointer.
    same_pointer: bool,
}

impl<'de, 'a, I: Iterator<Item = (usize, &'a Node)>> SeqAccess<'de> for Seq<'a, I> {
    type Error = Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, Error> {
        for (index, node) in self.items.by_ref() {
            if self.same_pointer {
                return seed.deserialize(De::new(node, self.state)).map(Some);
            }
            let depth = self.state.enter_index(index);
            if self.state.is_masked() {
                self.state.leave(depth);
                continue;
            }
            return self.state.within(depth, || {
                seed.deserialize(De::new(node, self.state)).map(Some)
            });
        }
        Ok(None)
    }
}

struct Map<'a, I> {
    entries: I,
    /// The entry whose key was read, for its value.
    pending: Option<&'a Entry>,
    state: &'a State<'a>,
    /// For structs: the known fields.
    fields: Option<&'static [&'static str]>,
    skip_key: Option<&'static str>,
    /// Whether this is a Kubernetes container, whose `command`/`args` may be one string.
    container: bool,
    pending_field: Option<&'static str>,
}

impl<'de, 'a, I: Iterator<Item = &'a Entry>> MapAccess<'de> for Map<'a, I> {
    type Error = Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Error> {
        while let Some(entry) = self.entries.next() {
            if self.skip_key == Some(entry.key.as_str()) {
                continue;
            }
            let depth = self.state.enter(&entry.key);
            let key = match self.key(entry) {
                Ok(Some(key)) => key,
                skipped_or_failed => {
                    self.state.leave(depth);
                    skipped_or_failed?;
                    continue;
                }
            };
            let key = seed
                .deserialize(key.into_deserializer())
                .map_err(|e: Error| e.at(&self.state.pointer(), entry.key_span));
            self.state.leave(depth);
            self.pending = Some(entry);
            return key.map(Some);
        }
        Ok(None)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Error> {
        let entry = self
            .pending
            .take()
            .ok_or_else(|| de::Error::custom("value requested before key"))?;
        let mut de = De::new(&entry.value, self.state);
        de.scalar_is_list = self.container
            && self
                .pending_field
                .take()
                .is_some_and(|field| STRING_OR_LIST_FIELDS.contains(&field));
        let depth = self.state.enter(&entry.key);
        self.state.within(depth, || seed.deserialize(de))
    }
}

impl<'a, I> Map<'a, I> {
    /// The field an entry's key names, read at the key's pointer: `None` when the entry is
    /// skipped (masked by an earlier pass, or a key the struct does not have, noted).
    fn key(&mut self, entry: &'a Entry) -> Result<Option<&'a str>, Error> {
        if self.state.is_masked() {
            return Ok(None);
        }
        match self.fields {
            None => {
                // A free-form mapping (labels, nodeSelector): its keys are strings too.
                self.state.string(&entry_key_node(entry))?;
                Ok(Some(entry.key.as_str()))
            }
            Some(fields) => match match_field(&entry.key, fields) {
                Some(field) => {
                    self.pending_field = Some(field);
                    Ok(Some(field))
                }
                None => {
                    self.state.notices.borrow_mut().push(Notice::UnknownKey {
                        pointer: self.state.pointer(),
                        key: entry.key.as_str().to_owned(),
                        key_span: entry.key_span,
                        expected: fields.to_vec(),
                    });
                    Ok(None)
                }
            },
        }
    }
}

fn entry_key_node(entry: &Entry) -> Node {
    Node {
        kind: NodeKind::Scalar {
            text: entry.key.clone(),
            style: entry.key_style,
        },
        span: entry.key_span,
    }
}

/// An enum's variant name, and for mapping-tagged enums the mapping that holds its fields.
struct Tag<'a> {
    text: &'a str,
    pointer: String,
    span: Span,
    body: Option<De<'a>>,
}

impl<'de, 'a> EnumAccess<'de> for Tag<'a> {
    type Error = Error;
    type Variant = Body<'a>;

    fn variant_seed<V: DeserializeSeed<'de>>(self, seed: V) -> Result<(V::Value, Body<'a>), Error> {
        let value = seed
            .deserialize(self.text.into_deserializer())
            .map_err(|e: Error| e.at(&self.pointer, self.span))?;
        Ok((value, Body(self.body)))
    }
}

struct Body<'a>(Option<De<'a>>);

impl<'de> VariantAccess<'de> for Body<'_> {
    type Error = Error;

    fn unit_variant(self) -> Result<(), Error> {
        Ok(())
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value, Error> {
        match self.0 {
            Some(body) => seed.deserialize(body),
            None => Err(de::Error::custom("expected a mapping for this kind")),
        }
    }

    fn tuple_variant<V: Visitor<'de>>(self, _len: usize, _visitor: V) -> Result<V::Value, Error> {
        Err(de::Error::custom(
            "tuple variants are not used in Polyaxonfiles",
        ))
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        match self.0 {
            Some(body) => de::Deserializer::deserialize_struct(body, "V1Variant", fields, visitor),
            None => Err(de::Error::custom("expected a mapping for this kind")),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use serde::Deserialize;

    use super::*;
    use crate::yaml::tree::{Limits, load};

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(rename_all = "camelCase")]
    struct V1Probe {
        node_selector: Option<BTreeMap<String, String>>,
        #[serde(rename = "hostPID")]
        host_pid: Option<bool>,
        replicas: Option<i32>,
        name: Option<String>,
    }

    fn run<T: DeserializeOwned>(source: &str) -> Decoded<T> {
        decode(&load(source, Limits::default()).unwrap(), "")
    }

    #[test]
    fn accepts_snake_case_in_kubernetes_objects_too() {
        let decoded =
            run::<k8s_openapi::api::core::v1::Container>("name: c\nimage_pull_policy: Always\n");
        assert_eq!(
            decoded.value.unwrap().image_pull_policy.as_deref(),
            Some("Always")
        );
        assert!(decoded.notices.is_empty());
    }

    #[test]
    fn accepts_snake_case_for_polyaxon_types() {
        let decoded = run::<V1Probe>("node_selector: {a: b}\nhost_pid: true\n");
        let value = decoded.value.unwrap();
        assert_eq!(value.host_pid, Some(true));
        assert!(decoded.notices.is_empty(), "{:?}", decoded.notices);
    }

    #[test]
    fn reports_unknown_keys_and_keeps_going() {
        let decoded = run::<V1Probe>("nodeSelectr: {a: b}\nreplicas: 2\n");
        assert_eq!(decoded.value.unwrap().replicas, Some(2));
        assert!(
            matches!(&decoded.notices[..], [Notice::UnknownKey { key, .. }] if key == "nodeSelectr")
        );
    }

    #[test]
    fn collects_several_type_errors() {
        let decoded = run::<V1Probe>("replicas: \"3\"\nhostPID: maybe\nname: [a]\n");
        let pointers: Vec<_> = decoded
            .errors
            .iter()
            .map(|e| e.pointer.clone().unwrap())
            .collect();
        assert_eq!(pointers, ["/replicas", "/hostPID", "/name"]);
        assert!(decoded.value.is_some());
    }

    #[test]
    fn warns_on_yaml11_scalars_in_string_fields() {
        let decoded = run::<V1Probe>("name: yes\nnodeSelector: {gpu: on}\n");
        assert_eq!(decoded.notices.len(), 2);
    }

    #[test]
    fn kubernetes_objects_report_unknown_fields() {
        let decoded = run::<k8s_openapi::api::core::v1::Container>(
            "name: c\nimage: busybox\nimagePullPolicyy: Always\nresources: {limits: {cpu: 1}}\n",
        );
        assert!(decoded.errors.is_empty(), "{:?}", decoded.errors);
        assert!(
            matches!(&decoded.notices[..], [Notice::UnknownKey { key, .. }] if key == "imagePullPolicyy")
        );
        let cpu = &decoded.value.unwrap().resources.unwrap().limits.unwrap()["cpu"];
        assert_eq!(cpu.0, "1");
    }

    #[test]
    fn missing_field_after_masking_is_not_reported_twice() {
        let decoded = run::<k8s_openapi::api::core::v1::ContainerPort>("containerPort: http\n");
        assert_eq!(decoded.errors.len(), 1);
        assert_eq!(decoded.errors[0].pointer.as_deref(), Some("/containerPort"));
    }
}
