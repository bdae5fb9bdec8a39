//! Parser events -> an owned YAML tree that keeps a byte span for every key and value.
//!
//! Everything downstream (typed decoding, rules, diagnostics) works on this tree, so a
//! finding anywhere can point at the exact key or value the user wrote. The builder is
//! iterative and budgeted: nesting depth and the number of nodes (aliases included, counted
//! as expanded) are bounded, so hostile input fails fast instead of exhausting memory.

use std::collections::HashMap;

use compact_str::CompactString;
use serde_saphyr::granit_parser::{Event, Marker, Options, Parser, ScalarStyle, ScanError, Tag};

/// A half-open byte range into the source text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    /// The span of a node that does not come from this file: a referenced component's or a
    /// preset's, laid into it by composition. A finding there belongs to that file.
    pub const ELSEWHERE: Span = Span {
        start: usize::MAX,
        end: usize::MAX,
    };

    pub fn is_elsewhere(&self) -> bool {
        *self == Span::ELSEWHERE
    }

    pub fn new(start: usize, end: usize) -> Self {
        Self {
            start,
            end: end.max(start),
        }
    }

    pub fn len(&self) -> usize {
        self.end - self.start
    }

    pub fn is_empty(&self) -> bool {
        self.start == self.end
    }
}

/// How a scalar was written: only plain scalars are subject to type resolution.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Style {
    Plain,
    Quoted,
    Block,
    /// A template's result: typed like a plain scalar (`"{{ epochs }}"` -> `5` reads as the
    /// int Polyaxon makes of it), but what the user wrote was quoted, so it is never
    /// reported as an ambiguous YAML 1.1 value.
    Rendered,
}

impl Style {
    /// Whether the scalar resolves to null, a bool or a number when it looks like one.
    pub fn is_typed(self) -> bool {
        matches!(self, Style::Plain | Style::Rendered)
    }
}

#[derive(Clone, Debug)]
pub enum NodeKind {
    Scalar { text: CompactString, style: Style },
    Seq(Vec<Node>),
    Map(Vec<Entry>),
}

#[derive(Clone, Debug)]
pub struct Node {
    pub kind: NodeKind,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct Entry {
    pub key: CompactString,
    pub key_span: Span,
    pub key_style: Style,
    pub value: Node,
}

impl Node {
    /// The node as JSON, plain scalars read with the YAML 1.2 core schema.
    pub fn to_json(&self) -> serde_json::Value {
        use crate::yaml::scalar::{Resolved, resolve_core};
        match &self.kind {
            NodeKind::Map(entries) => serde_json::Value::Object(
                entries
                    .iter()
                    .map(|e| (e.key.as_str().to_owned(), e.value.to_json()))
                    .collect(),
            ),
            NodeKind::Seq(items) => {
                serde_json::Value::Array(items.iter().map(Node::to_json).collect())
            }
            NodeKind::Scalar { text, style } if *style == Style::Plain => {
                match resolve_core(text) {
                    Resolved::Null => serde_json::Value::Null,
                    Resolved::Bool(b) => b.into(),
                    Resolved::Int(i) => i.into(),
                    Resolved::Float(f) => serde_json::Number::from_f64(f)
                        .map_or_else(|| text.as_str().into(), serde_json::Value::Number),
                    Resolved::Str => text.as_str().into(),
                }
            }
            NodeKind::Scalar { text, .. } => text.as_str().into(),
        }
    }

    /// Whether a key of this node or of any node under it satisfies `predicate`.
    pub fn any_key(&self, predicate: &impl Fn(&str) -> bool) -> bool {
        match &self.kind {
            NodeKind::Scalar { .. } => false,
            NodeKind::Seq(items) => items.iter().any(|item| item.any_key(predicate)),
            NodeKind::Map(entries) => entries
                .iter()
                .any(|entry| predicate(&entry.key) || entry.value.any_key(predicate)),
        }
    }

    /// A plain `~`, `null` or empty scalar: YAML's null in every schema.
    pub fn is_null(&self) -> bool {
        matches!(&self.kind, NodeKind::Scalar { text, style }
            if style.is_typed() && matches!(text.as_str(), "" | "~" | "null" | "Null" | "NULL"))
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            NodeKind::Scalar { text, .. } => Some(text),
            _ => None,
        }
    }

