//! Secrets masked before any text of a file is shown or parsed.
//!
//! The agent's values hold its `token`, and the text of a checked file ends up in snippets,
//! SARIF uploads and CI logs. So, before a file is parsed and before any snippet of it can
//! exist, a lexical pass finds the values written at token-like keys (`token`, and every
//! spelling `plx` would suggest `token` for: `tokn`, `Token`, `tokens`, ...) — in any file,
//! also one that does not parse — and every occurrence of each value in the file is masked,
//! not only the one at the key.

use std::ops::Range;

/// Values shorter than this are masked where they are written, but not searched for
/// elsewhere: masking every `abc` in a file would hide what is not a secret.
const MIN_REPEATED: usize = 4;

/// Each value is searched for in the whole text, so a text with more distinct values than
/// this (no real file has them; a hostile one could have a million) is masked whole: the
/// cost stays linear, and nothing is shown that could be a secret.
const MAX_SEARCHED: usize = 32;

/// The secret values of a text, found by [`find`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Secrets {
    /// Where each value is written at its key.
    written: Vec<Range<usize>>,
    /// The values, to find elsewhere.
    values: Vec<String>,
}

impl Secrets {
    pub fn is_empty(&self) -> bool {
        self.written.is_empty()
    }

    /// The values, longest first (so a value inside another is not found first).
    pub fn values(&self) -> &[String] {
        &self.values
    }

    /// The text with every secret byte replaced by `mask` (line breaks kept, so spans,
    /// lines and columns stay right).
    pub fn mask(&self, text: &str, mask: u8) -> String {
        let mut bytes = text.as_bytes().to_vec();
        let mut hide = |range: Range<usize>| {
            for byte in &mut bytes[range] {
                if !matches!(*byte, b'\n' | b'\r') {
                    *byte = mask;
                }
            }
        };
        if self.values.len() > MAX_SEARCHED {
            hide(0..text.len());
        } else {
            for range in &self.written {
                hide(range.clone());
            }
            for value in &self.values {
                for (at, _) in text.match_indices(value.as_str()) {
                    hide(at..at + value.len());
                }
            }
        }
        // Only whole characters are replaced, by ASCII bytes, so the text stays UTF-8.
        String::from_utf8(bytes).unwrap_or_default()
    }

    /// `text` with each secret value replaced by `[redacted]` (for messages built from a
    /// file's values).
    pub fn redact(&self, text: &str) -> String {
        if self.values.len() > MAX_SEARCHED {
            return "[redacted]".to_owned();
        }
        let mut out = text.to_owned();
        for value in &self.values {
            if out.contains(value.as_str()) {
                out = out.replace(value.as_str(), "[redacted]");
            }
        }
        out
    }
}

/// The values a text writes at token-like keys. Linear in the text: each line is scanned
/// once, and the lines a value spans are not scanned again for keys (what they hold is part
/// of the secret).
pub fn find(text: &str) -> Secrets {
    let mut secrets = Secrets::default();
    let bytes = text.as_bytes();
    let mut line_start = 0;
    let mut resume = 0;
    while line_start < bytes.len() {
        let line_end = memchr_newline(bytes, line_start);
        let mut at = line_start.max(resume);
        while let Some(key) = next_key(bytes, at, line_end) {
            at = key.after_colon;
            if !token_like(&text[key.name.clone()]) {
                continue;
            }
            let indent = key.name.start - line_start;
            // Written inside `{...}` or after a `,`: its plain value ends at `,`, `}` or `]`.
            let in_flow = memchr::memchr2(b'{', b',', &bytes[line_start..key.start]).is_some();
            if let Some(value) = value_at(bytes, key.after_colon, line_end, indent, in_flow) {
                at = value.end.max(at);
                resume = resume.max(value.end);
                secrets.written.push(value.clone());
                add_values(text, value, &mut secrets.values);
            }
        }
        line_start = line_end + 1;
    }
    secrets
        .values
        .sort_by(|a, b| b.len().cmp(&a.len()).then(a.cmp(b)));
    secrets.values.dedup();
    secrets
}

/// A key written as `key:`, `"key":` or `'key':`, followed by a space or the line's end.
struct Key {
    /// Where it is written, its opening quote included.
    start: usize,
    name: Range<usize>,
    after_colon: usize,
}

