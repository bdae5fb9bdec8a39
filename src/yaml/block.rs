//! A fast path for the YAML nearly every file is written in: block mappings and sequences of
//! one-line plain and quoted scalars, flow collections, literal and folded block scalars, and
//! comments, in one document. It feeds the same [`Builder`] as the full parser, at the places
//! the full parser marks, so the tree, spans included, is the one the full parser makes, and
//! every limit the builder keeps holds.
//!
//! It recognises a strict subset; it is not a second YAML parser. Anything else (anchors,
//! aliases, tags, multi-line plain and quoted scalars, explicit keys, a second document,
//! directives, tabs, carriage returns, a block scalar it would have to guess about) and any
//! error, the builder's included, make it give up, and the full parser reads the file from
//! the start: the fast path never reports anything. Measured on the realistic services of
//! `bench/`, parsing took ~60% of a file's instructions (docs/performance.md). The
//! differential test `tests/yaml_fast_path.rs` (every YAML file of the repository and the
//! corpus, and variations of each) and the `yaml_fast_path` fuzz target hold the two to the
//! same tree.

use compact_str::CompactString;

use super::tree::{Builder, Limits, Node, Span, Style};

/// Outside the subset (or an error): the full parser decides.
struct GiveUp;

type Step<T = ()> = Result<T, GiveUp>;

/// The tree of `source` if it is in the subset, `None` for the full parser to read it.
pub fn load(source: &str, limits: Limits) -> Option<Node> {
    if !plain_text(source.as_bytes()) {
        return None;
    }
    let mut scanner = Scanner {
        bytes: source.as_bytes(),
        source,
        pos: 0,
        line_start: 0,
        builder: Builder::new(source, limits),
    };
    scanner.document().ok()?;
    scanner.builder.into_root()
}

/// No byte the subset leaves to the full parser: control characters other than the line
/// feed (tabs and carriage returns included), and the characters YAML treats specially
/// (the byte order mark, NEL and the Unicode line separators) or refuses (U+FFFE, U+FFFF,
/// the C1 controls).
fn plain_text(bytes: &[u8]) -> bool {
    const CHUNK: usize = 32;
    let mut at = 0;
    while at < bytes.len() {
        let end = (at + CHUNK).min(bytes.len());
        // Nearly all text is printable ASCII: a chunk of it is passed in one test, a loop
        // without early exits that the compiler vectorises.
        let ascii = bytes[at..end].iter().fold(true, |ok, &b| {
            ok & ((0x20..0x7f).contains(&b) | (b == b'\n'))
        });
        if ascii {
            at = end;
            continue;
        }
        // Character by character to the chunk's end (or just past it, to finish a character).
        while at < end {
            if refused(&bytes[at..]) {
                return false;
            }
            // `bytes` is UTF-8, so a lead byte is followed by its continuation bytes.
            at += match bytes[at] {
                0xf0.. => 4,
                0xe0.. => 3,
                0xc0.. => 2,
                _ => 1,
            };
        }
    }
    true
}

/// Whether the character `text` starts with is one [`plain_text`] refuses.
fn refused(text: &[u8]) -> bool {
    match text {
        [b'\n', ..] => false,
        [0..=0x1f | 0x7f, ..] => true,
        [0xc2, second, ..] => (0x80..=0x9f).contains(second),
        [0xe2, 0x80, 0xa8 | 0xa9, ..] => true,
        [0xef, 0xbb, 0xbf, ..] | [0xef, 0xbf, 0xbe | 0xbf, ..] => true,
        _ => false,
    }
}

/// A scalar scanned but not yet given to the builder: a block line's first scalar is a key
/// or a value depending on what follows it.
struct Scalar {
    text: CompactString,
    style: Style,
    span: Span,
}

struct Scanner<'s> {
    source: &'s str,
    bytes: &'s [u8],
    pos: usize,
    line_start: usize,
    builder: Builder<'s>,
}

/// Ends a plain scalar or separates tokens.
fn is_blank(byte: u8) -> bool {
    matches!(byte, b' ' | b'\n' | 0)
}