    pub fn entries(&self) -> Option<&[Entry]> {
        match &self.kind {
            NodeKind::Map(entries) => Some(entries),
            _ => None,
        }
    }

    pub fn get(&self, key: &str) -> Option<&Entry> {
        self.entries()?.iter().find(|e| e.key == key)
    }

    /// The entry for a camelCase field, written as is or in the snake_case Polyaxon accepts.
    pub fn field(&self, name: &str) -> Option<&Entry> {
        let entries = self.entries()?;
        entries
            .iter()
            .find(|e| e.key == name)
            .or_else(|| entries.iter().find(|e| is_snake_spelling(&e.key, name)))
    }

    /// Follows a JSON pointer (`/run/ports/0`) down the tree.
    pub fn pointer(&self, pointer: &str) -> Option<Located<'_>> {
        let mut node = self;
        let mut key_span = None;
        if pointer.is_empty() {
            return Some(Located { node, key_span });
        }
        for raw in pointer.strip_prefix('/')?.split('/') {
            let token = unescape_pointer_token(raw);
            match &node.kind {
                NodeKind::Map(entries) => {
                    let entry = entries.iter().find(|e| e.key == token)?;
                    key_span = Some(entry.key_span);
                    node = &entry.value;
                }
                NodeKind::Seq(items) => {
                    node = items.get(token.parse::<usize>().ok()?)?;
                    key_span = None;
                }
                NodeKind::Scalar { .. } => return None,
            }
        }
        Some(Located { node, key_span })
    }

    /// Removes the entry a JSON pointer names (exactly as written), if there is one.
    pub fn remove(&mut self, pointer: &str) {
        let Some((parent, last)) = pointer.rsplit_once('/') else {
            return;
        };
        let key = unescape_pointer_token(last);
        let mut node = self;
        for raw in parent.split('/').skip(1) {
            let token = unescape_pointer_token(raw);
            let next = match &mut node.kind {
                NodeKind::Map(entries) => entries
                    .iter_mut()
                    .find(|e| e.key == token)
                    .map(|e| &mut e.value),
                NodeKind::Seq(items) => token.parse::<usize>().ok().and_then(|i| items.get_mut(i)),
                NodeKind::Scalar { .. } => None,
            };
            let Some(next) = next else {
                return;
            };
            node = next;
        }
        if let NodeKind::Map(entries) = &mut node.kind {
            entries.retain(|e| e.key != key);
        }
    }

    /// A short description of what the node holds, for "expected X, found Y" messages.
    pub fn describe(&self) -> String {
        match &self.kind {
            NodeKind::Seq(_) => "a list".into(),
            NodeKind::Map(_) => "a mapping".into(),
            NodeKind::Scalar { text, style } => {
                if *style != Style::Plain {
                    return format!("the string {}", quote_for_message(text));
                }
                match super::scalar::resolve_core(text) {
                    super::scalar::Resolved::Null => "null (an empty value)".into(),
                    super::scalar::Resolved::Bool(_) => format!("the boolean `{text}`"),
                    super::scalar::Resolved::Int(_) => format!("the integer `{text}`"),
                    super::scalar::Resolved::Float(_) => format!("the number `{text}`"),
                    super::scalar::Resolved::Str => {
                        format!("the string {}", quote_for_message(text))
                    }
                }
            }
        }
    }
}

fn quote_for_message(text: &str) -> String {
    const MAX: usize = 40;
    if text.chars().count() > MAX {
        let cut: String = text.chars().take(MAX).collect();
        format!("\"{cut}…\"")
    } else {
        format!("{text:?}")
    }
}

/// A node found by pointer, with the span of the key that led to it (if it is a map value).
#[derive(Clone, Copy, Debug)]
pub struct Located<'a> {
    pub node: &'a Node,
    pub key_span: Option<Span>,
}

/// Whether `key` is the snake_case spelling of the camelCase `field` (`host_pid`, `hostPID`):
/// exactly [`snake_case`]`(field)`, the name Polyaxon's models and the Kubernetes Python client
/// give the field, and no other placement of underscores (`host_p_i_d` is not `hostPID`).
pub fn is_snake_spelling(key: &str, field: &str) -> bool {
    let underscores = key.bytes().filter(|b| *b == b'_').count();
    underscores > 0
        // Cheap rejections first: this runs for every snake_case key against every field.
        && key.len() == field.len() + underscores
        && !key.contains(|c: char| c.is_ascii_uppercase())
        && snake_case(field) == key
}