/// The next key on a line from `from`.
fn next_key(bytes: &[u8], from: usize, line_end: usize) -> Option<Key> {
    let mut i = from;
    while i < line_end {
        let after = if i == 0 { b'\n' } else { bytes[i - 1] };
        // Only a blank, a flow indicator or the line's start comes before a key or a comment:
        // most bytes are inside a word, and this is all they cost.
        if !matches!(after, b'\n' | b' ' | b'\t' | b'{' | b',' | b'[') {
            i += 1;
            continue;
        }
        let c = bytes[i];
        if c == b'#' && matches!(after, b' ' | b'\t' | b'\n') {
            return None;
        }
        if !(c.is_ascii_alphabetic() || c == b'"' || c == b'\'') {
            i += 1;
            continue;
        }
        let quote = (c == b'"' || c == b'\'').then_some(c);
        let name_start = i + usize::from(quote.is_some());
        let mut end = name_start;
        while end < line_end && is_key_byte(bytes[end]) {
            end += 1;
        }
        let mut colon = end;
        if let Some(quote) = quote {
            if colon >= line_end || bytes[colon] != quote {
                i = end.max(i + 1);
                continue;
            }
            colon += 1;
        }
        colon = skip_blanks(bytes, colon, line_end);
        let is_colon = colon < line_end && bytes[colon] == b':';
        let spaced = colon + 1 >= line_end || matches!(bytes[colon + 1], b' ' | b'\t' | b'\r');
        if end > name_start && is_colon && (spaced || quote.is_some()) {
            return Some(Key {
                start: i,
                name: name_start..end,
                after_colon: colon + 1,
            });
        }
        i = end.max(i + 1);
    }
    None
}

fn is_key_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-')
}

/// Keys close to `token` that are keys of their own (a Polyaxonfile input's `toEnv`).
const NOT_TOKENS: &[&str] = &["toenv", "to_env", "to-env"];

/// Whether plx would suggest `token` for this key.
fn token_like(key: &str) -> bool {
    (3..=10).contains(&key.len())
        && may_be_close_to_token(key)
        && !NOT_TOKENS.contains(&key.to_ascii_lowercase().as_str())
        && crate::suggest::closest(key, ["token"]).is_some()
}

/// A necessary condition for `suggest::closest` to find `token` close, and a cheap one: most
/// keys of a file fail it, and checking every key of every file is the cost.
///
/// `closest` compares the key without `_`/`-` and lower-cased (`n` letters) with `token`. A
/// Jaro-Winkler score of 0.85 needs a Jaro score of 0.75 (the prefix bonus adds at most 0.4
/// of what is left), so with `m` matching letters `m/n + m/5 + 1 >= 2.25`; each match is a
/// different letter of `token`. An edit distance within `max(1, n/4)` is at most 1 for the
/// lengths where it can be reached (4 to 6), which keeps 4 of the 5 letters.
fn may_be_close_to_token(key: &str) -> bool {
    let mut seen = 0u8;
    let mut letters = 0usize;
    for b in key.bytes().filter(|b| !matches!(b, b'_' | b'-')) {
        letters += 1;
        // `| 0x20` lower-cases an ASCII letter, and only the letter itself maps onto these.
        seen |= match b | 0x20 {
            b't' => 1,
            b'o' => 2,
            b'k' => 4,
            b'e' => 8,
            b'n' => 16,
            _ => 0,
        };
    }
    let matching = seen.count_ones() as usize;
    // The fewest matching letters for a Jaro score of 0.75: `4m(5 + n) >= 25n`.
    let for_jaro = (1..=5).find(|m| 4 * m * (5 + letters) >= 25 * letters);
    let for_distance = (4..=6).contains(&letters).then_some(4);
    let needed = match (for_jaro, for_distance) {
        (Some(a), Some(b)) => a.min(b),
        (a, b) => a.or(b).unwrap_or(usize::MAX),
    };
    matching >= needed.max(3)
}

/// The byte range of the value after a key's colon: a quoted or flow value to its closing
/// character (to the end of the text when it never closes), a plain value to its comment
/// or the line's end, and a block value (`|`, `>` or nothing on the key's line) over the
/// lines indented deeper than the key.
fn value_at(
    bytes: &[u8],
    mut at: usize,
    line_end: usize,
    indent: usize,
    in_flow: bool,
) -> Option<Range<usize>> {
    at = skip_blanks(bytes, at, line_end);
    // An anchor or a tag says nothing secret: the value follows it.
    while at < line_end && matches!(bytes[at], b'&' | b'!') {
        while at < line_end && !matches!(bytes[at], b' ' | b'\t') {
            at += 1;
        }
        at = skip_blanks(bytes, at, line_end);
    }
    if at >= line_end || bytes[at] == b'#' || matches!(bytes[at], b'|' | b'>') {
        return block(bytes, line_end, indent);
    }
    let (start, end) = match bytes[at] {
        quote @ (b'"' | b'\'') => (
            at + 1,
            closing_quote(bytes, at + 1, quote).map_or(bytes.len(), |close| close - 1),
        ),
        b'[' | b'{' => (
            at + 1,
            closing_bracket(bytes, at).map_or(bytes.len(), |close| close - 1),
        ),
        _ => {
            let end = plain_end(bytes, at, line_end, in_flow);
            // A plain value goes on over the lines indented deeper than its key.
            let more = (!in_flow).then(|| block(bytes, line_end, indent)).flatten();
            (at, more.map_or(end, |more| more.end))
        }
    };
    let value = &bytes[start..end];
    let empty = value.iter().all(|b| b.is_ascii_whitespace());
    let null = matches!(value, b"~" | b"null" | b"Null" | b"NULL");
    // A template is not a secret, and plx reads the names in it.
    let template = value.windows(2).any(|w| w == b"{{");
    (!empty && !null && !template).then_some(start..end)
}

