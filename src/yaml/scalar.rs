//! How plain scalars read, in YAML 1.2 (this tool's typed reads) and in the YAML 1.1
//! readers that matter downstream: PyYAML (Polyaxon) and go-yaml v2 (kubectl).

/// The value a plain scalar resolves to in the YAML 1.2 core schema.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Resolved {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str,
}

pub fn resolve_core(text: &str) -> Resolved {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Resolved::Null,
        "true" | "True" | "TRUE" => return Resolved::Bool(true),
        "false" | "False" | "FALSE" => return Resolved::Bool(false),
        _ => {}
    }
    if let Some(int) = parse_core_int(text) {
        return Resolved::Int(int);
    }
    if is_core_float(text) {
        return text
            .replace(".inf", "inf")
            .replace(".Inf", "inf")
            .replace(".INF", "inf")
            .parse()
            .map_or(Resolved::Str, Resolved::Float);
    }
    Resolved::Str
}

fn parse_core_int(text: &str) -> Option<i64> {
    let (negative, digits) = split_sign(text);
    let value = if let Some(octal) = digits.strip_prefix("0o") {
        i64::from_str_radix(octal, 8).ok()?
    } else if let Some(hex) = digits.strip_prefix("0x") {
        i64::from_str_radix(hex, 16).ok()?
    } else if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        digits.parse().ok()?
    } else {
        return None;
    };
    Some(if negative { -value } else { value })
}

fn is_core_float(text: &str) -> bool {
    let (_, body) = split_sign(text);
    if matches!(body, ".inf" | ".Inf" | ".INF") || matches!(text, ".nan" | ".NaN" | ".NAN") {
        return true;
    }
    let (mantissa, exponent) = match body.find(['e', 'E']) {
        Some(at) => (&body[..at], Some(&body[at + 1..])),
        None => (body, None),
    };
    let mut parts = mantissa.splitn(2, '.');
    let whole = parts.next().unwrap_or("");
    let fraction = parts.next();
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    let mantissa_ok = match fraction {
        Some(f) => digits(whole) && digits(f) && !(whole.is_empty() && f.is_empty()),
        None => !whole.is_empty() && digits(whole),
    };
    let exponent_ok = exponent.is_none_or(|e| {
        let e = e.strip_prefix(['+', '-']).unwrap_or(e);
        !e.is_empty() && digits(e)
    });
    mantissa_ok && exponent_ok && (fraction.is_some() || exponent.is_some())
}

fn split_sign(text: &str) -> (bool, &str) {
    match text.as_bytes().first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    }
}

/// The non-string type a YAML 1.1 reader (PyYAML, go-yaml v2) or a YAML 1.2 reader gives a
/// plain scalar, if any: where a string was meant, such a value does not arrive as a string.
pub fn non_string_reading(text: &str) -> Option<&'static str> {
    if yaml11_bool(text).is_some() {
        return Some("a boolean");
    }
    // Past the booleans, only the null words start with a letter: every number and timestamp
    // starts with a digit, a sign, `.` or `_`. Most values are words, decided here unparsed.
    if text.as_bytes().first().is_some_and(u8::is_ascii_alphabetic) {
        return matches!(text, "null" | "Null" | "NULL").then_some("null");
    }
    match resolve_core(text) {
        Resolved::Null => return Some("null"),
        Resolved::Bool(_) => return Some("a boolean"),
        Resolved::Int(_) => return Some("an integer"),
        Resolved::Float(_) => return Some("a number"),
        Resolved::Str => {}
    }
    if parse_yaml11_int(text).is_some() || is_sexagesimal(text) {
        return Some("an integer");
    }
    if is_yaml11_float(text) {
        return Some("a number");
    }
    if is_timestamp(text) {
        return Some("a timestamp");
    }
    None
}

/// Booleans as PyYAML and go-yaml v2 read them (go-yaml v2 adds `y`/`n`).
pub fn yaml11_bool(text: &str) -> Option<bool> {
    match text {
        "y" | "Y" | "yes" | "Yes" | "YES" | "true" | "True" | "TRUE" | "on" | "On" | "ON" => {
            Some(true)
        }
        "n" | "N" | "no" | "No" | "NO" | "false" | "False" | "FALSE" | "off" | "Off" | "OFF" => {
            Some(false)
        }
        _ => None,
    }
}

/// Booleans as Polyaxon's models (pydantic) accept them: YAML booleans, and these words
/// (any case, quoted or not) and the numbers 0 and 1.
pub fn lax_bool(text: &str) -> Option<bool> {
    if let Some(value) = yaml11_bool(text) {
        return Some(value);
    }
    match text.trim().to_ascii_lowercase().as_str() {
        "1" | "t" | "true" | "y" | "yes" | "on" => Some(true),
        "0" | "f" | "false" | "n" | "no" | "off" => Some(false),
        _ => None,
    }
}