/// Matches a user's key to a struct field: exactly, or as its snake_case spelling, which
/// Polyaxon accepts everywhere, Kubernetes objects included (`image_pull_policy`). Rendered
/// manifests always use the camelCase name.
pub fn match_field<'f>(key: &str, fields: &[&'f str]) -> Option<&'f str> {
    if let Some(field) = fields.iter().find(|f| **f == key) {
        return Some(field);
    }
    // A snake_case spelling has a `_`: most keys have none, and need no test per field.
    if !key.contains('_') {
        return None;
    }
    fields.iter().copied().find(|f| is_snake_spelling(key, f))
}

/// A camelCase field's snake_case spelling, as Polyaxon's models (pydantic field names) and the
/// Kubernetes Python client (openapi-generator's `underscore`) spell it: a capital starts a
/// word, and a run of capitals is one word (an acronym) up to the capital that starts a
/// lowercase word: `nodeSelector` -> `node_selector`, `hostPID` -> `host_pid`, `scaleIO` ->
/// `scale_io`, `setHostnameAsFQDN` -> `set_hostname_as_fqdn`, `podIPs` -> `pod_i_ps`.
pub fn snake_case(field: &str) -> String {
    let chars: Vec<char> = field.chars().collect();
    let mut out = String::with_capacity(field.len() + 4);
    for (index, &c) in chars.iter().enumerate() {
        if c.is_ascii_uppercase() && index > 0 {
            let before = chars[index - 1];
            let after = chars.get(index + 1).copied();
            // `aB` (a word starts), or `ABc` (the acronym `A` ends where the word `Bc` starts).
            let starts = before.is_ascii_lowercase()
                || before.is_ascii_digit()
                || (before.is_ascii_uppercase() && after.is_some_and(|a| a.is_ascii_lowercase()));
            if starts {
                out.push('_');
            }
        }
        out.push(c.to_ascii_lowercase());
    }
    out
}

/// `token`, escaped, at the end of `pointer` (without the `/`), in place: this runs for every
/// key of every file, and label keys such as `kubernetes.io/hostname` are common.
fn push_pointer_token(pointer: &mut String, token: &str) {
    let mut copied = 0;
    for (at, byte) in token.bytes().enumerate() {
        let escaped = match byte {
            b'~' => "~0",
            b'/' => "~1",
            _ => continue,
        };
        // `at` is an ASCII byte's place, so both slices end on a character boundary.
        pointer.push_str(&token[copied..at]);
        pointer.push_str(escaped);
        copied = at + 1;
    }
    pointer.push_str(&token[copied..]);
}

/// `{parent}/{path}`, `path` written as it is (a field name, or several with `/`; a key
/// from the file goes through [`entry_pointer`]). Rules build one for every field they
/// look at, wrong or not, so without the formatting machinery.
pub fn child_pointer(parent: &str, path: &str) -> String {
    let mut pointer = String::with_capacity(parent.len() + 1 + path.len());
    pointer.push_str(parent);
    pointer.push('/');
    pointer.push_str(path);
    pointer
}

/// `{parent}/{key}` for a key written in the file (a label's, an annotation's), escaped.
pub fn entry_pointer(parent: &str, key: &str) -> String {
    let mut pointer = String::with_capacity(parent.len() + 1 + key.len());
    pointer.push_str(parent);
    pointer.push('/');
    push_pointer_token(&mut pointer, key);
    pointer
}

/// `{parent}/{list}/{index}`: an item of a list field.
pub fn item_pointer(parent: &str, list: &str, index: usize) -> String {
    let mut digits = itoa::Buffer::new();
    let index = digits.format(index);
    let mut pointer = String::with_capacity(parent.len() + list.len() + index.len() + 2);
    pointer.push_str(parent);
    pointer.push('/');
    pointer.push_str(list);
    pointer.push('/');
    pointer.push_str(index);
    pointer
}

/// A JSON pointer built as a walk goes down a tree: a base and the keys and indexes below
/// it, borrowed from the tree. It is written out only for a finding, so a value that is fine
/// (nearly all of them) costs a push and a pop.
#[derive(Default)]
pub struct PointerStack<'a> {
    base: &'a str,
    tokens: Vec<PointerToken<'a>>,
}

