//! Kubernetes object names made from any text: Polyaxon names allow `_` and capitals,
//! Kubernetes wants DNS labels. (`validation` judges names; this makes them.)

use std::fmt;

/// Service names are DNS-1035 labels (the strictest of what plx writes): at most 63
/// characters of `a-z`, `0-9` and `-`, starting with a letter and ending alphanumeric.
pub const MAX_NAME: usize = 63;

/// Turns any text into a DNS-1123 label (lowercase alphanumerics and `-`, at most 63
/// characters, alphanumeric at both ends), or `None` if nothing usable is left.
pub fn to_dns1123_label(text: &str) -> Option<String> {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        let c = c.to_ascii_lowercase();
        if c.is_ascii_lowercase() || c.is_ascii_digit() {
            out.push(c);
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    let mut out = out.trim_matches('-').to_owned();
    out.truncate(MAX_NAME);
    let out = out.trim_end_matches('-');
    (!out.is_empty()).then(|| out.to_owned())
}

/// Turns any text into a DNS-1035 label (a DNS-1123 label that starts with a letter), or
/// `None` if nothing usable is left.
pub fn to_dns1035_label(text: &str) -> Option<String> {
    let label = to_dns1123_label(text)?;
    if !label.starts_with(|c: char| c.is_ascii_digit()) {
        return Some(label);
    }
    let mut name = format!("plx-{label}");
    name.truncate(MAX_NAME);
    Some(name.trim_end_matches('-').to_owned())
}

#[derive(Debug, PartialEq, Eq)]
pub struct NameError(pub String);

impl fmt::Display for NameError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Checks a name given on the command line: it is used as is, so it must already be valid.
pub fn validate_name(name: &str) -> Result<(), NameError> {
    match to_dns1035_label(name) {
        Some(valid) if valid == name => Ok(()),
        Some(valid) => Err(NameError(format!(
            "`{name}` is not a valid object name (lowercase letters, digits and `-`, starting with a letter, at most {MAX_NAME} characters); try `{valid}`"
        ))),
        None => Err(NameError(format!("`{name}` is not a valid object name"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn makes_dns_labels() {
        assert_eq!(
            to_dns1035_label("My_Notebook").as_deref(),
            Some("my-notebook")
        );
        assert_eq!(to_dns1035_label("2-gpus").as_deref(), Some("plx-2-gpus"));
        assert_eq!(to_dns1035_label("--").as_deref(), None);
        assert_eq!(to_dns1035_label(&"a".repeat(100)).unwrap().len(), MAX_NAME);
    }

    #[test]
    fn validates_given_names() {
        assert!(validate_name("web").is_ok());
        assert!(validate_name("Web").is_err());
    }
}