fn is_flow_indicator(byte: u8) -> bool {
    matches!(byte, b',' | b'[' | b']' | b'{' | b'}')
}

impl Scanner<'_> {
    /// The byte at `at`, or 0 past the end (the text has no NUL: [`plain_text`]).
    fn at(&self, at: usize) -> u8 {
        self.bytes.get(at).copied().unwrap_or(0)
    }

    fn byte(&self) -> u8 {
        self.at(self.pos)
    }

    /// A block sequence's item starts here.
    fn at_dash(&self) -> bool {
        self.byte() == b'-' && is_blank(self.at(self.pos + 1))
    }

    /// Where the parser's next mark is after `from` (just past a `-`): past spaces, or at
    /// the end of the line if only a comment follows.
    fn mark_after(&self, from: usize) -> usize {
        let mut at = from;
        while self.at(at) == b' ' {
            at += 1;
        }
        if self.at(at) == b'#' && self.at(at - 1) == b' ' {
            let rest = &self.bytes[at..];
            at += memchr::memchr(b'\n', rest).unwrap_or(rest.len());
        }
        at
    }

    fn column(&self) -> usize {
        self.pos - self.line_start
    }

    fn skip_spaces(&mut self) {
        while self.byte() == b' ' {
            self.pos += 1;
        }
    }

    /// After spaces, the line holds nothing more than a comment.
    fn at_line_end(&mut self) -> bool {
        self.skip_spaces();
        match self.byte() {
            b'\n' | 0 => true,
            b'#' => is_blank(self.at(self.pos.wrapping_sub(1))) || self.pos == self.line_start,
            _ => false,
        }
    }

    /// From the end of a content line, past blank and comment lines, to the first byte of
    /// the next content line: its column, or `None` at the end of the document (`pos` at
    /// the end of the text, or at a `...`).
    fn next_line(&mut self) -> Step<Option<usize>> {
        if self.skip_to_content() {
            self.content_line()
        } else {
            Ok(None)
        }
    }

    /// Moves past the end of this line and then past blank and comment lines; whether a
    /// content line follows (`pos` at its first byte) or the text ends (`pos` at its end).
    fn skip_to_content(&mut self) -> bool {
        loop {
            match memchr::memchr(b'\n', &self.bytes[self.pos..]) {
                None => {
                    self.pos = self.bytes.len();
                    return false;
                }
                Some(newline) => self.pos += newline + 1,
            }
            self.line_start = self.pos;
            self.skip_spaces();
            match self.byte() {
                b'\n' | b'#' => {}
                0 => return false,
                _ => return true,
            }
        }
    }

    /// `pos` is at the first byte of a content line: its column, or `None` if it ends the
    /// document (`...`). A second document or a directive is left to the parser.
    fn content_line(&self) -> Step<Option<usize>> {
        match self.marker() {
            Some(b'.') => Ok(None),
            Some(_) => Err(GiveUp),
            None => Ok(Some(self.column())),
        }
    }

    /// A document marker (`---`, `...`) or a directive (`%`) starts here: its first byte.
    fn marker(&self) -> Option<u8> {
        let line = &self.bytes[self.pos..];
        if self.column() != 0 {
            return None;
        }
        let marker = (line.starts_with(b"---") || line.starts_with(b"..."))
            && is_blank(self.at(self.pos + 3));
        (marker || self.byte() == b'%').then_some(self.byte())
    }

    fn document(&mut self) -> Step {
        self.pos = 0;
        self.line_start = 0;
        // The first line may be content: start as if after an empty line before it.
        self.skip_spaces();
        let content = match self.byte() {
            b'\n' | b'#' => self.skip_to_content(),
            byte => byte != 0,
        };
        if !content {
            return Err(GiveUp);
        }
        let mut first = self.column();
        if self.marker() == Some(b'-') {
            // `---` before the one document: its content starts on a later line.
            self.pos += 3;
            if !self.at_line_end() {
                return Err(GiveUp);
            }
            first = self.next_line()?.ok_or(GiveUp)?;
        }
        if self.content_line()?.is_none() || self.node(first, true)?.is_some() {
            return Err(GiveUp);
        }
        if self.pos < self.bytes.len() {
            // `...` ended the document: nothing but comments may follow it.
            self.pos += 3;
            if !self.at_line_end() || self.next_line()?.is_some() || self.pos < self.bytes.len() {
                return Err(GiveUp);
            }
        }
        Ok(())
    }

    /// A node that starts here, on a line of its own or after a `- `, at `column`: a block
    /// sequence, a block mapping, or a one-line value. Returns the column of the next content
    /// line. `collection_only` refuses a scalar (the document's root).
    fn node(&mut self, column: usize, collection_only: bool) -> Step<Option<usize>> {
        if self.at_dash() {
            let start = self.pos;
            return self.sequence(column, start, false);
        }
        if matches!(self.byte(), b'[' | b'{') {
            if collection_only {
                return Err(GiveUp);
            }
            self.flow()?;
            return self.end_of_value();
        }
        let scalar = self.scalar(false)?;
        self.skip_spaces();
        if self.byte() == b':' && is_blank(self.at(self.pos + 1)) {
            return self.mapping(column, scalar);
        }
        if collection_only {
            return Err(GiveUp);
        }
        self.emit(scalar)?;
        self.end_of_value()
    }

    /// A one-line value is done: the rest of its line is a comment at most.
    fn end_of_value(&mut self) -> Step<Option<usize>> {
        if !self.at_line_end() {
            return Err(GiveUp);
        }
        self.next_line()
    }

    /// A block mapping at `column` whose first key is scanned; `pos` is at its `:`.
    fn mapping(&mut self, column: usize, first_key: Scalar) -> Step<Option<usize>> {
        let start = first_key.span.start;
        self.open(false, start)?;
        let mut key = first_key;
        let next = loop {
            self.emit_key(key)?;
            let colon = self.pos;
            self.pos += 1;
            let next = self.value(column, colon)?;
            match next {
                Some(next) if next == column => {
                    if self.at_dash() {
                        return Err(GiveUp);
                    }
                    key = self.scalar(false)?;
                    self.skip_spaces();
                    if !(self.byte() == b':' && is_blank(self.at(self.pos + 1))) {
                        return Err(GiveUp);
                    }
                }
                Some(next) if next > column => return Err(GiveUp),
                _ => break next,
            }
        };
        self.close()?;
        Ok(next)
    }

    /// The value of a mapping entry whose key's `:` is at `colon`, in a mapping at `column`.
    fn value(&mut self, column: usize, colon: usize) -> Step<Option<usize>> {
        if !self.at_line_end() {
            if self.at_dash() {
                return Err(GiveUp);
            }
            return self.inline_value(column);
        }
        let next = self.next_line()?;
        match next {
            Some(next) if next > column => self.node(next, false),
            Some(next) if next == column && self.at_dash() => {
                // A sequence at its key's own indentation, as Kubernetes manifests write
                // them; the parser marks it after its first `-`.
                let start = self.mark_after(self.pos + 1);
                self.sequence(column, start, true)
            }
            _ => {
                self.empty(colon)?;
                Ok(next)
            }
        }
    }

    /// A value after `key: ` on the key's line, in a mapping at `column`: a flow
    /// collection, a block scalar or a scalar.
    fn inline_value(&mut self, column: usize) -> Step<Option<usize>> {
        if matches!(self.byte(), b'|' | b'>') {
            return self.block_scalar(column);
        }
        if matches!(self.byte(), b'[' | b'{') {
            self.flow()?;
        } else {
            let scalar = self.scalar(false)?;
            self.skip_spaces();
            if self.byte() == b':' {
                return Err(GiveUp);
            }
            self.emit(scalar)?;
        }
        self.end_of_value()
    }

    /// A block sequence whose first `-` is at `column`. `indentless` is a mapping's value
    /// written at the mapping's indentation: it ends at the first line that is not an item.
    fn sequence(&mut self, column: usize, start: usize, indentless: bool) -> Step<Option<usize>> {
        self.open(true, start)?;
        let next = loop {
            self.pos += 1;
            let next = if self.at_line_end() {
                let end_of_line = self.mark_after(self.pos);
                let next = self.next_line()?;
                match next {
                    Some(next) if next > column => self.node(next, false)?,
                    _ => {
                        self.empty(end_of_line)?;
                        next
                    }
                }
            } else if matches!(self.byte(), b'|' | b'>') {
                self.block_scalar(column)?
            } else {
                let here = self.column();
                self.node(here, false)?
            };
            match next {
                Some(next) if next == column && !self.at_dash() => {
                    if indentless {
                        break Some(next);
                    }
                    return Err(GiveUp);
                }
                Some(next) if next == column => {}
                Some(next) if next > column => return Err(GiveUp),
                _ => break next,
            }
        };
        self.close()?;
        Ok(next)
    }
}