#[derive(Clone, Copy)]
enum PointerToken<'a> {
    Key(&'a str),
    Index(usize),
}

impl<'a> PointerStack<'a> {
    pub fn new(base: &'a str) -> Self {
        Self {
            base,
            tokens: Vec::new(),
        }
    }

    /// Goes down to the value at `key`; returns the depth [`PointerStack::truncate`] goes back to.
    pub fn push_key(&mut self, key: &'a str) -> usize {
        self.tokens.push(PointerToken::Key(key));
        self.tokens.len() - 1
    }

    /// Goes down to the item at `index`; returns the depth to go back to.
    pub fn push_index(&mut self, index: usize) -> usize {
        self.tokens.push(PointerToken::Index(index));
        self.tokens.len() - 1
    }

    pub fn truncate(&mut self, depth: usize) {
        self.tokens.truncate(depth);
    }

    /// The pointer, written out and escaped.
    pub fn pointer(&self) -> String {
        let mut pointer = self.base.to_owned();
        for token in &self.tokens {
            pointer.push('/');
            match *token {
                PointerToken::Key(key) => push_pointer_token(&mut pointer, key),
                PointerToken::Index(index) => {
                    pointer.push_str(itoa::Buffer::new().format(index));
                }
            }
        }
        pointer
    }
}

/// A pointer token as the key it names: borrowed unless it escapes a `~` or a `/` (finding a
/// node by its pointer, as every finding does, then copies nothing).
pub fn unescape_pointer_token(token: &str) -> std::borrow::Cow<'_, str> {
    if token.contains('~') {
        token.replace("~1", "/").replace("~0", "~").into()
    } else {
        token.into()
    }
}

/// Bounds on what one document may cost to load.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Deepest nesting of mappings and sequences.
    pub max_depth: usize,
    /// Nodes in the document once every alias is expanded (defeats "billion laughs").
    pub max_nodes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_depth: 64,
            max_nodes: 200_000,
        }
    }
}

/// Why a YAML text could not become a tree.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LoadError {
    Syntax {
        message: String,
        span: Span,
    },
    DuplicateKey {
        key: String,
        first: Span,
        second: Span,
    },
    MultipleDocuments {
        second: Span,
    },
    Empty,
    TooDeep {
        span: Span,
        limit: usize,
    },
    TooManyNodes {
        span: Span,
        limit: usize,
    },
    ComplexKey {
        span: Span,
    },
    UnsupportedTag {
        tag: String,
        span: Span,
    },
    UndefinedAlias {
        span: Span,
    },
}

/// An open sequence or mapping. Its children so far are the builder's `items` or `entries`
/// from `first` on: every open collection's children share one growing list, and each gets
/// its own, of exactly its size, when it closes (growing a list per collection reallocated
/// several times for each of them).
enum Frame {
    Seq {
        start: usize,
        anchor: usize,
        first: usize,
        weight: usize,
    },
    Map {
        start: usize,
        anchor: usize,
        first: usize,
        keys: KeyIndex,
        pending_key: Option<(CompactString, Span, Style)>,
        merged: Vec<Entry>,
        weight: usize,
    },
}

/// Where each key of one mapping is among its entries, to refuse a duplicate. Most mappings
/// are small, and a scan of their entries costs less than hashing every key; a mapping
/// past [`KeyIndex::SCANNED`] keys gets a hash map, so a hostile one stays linear.
#[derive(Default)]
struct KeyIndex {
    positions: Option<HashMap<CompactString, usize>>,
}

impl KeyIndex {
    const SCANNED: usize = 16;

    fn find(&self, entries: &[Entry], key: &str) -> Option<usize> {
        match &self.positions {
            Some(positions) => positions.get(key).copied(),
            None => entries.iter().position(|entry| entry.key == key),
        }
    }

    /// The last of `entries` was just added.
    fn added(&mut self, entries: &[Entry]) {
        let last = entries.len() - 1;
        match &mut self.positions {
            Some(positions) => {
                positions.insert(entries[last].key.clone(), last);
            }
            None if entries.len() > Self::SCANNED => {
                let positions = entries.iter().enumerate();
                self.positions = Some(positions.map(|(at, e)| (e.key.clone(), at)).collect());
            }
            None => {}
        }
    }
}