fn skip_blanks(bytes: &[u8], mut at: usize, line_end: usize) -> usize {
    while at < line_end && matches!(bytes[at], b' ' | b'\t') {
        at += 1;
    }
    at
}

/// After an opening quote: the position just past the closing one (YAML's `''` and JSON's
/// `\"` escapes skipped); `None` when it never closes.
fn closing_quote(bytes: &[u8], mut at: usize, quote: u8) -> Option<usize> {
    while at < bytes.len() {
        match bytes[at] {
            b'\\' if quote == b'"' => at += 2,
            b if b == quote => {
                if quote == b'\'' && bytes.get(at + 1) == Some(&b'\'') {
                    at += 2;
                } else {
                    return Some(at + 1);
                }
            }
            _ => at += 1,
        }
    }
    None
}

/// From an opening `[` or `{`: the position just past its match; `None` when it never
/// closes.
fn closing_bracket(bytes: &[u8], mut at: usize) -> Option<usize> {
    let mut depth = 0usize;
    while at < bytes.len() {
        match bytes[at] {
            b'[' | b'{' => depth += 1,
            b']' | b'}' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return Some(at + 1);
                }
            }
            quote @ (b'"' | b'\'') => {
                at = closing_quote(bytes, at + 1, quote)?;
                continue;
            }
            _ => {}
        }
        at += 1;
    }
    None
}

/// A plain scalar ends at ` #`, the line's end, and in flow context at `,`, `]` or `}`.
fn plain_end(bytes: &[u8], at: usize, line_end: usize, in_flow: bool) -> usize {
    let mut end = at;
    while end < line_end {
        let b = bytes[end];
        if b == b'#' && matches!(bytes[end - 1], b' ' | b'\t') {
            break;
        }
        if in_flow && matches!(b, b',' | b']' | b'}') {
            break;
        }
        end += 1;
    }
    while end > at && matches!(bytes[end - 1], b' ' | b'\t' | b'\r') {
        end -= 1;
    }
    end
}

/// The lines after `line_end` indented deeper than `indent` (blank lines included), as one
/// range from the first one's text to the last one's end.
fn block(bytes: &[u8], line_end: usize, indent: usize) -> Option<Range<usize>> {
    let mut start = None;
    let mut end = line_end;
    let mut at = line_end + 1;
    while at < bytes.len() {
        let next_end = memchr_newline(bytes, at);
        let line = &bytes[at..next_end];
        let spaces = line
            .iter()
            .take_while(|b| matches!(b, b' ' | b'\t'))
            .count();
        let blank = line[spaces..].iter().all(|b| b.is_ascii_whitespace());
        if !blank && spaces <= indent {
            break;
        }
        if !blank {
            start.get_or_insert(at + spaces);
            end = next_end;
        }
        at = next_end + 1;
    }
    start.map(|start| start..end)
}

fn memchr_newline(bytes: &[u8], from: usize) -> usize {
    memchr::memchr(b'\n', &bytes[from..]).map_or(bytes.len(), |at| from + at)
}