/// Scalars and flow collections.
impl Scanner<'_> {
    /// A plain or quoted scalar starting at `pos`, in a flow or not, scanned to its end.
    fn scalar(&mut self, in_flow: bool) -> Step<Scalar> {
        match self.byte() {
            b'"' | b'\'' => self.quoted(),
            _ => self.plain(in_flow),
        }
    }

    /// A plain scalar, up to a `: ` (or, in a flow, a `:` before a flow indicator), a ` #`, a
    /// line end or, in a flow, a flow indicator; trailing spaces are not part of it.
    fn plain(&mut self, in_flow: bool) -> Step<Scalar> {
        let start = self.pos;
        let first = self.byte();
        let indicator = matches!(
            first,
            b'?' | b':'
                | b','
                | b'['
                | b']'
                | b'{'
                | b'}'
                | b'#'
                | b'&'
                | b'*'
                | b'!'
                | b'|'
                | b'>'
                | b'\''
                | b'"'
                | b'%'
                | b'@'
                | b'`'
        );
        let next = self.at(start + 1);
        if indicator || (first == b'-' && (is_blank(next) || (in_flow && is_flow_indicator(next))))
        {
            return Err(GiveUp);
        }
        let mut end = start;
        let mut at = start;
        loop {
            let byte = self.at(at);
            match byte {
                b'\n' | 0 => break,
                b':' => {
                    let after = self.at(at + 1);
                    if is_blank(after) || (in_flow && is_flow_indicator(after)) {
                        break;
                    }
                }
                b'#' if self.at(at - 1) == b' ' => break,
                _ if in_flow && is_flow_indicator(byte) => break,
                _ => {}
            }
            at += 1;
            if byte != b' ' {
                end = at;
            }
        }
        self.pos = end;
        Ok(Scalar {
            text: CompactString::from(&self.source[start..end]),
            style: Style::Plain,
            span: Span::new(start, end),
        })
    }

    /// A quoted scalar on one line: `'...'`, where a quote written twice is one, or `"..."`
    /// with the common backslash escapes (any other is left to the parser). What follows it
    /// may be a space, a comment, a line end, a `:` or (in a flow) a flow indicator.
    fn quoted(&mut self) -> Step<Scalar> {
        let quote = self.byte();
        let start = self.pos;
        let mut text = CompactString::default();
        let mut from = start + 1;
        let mut at = from;
        loop {
            let byte = self.at(at);
            let unescaped = match byte {
                b'\n' | 0 => return Err(GiveUp),
                b'\'' if quote == b'\'' && self.at(at + 1) == b'\'' => '\'',
                b'\\' if quote == b'"' => match self.at(at + 1) {
                    b'\\' => '\\',
                    b'"' => '"',
                    b'/' => '/',
                    b'n' => '\n',
                    b't' => '\t',
                    _ => return Err(GiveUp),
                },
                _ if byte == quote => break,
                _ => {
                    at += 1;
                    continue;
                }
            };
            text.push_str(&self.source[from..at]);
            text.push(unescaped);
            at += 2;
            from = at;
        }
        text.push_str(&self.source[from..at]);
        self.pos = at + 1;
        let after = self.byte();
        if !(is_blank(after) || after == b':' || is_flow_indicator(after)) {
            return Err(GiveUp);
        }
        Ok(Scalar {
            text,
            style: Style::Quoted,
            span: Span::new(start, self.pos),
        })
    }

    /// A flow sequence or mapping, nested ones included.
    fn flow(&mut self) -> Step {
        let is_seq = self.byte() == b'[';
        let close = if is_seq { b']' } else { b'}' };
        self.open(is_seq, self.pos)?;
        self.pos += 1;
        loop {
            self.skip_flow_space()?;
            if self.byte() == close {
                break;
            }
            self.flow_item(is_seq)?;
            self.skip_flow_space()?;
            match self.byte() {
                b',' => self.pos += 1,
                byte if byte == close => break,
                _ => return Err(GiveUp),
            }
        }
        self.pos += 1;
        self.close()
    }

    /// One item of a flow sequence, or one `key: value` of a flow mapping.
    fn flow_item(&mut self, is_seq: bool) -> Step {
        if !is_seq {
            let key = self.scalar(true)?;
            self.skip_spaces();
            if !(self.byte() == b':' && matches!(self.at(self.pos + 1), b' ' | b'\n')) {
                return Err(GiveUp);
            }
            self.emit_key(key)?;
            self.pos += 1;
            self.skip_flow_space()?;
        }
        if matches!(self.byte(), b'[' | b'{') {
            return self.flow();
        }
        if matches!(self.byte(), b',' | b']' | b'}' | b'\n' | 0) {
            return Err(GiveUp);
        }
        let value = self.scalar(true)?;
        self.emit(value)
    }

    /// Inside a flow, line breaks and comments separate tokens like spaces; a line that may
    /// be a document marker is left to the parser. (The parser does not hold a flow's lines
    /// to the indentation of the block around it.)
    fn skip_flow_space(&mut self) -> Step {
        loop {
            self.skip_spaces();
            match self.byte() {
                b'\n' => {
                    self.pos += 1;
                    self.line_start = self.pos;
                    if self.marker().is_some() {
                        return Err(GiveUp);
                    }
                }
                b'#' if is_blank(self.at(self.pos - 1)) || self.pos == self.line_start => {
                    let rest = &self.bytes[self.pos..];
                    self.pos += memchr::memchr(b'\n', rest).unwrap_or(rest.len());
                }
                _ => return Ok(()),
            }
        }
    }
}