/// Builds the tree from parser events: the full parser's, or the fast path's
/// ([`super::block`]), which gives it the same events at the same places.
pub(super) struct Builder<'s> {
    source: &'s str,
    limits: Limits,
    stack: Vec<Frame>,
    items: Vec<Node>,
    entries: Vec<Entry>,
    anchors: HashMap<usize, (Node, usize)>,
    nodes: usize,
    root: Option<Node>,
}

/// Parses exactly one YAML document (JSON is YAML too) into a [`Node`] tree.
pub fn load(source: &str, limits: Limits) -> Result<Node, LoadError> {
    let mut documents = parse(source, limits, true)?;
    Ok(documents.swap_remove(0))
}

/// Parses a stream of YAML documents (`---`-separated manifests), skipping empty ones. The
/// limits hold for the stream as a whole.
pub fn load_documents(source: &str, limits: Limits) -> Result<Vec<Node>, LoadError> {
    parse(source, limits, false)
}

fn parse(source: &str, limits: Limits, single: bool) -> Result<Vec<Node>, LoadError> {
    // Nearly every file is in the fast path's subset; it hands anything else back.
    if let Some(root) = super::block::load(source, limits) {
        return Ok(vec![root]);
    }
    parse_events(source, limits, single)
}

/// The full parser's reading of `source`, for every file the fast path hands back (and for
/// the tests and the fuzz target that hold the fast path to it).
pub fn parse_events(source: &str, limits: Limits, single: bool) -> Result<Vec<Node>, LoadError> {
    let mut options = Options::default();
    // Keep the parser's own nesting guard just above ours so that ours, with its clearer
    // message, is the one users meet.
    options.block_nesting_limit = limits.max_depth + 2;
    options.flow_nesting_limit = limits.max_depth + 2;
    let mut parser = Parser::new_from_str_with_options(source, options);
    let mut builder = Builder::new(source, limits);
    let mut started = 0usize;
    let mut documents = Vec::new();
    while let Some(next) = parser.next_event() {
        let (event, span) = next.map_err(|e| builder.scan_error(&e))?;
        let start = builder.offset(&span.start);
        let end = builder.offset(&span.end);
        let tag_start = span.tag_start.as_ref().map_or(start, |m| builder.offset(m));
        match event {
            Event::StreamStart | Event::Anchor(..) => {}
            Event::StreamEnd => break,
            Event::DocumentEnd => {
                // Anchors do not reach across documents.
                builder.anchors.clear();
                if let Some(root) = builder.root.take().filter(|root| !root.is_null()) {
                    documents.push(root);
                }
            }
            Event::DocumentStart(..) => {
                started += 1;
                if single && started > 1 {
                    return Err(LoadError::MultipleDocuments {
                        second: Span::new(start, end.max(start + 3).min(source.len())),
                    });
                }
            }
            #[allow(unreachable_patterns)]
            Event::Scalar(text, style, anchor, tag) => {
                let style = scalar_style(style, tag.as_deref(), tag_start)?;
                builder.scalar(text.into(), style, anchor, Span::new(start, end))?;
            }
            Event::SequenceStart(_, anchor, ref tag) | Event::MappingStart(_, anchor, ref tag) => {
                if let Some(tag) = tag.as_deref() {
                    supported(tag, tag_start)?;
                }
                let is_seq = matches!(event, Event::SequenceStart(..));
                builder.open(is_seq, anchor, Span::new(start, end))?;
            }
            Event::SequenceEnd | Event::MappingEnd => builder.close(end)?,
            Event::Alias(id) => builder.alias(id, Span::new(start, end))?,
            Event::UnresolvedAlias(_) => {
                return Err(LoadError::UndefinedAlias {
                    span: Span::new(start, end),
                });
            }
            #[allow(unreachable_patterns)]
            _ => {}
        }
    }
    if documents.is_empty() {
        return Err(LoadError::Empty);
    }
    Ok(documents)
}

/// A tag the loader takes: YAML's core schema only (Polyaxon's loader refuses custom tags).
fn supported(tag: &Tag, tag_start: usize) -> Result<(), LoadError> {
    if tag.is_yaml_core_schema() {
        return Ok(());
    }
    Err(LoadError::UnsupportedTag {
        tag: tag.original(),
        span: Span::new(tag_start, tag_start + tag.original().len()),
    })
}