/// Integers as Polyaxon and kubectl read them: YAML 1.1, where `0644` is octal (420). This is
/// what users of `defaultMode: 0644` mean, and what both downstream readers do.
pub fn parse_yaml11_int(text: &str) -> Option<i64> {
    let (negative, digits) = split_sign(text);
    let digits = without_separators(digits);
    if digits.is_empty() {
        return None;
    }
    let value = if let Some(bin) = digits.strip_prefix("0b") {
        i64::from_str_radix(bin, 2).ok()?
    } else if let Some(hex) = digits.strip_prefix("0x") {
        i64::from_str_radix(hex, 16).ok()?
    } else if let Some(octal) = digits.strip_prefix("0o") {
        i64::from_str_radix(octal, 8).ok()?
    } else if digits.len() > 1 && digits.starts_with('0') {
        i64::from_str_radix(&digits[1..], 8).ok()?
    } else if digits.bytes().all(|b| b.is_ascii_digit()) {
        digits.parse().ok()?
    } else {
        return None;
    };
    Some(if negative { -value } else { value })
}

/// `1:30` is 90 in YAML 1.1 (base-60), a classic surprise in port and time fields.
fn is_sexagesimal(text: &str) -> bool {
    let (_, body) = split_sign(text);
    let mut parts = body.split(':');
    let first = parts.next().unwrap_or("");
    let rest: Vec<&str> = parts.collect();
    !rest.is_empty()
        && !first.is_empty()
        && first.bytes().all(|b| b.is_ascii_digit() || b == b'_')
        && !first.starts_with('0')
        && rest.iter().all(|p| {
            let p = p.split('.').next().unwrap_or("");
            (1..=2).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit()) && p < "60"
        })
}

/// `text` without YAML 1.1's `_` digit separators (`1_000`), copied only when it has one:
/// every plain scalar that may be a number is read through this.
fn without_separators(text: &str) -> std::borrow::Cow<'_, str> {
    if text.contains('_') {
        text.replace('_', "").into()
    } else {
        text.into()
    }
}

/// YAML 1.1 floats, and the Go `strconv.ParseFloat` spellings go-yaml v2 accepts (`1e3`).
fn is_yaml11_float(text: &str) -> bool {
    let cleaned = without_separators(text);
    let (_, body) = split_sign(&cleaned);
    let starts_like_number = body
        .bytes()
        .next()
        .is_some_and(|b| b.is_ascii_digit() || b == b'.');
    starts_like_number && body.bytes().any(|b| b.is_ascii_digit()) && body.parse::<f64>().is_ok()
}

fn is_timestamp(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.len() >= 10
        && bytes[..4].iter().all(u8::is_ascii_digit)
        && bytes[4] == b'-'
        && bytes[5..7].iter().all(u8::is_ascii_digit)
        && bytes[7] == b'-'
        && bytes[8..10].iter().all(u8::is_ascii_digit)
}

/// A whole-field Polyaxon template such as `"{{ params.port }}"`.
pub fn is_whole_template(text: &str) -> bool {
    let trimmed = text.trim();
    trimmed.starts_with("{{") && trimmed.ends_with("}}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_every_yaml11_surprise() {
        for text in [
            "yes",
            "no",
            "on",
            "off",
            "y",
            "n",
            "0755",
            "1:30",
            "1e3",
            "1.0",
            "12",
            "~",
            "2024-01-01",
            "0x1F",
            "+12",
            ".5",
        ] {
            assert!(non_string_reading(text).is_some(), "{text}");
        }
    }

    #[test]
    fn leaves_real_strings_alone() {
        for text in [
            "busybox:1.28",
            "nvidia.com/gpu",
            "abc",
            "1.2.3",
            "v1",
            "10Gi",
            "500m",
            "-",
            "a:b",
            "http://x:80",
            "1a",
            "e3",
            "inf",
        ] {
            assert_eq!(non_string_reading(text), None, "{text}");
        }
    }

    #[test]
    fn words_read_as_numbers_or_timestamps_by_no_reader() {
        // The shortcut in `non_string_reading`: a scalar that starts with a letter is a
        // number or a timestamp for none of the readers, over every short spelling.
        let alphabet = [
            "a", "b", "e", "i", "n", "o", "x", "E", "I", "N", "0", "1", "7", ".", "_", ":", "-",
            "+",
        ];
        let mut texts: Vec<String> = ["inf", "nan", "Infinity", "e5", "b101", "x1f", "o17"]
            .map(str::to_owned)
            .to_vec();
        for first in ["a", "b", "e", "i", "n", "o", "x", "E", "I", "N"] {
            for second in alphabet {
                for third in alphabet {
                    for fourth in ["", "0", "1", "f", "_", ":", "9"] {
                        texts.push(format!("{first}{second}{third}{fourth}"));
                    }
                }
            }
        }
        for text in &texts {
            assert_eq!(resolve_core(text), Resolved::Str, "{text}");
            assert_eq!(parse_yaml11_int(text), None, "{text}");
            assert!(
                !is_sexagesimal(text) && !is_yaml11_float(text) && !is_timestamp(text),
                "{text}"
            );
        }
    }
}