/// How a block scalar keeps its final line breaks: none (`-`), one (the default), all (`+`).
#[derive(Clone, Copy, PartialEq)]
enum Chomping {
    Strip,
    Clip,
    Keep,
}

/// Block scalars: `|` keeps the line breaks, `>` folds them into spaces.
impl Scanner<'_> {
    /// A block scalar whose header is here, the value of a node at `parent`'s column.
    /// Returns the column of the next content line.
    fn block_scalar(&mut self, parent: usize) -> Step<Option<usize>> {
        let folded = self.byte() == b'>';
        self.pos += 1;
        let chomping = match self.byte() {
            b'-' => Chomping::Strip,
            b'+' => Chomping::Keep,
            _ => Chomping::Clip,
        };
        if chomping != Chomping::Clip {
            self.pos += 1;
        }
        // An indentation indicator, or anything but a comment after the header, is left
        // to the parser.
        if !is_blank(self.byte()) || !self.at_line_end() {
            return Err(GiveUp);
        }
        let (mut text, start, breaks) = self.block_lines(parent, folded)?;
        match chomping {
            Chomping::Strip => {}
            Chomping::Clip if breaks > 0 => text.push('\n'),
            Chomping::Clip => {}
            Chomping::Keep => (0..breaks).for_each(|_| text.push('\n')),
        }
        let span = Span::new(start, self.pos);
        self.emit(Scalar {
            text,
            style: Style::Block,
            span,
        })?;
        // `pos` is where the scalar ends: the first byte of a less indented line (a
        // comment's, perhaps), or the end of the text.
        match self.byte() {
            0 => Ok(None),
            b'#' => self.next_line(),
            _ => self.content_line(),
        }
    }

    /// The content lines of a block scalar, from the line after its header to the first
    /// less indented one (`pos` at its first non-space byte): the text without its final
    /// line breaks, where it starts, and how many line breaks follow its last content.
    /// Leading empty lines, empty lines with spaces past the indentation, and (folded)
    /// more indented lines are left to the parser, and so is an empty scalar.
    fn block_lines(&mut self, parent: usize, folded: bool) -> Step<(CompactString, usize, usize)> {
        let newline = memchr::memchr(b'\n', &self.bytes[self.pos..]).ok_or(GiveUp)?;
        self.pos += newline + 1;
        let (mut text, mut start, mut breaks) = (CompactString::default(), 0, 0);
        let mut indent = None;
        loop {
            self.line_start = self.pos;
            self.skip_spaces();
            let spaces = self.column();
            if matches!(self.byte(), b'\n' | 0) {
                if indent.is_none_or(|indent| spaces > indent) {
                    return Err(GiveUp);
                }
                if self.byte() == 0 {
                    break;
                }
                breaks += 1;
                self.pos += 1;
                continue;
            }
            let indent = match indent {
                None if spaces <= parent => return Err(GiveUp),
                None => {
                    start = self.pos;
                    *indent.insert(spaces)
                }
                Some(indent) if spaces < indent => break,
                Some(indent) if folded && spaces > indent => return Err(GiveUp),
                Some(indent) => indent,
            };
            match (breaks, folded) {
                (0, _) => {}
                (1, true) => text.push(' '),
                (_, true) => (1..breaks).for_each(|_| text.push('\n')),
                (_, false) => (0..breaks).for_each(|_| text.push('\n')),
            }
            let line = &self.bytes[self.line_start + indent..];
            let length = memchr::memchr(b'\n', line).unwrap_or(line.len());
            let from = self.line_start + indent;
            text.push_str(&self.source[from..from + length]);
            self.pos = from + length;
            // The parser counts a line break after the last line even where the text ends
            // without one.
            breaks = 1;
            if self.byte() == 0 {
                break;
            }
            self.pos += 1;
        }
        Ok((text, start, breaks))
    }
}