/// How a scalar was written; `!!str` makes it a string whatever it looks like.
fn scalar_style(
    style: ScalarStyle,
    tag: Option<&Tag>,
    tag_start: usize,
) -> Result<Style, LoadError> {
    if let Some(tag) = tag {
        supported(tag, tag_start)?;
        if tag.is_yaml_core_schema_tag("str") {
            return Ok(Style::Quoted);
        }
    }
    Ok(match style {
        ScalarStyle::Plain => Style::Plain,
        ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted => Style::Quoted,
        _ => Style::Block,
    })
}

impl<'s> Builder<'s> {
    pub(super) fn new(source: &'s str, limits: Limits) -> Self {
        Self {
            source,
            limits,
            stack: Vec::new(),
            items: Vec::new(),
            entries: Vec::new(),
            anchors: HashMap::new(),
            nodes: 0,
            root: None,
        }
    }

    /// The document's root, once its events are all in.
    pub(super) fn into_root(self) -> Option<Node> {
        self.root
    }

    pub(super) fn scalar(
        &mut self,
        text: CompactString,
        style: Style,
        anchor: usize,
        span: Span,
    ) -> Result<(), LoadError> {
        let node = Node {
            kind: NodeKind::Scalar { text, style },
            span,
        };
        self.count(1, span.start, span.end)?;
        self.push(node, 1, anchor)
    }

    /// A sequence or mapping starts: within the depth limit, and not as a mapping's key.
    pub(super) fn open(
        &mut self,
        is_seq: bool,
        anchor: usize,
        span: Span,
    ) -> Result<(), LoadError> {
        let (start, end) = (span.start, span.end);
        if let Some(Frame::Map {
            pending_key: None, ..
        }) = self.stack.last()
        {
            return Err(LoadError::ComplexKey { span });
        }
        if self.stack.len() >= self.limits.max_depth {
            return Err(LoadError::TooDeep {
                span: Span::new(start, end.max(start + 1).min(self.source.len())),
                limit: self.limits.max_depth,
            });
        }
        self.count(1, start, end)?;
        self.stack.push(if is_seq {
            Frame::Seq {
                start,
                anchor,
                first: self.items.len(),
                weight: 1,
            }
        } else {
            Frame::Map {
                start,
                anchor,
                first: self.entries.len(),
                keys: KeyIndex::default(),
                pending_key: None,
                merged: Vec::new(),
                weight: 1,
            }
        });
        Ok(())
    }

    /// The innermost sequence or mapping ends at `end`.
    pub(super) fn close(&mut self, end: usize) -> Result<(), LoadError> {
        let frame = self.stack.pop().expect("parser balances collections");
        let (node, weight, anchor) = match frame {
            Frame::Seq {
                start,
                anchor,
                first,
                weight,
            } => (
                Node {
                    kind: NodeKind::Seq(self.items.split_off(first)),
                    span: Span::new(start, end),
                },
                weight,
                anchor,
            ),
            Frame::Map {
                start,
                anchor,
                first,
                mut keys,
                merged,
                weight,
                ..
            } => {
                // YAML 1.1 merge keys (`<<: *base`), as PyYAML and kubectl apply them: keys
                // written in the mapping itself win over merged ones.
                for entry in merged {
                    if keys.find(&self.entries[first..], &entry.key).is_none() {
                        self.entries.push(entry);
                        keys.added(&self.entries[first..]);
                    }
                }
                (
                    Node {
                        kind: NodeKind::Map(self.entries.split_off(first)),
                        span: Span::new(start, end),
                    },
                    weight,
                    anchor,
                )
            }
        };
        self.push(node, weight, anchor)
    }

    /// An alias: a copy of its anchor's node, counted as expanded.
    fn alias(&mut self, id: usize, span: Span) -> Result<(), LoadError> {
        let Some((node, weight)) = self.anchors.get(&id).cloned() else {
            return Err(LoadError::UndefinedAlias { span });
        };
        self.count(weight, span.start, span.end)?;
        self.push(node, weight, 0)
    }
}