/// The value's lines, each trimmed, to be found elsewhere in the text.
fn add_values(text: &str, range: Range<usize>, values: &mut Vec<String>) {
    for line in text[range].lines() {
        let line = line.trim();
        if line.len() >= MIN_REPEATED {
            values.push(line.to_owned());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TOKEN: &str = "s3cr3t-t0k3n";

    fn masked(text: &str) -> String {
        find(text).mask(text, b'*')
    }

    #[test]
    fn every_way_of_writing_the_token_is_masked() {
        for text in [
            format!("agent:\n  token: {TOKEN}\n"),
            format!("agent:\n  token: \"{TOKEN}\"\n"),
            format!("agent:\n  token: '{TOKEN}' # inline\n"),
            format!("agent:\n  tokn: {TOKEN}\n"),
            format!("agent:\n  Token: {TOKEN}\n"),
            format!("agent:\n  token: &t {TOKEN}\n"),
            format!("agent:\n  token: |\n    {TOKEN}\n  instance: a\n"),
            format!("agent:\n  token:\n    {TOKEN}\n"),
            format!("agent: {{token: {TOKEN}, instance: a}}\n"),
            format!("{{\"agent\": {{\"token\": \"{TOKEN}\"}}}}"),
            format!("agent:\n  token: [{TOKEN}]\n"),
            format!("agent:\n  token: \"{TOKEN}\n  instance: a\n"),
            format!("agent:\n\ttoken: {TOKEN}\n"),
            format!("agent:\n  token: {TOKEN}\n  token: {TOKEN}\n"),
            format!("agent:\n  token: {TOKEN}\ntimezone: {TOKEN}\n# {TOKEN}\n"),
        ] {
            let shown = masked(&text);
            assert!(!shown.contains(TOKEN), "{text:?} -> {shown:?}");
            assert!(!shown.contains("t0k3n"), "{text:?} -> {shown:?}");
            assert_eq!(shown.len(), text.len());
            assert_eq!(shown.lines().count(), text.lines().count());
        }
    }

    /// The shortcut never turns away a key that `suggest::closest` finds close to `token`:
    /// every key of up to 5 characters over the letters that matter, in both cases, and
    /// 200,000 longer ones drawn from them (a fixed sequence, so a failure repeats).
    #[test]
    fn the_cheap_test_keeps_every_key_close_to_token() {
        let alphabet = ['t', 'o', 'k', 'e', 'n', 'T', 'O', 'a', '_', 's'];
        let mut keys = vec![String::new()];
        for _ in 0..5 {
            let longer: Vec<String> = keys
                .iter()
                .filter(|k| k.len() < 5)
                .flat_map(|k| alphabet.iter().map(move |c| format!("{k}{c}")))
                .collect();
            keys.extend(longer);
            keys.sort();
            keys.dedup();
        }
        let mut state = 0x9e37_79b9_7f4a_7c15_u64;
        let mut next = move |below: usize| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % below as u64) as usize
        };
        for _ in 0..200_000 {
            let len = 6 + next(5);
            keys.push((0..len).map(|_| alphabet[next(alphabet.len())]).collect());
        }
        let mut close = 0;
        for key in keys.iter().filter(|k| (3..=10).contains(&k.len())) {
            if crate::suggest::closest(key, ["token"]).is_some() {
                close += 1;
                assert!(may_be_close_to_token(key), "{key}");
            }
        }
        // The sample reaches the boundary: keys on both sides of it.
        assert!(close > 1_000, "{close}");
        assert!(!may_be_close_to_token("container"));
        assert!(!may_be_close_to_token("operator"));
        assert!(may_be_close_to_token("tokenizer"));
    }

    #[test]
    fn other_keys_and_values_are_left_alone() {
        for text in [
            "run:\n  kind: job\n  toEnv: LEARNING_RATE\n",
            "spec:\n  automountServiceAccountToken: false\n  topologyKey: zone\n",
            "agent:\n  token:\n  instance: a\n",
            "agent:\n  token: ~\n",
            "env:\n  TOKEN: \"{{ params.token }}\"\n",
            "tolerations: []\n",
        ] {
            assert_eq!(masked(text), text, "{text:?}");
        }
    }

    #[test]
    fn the_mask_keeps_yaml_parseable() {
        let text = format!("agent:\n  token: {TOKEN}\n  instance: a\n");
        let parsed = find(&text).mask(&text, b'x');
        assert_eq!(parsed, "agent:\n  token: xxxxxxxxxxxx\n  instance: a\n");
    }

    #[test]
    fn hostile_layouts_cost_linear_time() {
        // Keys on one long flow line, token keys nested in each other's blocks, and unclosed
        // quotes on every line: each was once rescanned per key.
        let flow = format!("{{{}}}", "a: 1, ".repeat(200_000));
        let nested: String = (0..3_000)
            .map(|i| format!("{}token:\n", " ".repeat(i)))
            .collect();
        let unclosed = "token: \"abcd\n".repeat(200_000);
        for text in [flow, nested, unclosed] {
            let started = std::time::Instant::now();
            let secrets = find(&text);
            let shown = secrets.mask(&text, b'*');
            assert_eq!(shown.len(), text.len());
            assert!(started.elapsed().as_secs() < 5, "{:?}", started.elapsed());
        }
    }

    #[test]
    fn a_text_with_too_many_secrets_is_masked_whole() {
        let text: String = (0..100).map(|i| format!("- token: value-{i}\n")).collect();
        let secrets = find(&text);
        let shown = secrets.mask(&text, b'*');
        assert!(shown.lines().all(|line| line.bytes().all(|b| b == b'*')));
        assert_eq!(secrets.redact("value-7 is wrong"), "[redacted]");
    }
}