/// What the scanner gives the builder.
impl Scanner<'_> {
    /// A mapping's key; the parser refuses an implicit key past 1024 characters.
    fn emit_key(&mut self, key: Scalar) -> Step {
        if key.span.len() > 1000 {
            return Err(GiveUp);
        }
        self.emit(key)
    }

    fn emit(&mut self, scalar: Scalar) -> Step {
        self.builder
            .scalar(scalar.text, scalar.style, 0, scalar.span)
            .map_err(|_| GiveUp)
    }

    /// An empty value: the null the parser reads, at the place it marks.
    fn empty(&mut self, at: usize) -> Step {
        self.builder
            .scalar(
                CompactString::const_new("~"),
                Style::Plain,
                0,
                Span::new(at, at),
            )
            .map_err(|_| GiveUp)
    }

    fn open(&mut self, is_seq: bool, start: usize) -> Step {
        self.builder
            .open(is_seq, 0, Span::new(start, start))
            .map_err(|_| GiveUp)
    }

    /// The innermost collection ends: a block one where the next token starts (`pos`), a
    /// flow one after its bracket.
    fn close(&mut self) -> Step {
        self.builder.close(self.pos).map_err(|_| GiveUp)
    }
}

#[cfg(test)]
mod tests {
    use super::plain_text;

    #[test]
    fn plain_text_refuses_what_yaml_treats_specially_anywhere() {
        for special in [
            "\t", "\r", "\0", "\x7f", "\u{85}", "\u{9f}", "\u{2028}", "\u{2029}",
        ]
        .into_iter()
        .chain(["\u{feff}", "\u{fffe}", "\u{ffff}"])
        {
            // At every place of a chunk, and across chunk boundaries.
            for before in 0..70 {
                let text = format!("{}{special}b: 1\n", "a".repeat(before));
                assert!(!plain_text(text.as_bytes()), "{special:?} after {before}");
            }
        }
        for fine in ["é", "\u{a0}", "日本", "🙂", "\u{2027}", "\u{fffd}"] {
            for before in 0..70 {
                let text = format!("{}{fine}: 1\n", "a".repeat(before));
                assert!(plain_text(text.as_bytes()), "{fine:?} after {before}");
            }
        }
    }
}