impl Builder<'_> {
    fn offset(&self, marker: &Marker) -> usize {
        marker
            .byte_offset()
            .unwrap_or_else(|| char_to_byte(self.source, marker.index()))
            .min(self.source.len())
    }

    fn scan_error(&self, error: &ScanError) -> LoadError {
        let at = self.offset(error.marker());
        let end = next_char_boundary(self.source, at);
        // The scanner runs ahead of the events, so on deep flow nesting its own guard can
        // fire before ours does: report both the same way.
        if error.info().contains("recursion limit exceeded") {
            return LoadError::TooDeep {
                span: Span::new(at, end),
                limit: self.limits.max_depth,
            };
        }
        if error.info().contains("unknown anchor") {
            return LoadError::UndefinedAlias {
                span: Span::new(at, end),
            };
        }
        LoadError::Syntax {
            message: error.info(),
            span: Span::new(at, end),
        }
    }

    fn count(&mut self, weight: usize, start: usize, end: usize) -> Result<(), LoadError> {
        self.nodes = self.nodes.saturating_add(weight);
        if self.nodes > self.limits.max_nodes {
            return Err(LoadError::TooManyNodes {
                span: Span::new(start, end),
                limit: self.limits.max_nodes,
            });
        }
        Ok(())
    }

    fn push(&mut self, node: Node, weight: usize, anchor: usize) -> Result<(), LoadError> {
        if anchor != 0 {
            self.anchors.insert(anchor, (node.clone(), weight));
        }
        match self.stack.last_mut() {
            None => self.root = Some(node),
            Some(Frame::Seq { weight: w, .. }) => {
                *w += weight;
                self.items.push(node);
            }
            Some(Frame::Map {
                first: entries_from,
                keys,
                pending_key,
                merged,
                weight: w,
                ..
            }) => {
                *w += weight;
                match pending_key.take() {
                    None => match node.kind {
                        NodeKind::Scalar { text, style } => {
                            *pending_key = Some((text, node.span, style));
                        }
                        _ => return Err(LoadError::ComplexKey { span: node.span }),
                    },
                    Some((key, key_span, key_style)) => {
                        if key == "<<" && key_style == Style::Plain {
                            match &node.kind {
                                NodeKind::Map(from) => merged.extend(from.iter().cloned()),
                                NodeKind::Seq(sources) => {
                                    for source in sources {
                                        if let NodeKind::Map(from) = &source.kind {
                                            merged.extend(from.iter().cloned());
                                        }
                                    }
                                }
                                NodeKind::Scalar { .. } => {}
                            }
                            return Ok(());
                        }
                        if let Some(first) = keys.find(&self.entries[*entries_from..], &key) {
                            return Err(LoadError::DuplicateKey {
                                key: key.into(),
                                first: self.entries[*entries_from + first].key_span,
                                second: key_span,
                            });
                        }
                        self.entries.push(Entry {
                            key,
                            key_span,
                            key_style,
                            value: node,
                        });
                        keys.added(&self.entries[*entries_from..]);
                    }
                }
            }
        }
        Ok(())
    }
}

fn char_to_byte(source: &str, chars: usize) -> usize {
    source
        .char_indices()
        .nth(chars)
        .map_or(source.len(), |(byte, _)| byte)
}

fn next_char_boundary(source: &str, at: usize) -> usize {
    source[at..]
        .chars()
        .next()
        .map_or(at, |c| at + c.len_utf8())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load_default(source: &str) -> Result<Node, LoadError> {
        load(source, Limits::default())
    }

    #[test]
    fn snake_spellings_are_the_ones_polyaxon_and_the_kubernetes_client_use() {
        for (field, snake) in [
            ("nodeSelector", "node_selector"),
            ("kind", "kind"),
            ("hostPID", "host_pid"),
            ("hostIPC", "host_ipc"),
            ("hostIP", "host_ip"),
            ("scaleIO", "scale_io"),
            ("seLinuxOptions", "se_linux_options"),
            ("setHostnameAsFQDN", "set_hostname_as_fqdn"),
            ("podIPs", "pod_i_ps"),
            ("v1Beta", "v1_beta"),
        ] {
            assert_eq!(snake_case(field), snake, "{field}");
        }
        assert!(is_snake_spelling("host_pid", "hostPID"));
        assert!(is_snake_spelling("node_selector", "nodeSelector"));
        assert!(!is_snake_spelling("host_p_i_d", "hostPID"));
        assert!(!is_snake_spelling("hos_tpid", "hostPID"));
        assert!(!is_snake_spelling("node_Selector", "nodeSelector"));
        assert!(!is_snake_spelling("kind", "kind"));
    }

    #[test]
    fn keeps_byte_spans_of_keys_and_values() {
        let source = "a: 1\nbé: [x, \"y\"]\n";
        let root = load_default(source).unwrap();
        let entry = root.get("bé").unwrap();
        assert_eq!(&source[entry.key_span.start..entry.key_span.end], "bé");
        let located = root.pointer("/bé/1").unwrap();
        assert_eq!(
            &source[located.node.span.start..located.node.span.end],
            "\"y\""
        );
    }

    #[test]
    fn duplicate_key_points_at_both() {
        let source = "name: a\nname: b\n";
        match load_default(source) {
            Err(LoadError::DuplicateKey { key, first, second }) => {
                assert_eq!(key, "name");
                assert_eq!(first.start, 0);
                assert_eq!(second.start, 8);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn duplicate_keys_found_in_small_and_large_mappings() {
        // A small mapping is scanned, a large one hashed: both find the first spelling.
        for count in [3, KeyIndex::SCANNED, KeyIndex::SCANNED + 1, 200] {
            let keys: String = (0..count).map(|i| format!("k{i}: {i}\n")).collect();
            let source = format!("{keys}k{}: again\n", count / 2);
            match load_default(&source) {
                Err(LoadError::DuplicateKey { key, first, .. }) => {
                    assert_eq!(key, format!("k{}", count / 2));
                    assert_eq!(&source[first.start..first.end], key);
                }
                other => panic!("{count}: {other:?}"),
            }
        }
        // Merged keys: the mapping's own win, and the first of two sources wins over the second.
        let merged: String = (0..20).map(|i| format!("k{i}: {i}, ")).collect();
        let source =
            format!("a: &a {{{merged}}}\nb: &b {{k1: b, z: b}}\nm:\n  <<: [*a, *b]\n  k0: own\n");
        let root = load_default(&source).unwrap();
        let m = root.pointer("/m").unwrap().node;
        assert_eq!(m.entries().unwrap().len(), 21);
        assert_eq!(m.get("k0").unwrap().value.as_str(), Some("own"));
        assert_eq!(m.get("k1").unwrap().value.as_str(), Some("1"));
        assert_eq!(m.get("z").unwrap().value.as_str(), Some("b"));
    }

    #[test]
    fn refuses_second_document_and_empty_streams() {
        assert!(matches!(
            load_default("a: 1\n---\nb: 2\n"),
            Err(LoadError::MultipleDocuments { .. })
        ));
        assert_eq!(load_default("").unwrap_err(), LoadError::Empty);
        assert_eq!(load_default("# only\n").unwrap_err(), LoadError::Empty);
    }

    #[test]
    fn merge_keys_apply_with_local_keys_winning() {
        let root = load_default("base: &b {x: 1, y: 2}\nm:\n  <<: *b\n  y: 3\n").unwrap();
        let m = root.pointer("/m").unwrap().node;
        let keys: Vec<_> = m
            .entries()
            .unwrap()
            .iter()
            .map(|e| e.key.as_str())
            .collect();
        assert_eq!(keys, ["y", "x"]);
        assert_eq!(root.pointer("/m/y").unwrap().node.as_str(), Some("3"));
    }

    #[test]
    fn alias_bomb_is_stopped_by_node_budget() {
        let mut source = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..12 {
            let p = i - 1;
            source.push_str(&format!(
                "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
            ));
        }
        assert!(matches!(
            load_default(&source),
            Err(LoadError::TooManyNodes { .. })
        ));
    }

    #[test]
    fn deep_nesting_is_refused() {
        let source = "[".repeat(10_000) + &"]".repeat(10_000);
        assert!(matches!(
            load_default(&source),
            Err(LoadError::TooDeep { .. })
        ));
        let block: String = (0..10_000)
            .map(|i| format!("{}k:\n", " ".repeat(i)))
            .collect();
        assert!(load_default(&block).is_err());
    }

    #[test]
    fn pointer_escapes_slashes() {
        let root = load_default("labels:\n  app.kubernetes.io/name: x\n").unwrap();
        let ptr = entry_pointer("/labels", "app.kubernetes.io/name");
        assert_eq!(ptr, "/labels/app.kubernetes.io~1name");
        assert_eq!(entry_pointer("", "a~b/c"), "/a~0b~1c");
        assert_eq!(root.pointer(&ptr).unwrap().node.as_str(), Some("x"));
    }
}
