//! Bytes -> tree, with the input limits and the YAML-level diagnostics.

use crate::diagnostic::Diagnostic;
use crate::rules;
use crate::yaml::{self, Limits, LoadError, Node, Span};

use super::SourceFile;

/// Polyaxonfiles are kilobytes; the API server refuses objects over ~1.5 MB. Anything past
/// this is not a Polyaxonfile, and reading it would only cost time and memory.
pub const MAX_FILE_BYTES: usize = 8 * 1024 * 1024;

pub fn load(
    path: &str,
    bytes: Vec<u8>,
    limits: Limits,
) -> (SourceFile, Option<Node>, Vec<Diagnostic>) {
    let (source, unreadable) = text(path, bytes);
    if let Some(diagnostic) = unreadable {
        return (source, None, vec![diagnostic]);
    }
    match yaml::load(&source.text, limits) {
        Ok(tree) => (source, Some(tree), Vec::new()),
        Err(error) => {
            let diagnostic = load_error(error);
            (source, None, vec![diagnostic])
        }
    }
}

/// Like [`load`], for a stream of `---`-separated documents (Kubernetes manifests).
pub fn load_documents(
    path: &str,
    bytes: Vec<u8>,
    limits: Limits,
) -> (SourceFile, Vec<Node>, Vec<Diagnostic>) {
    let (source, unreadable) = text(path, bytes);
    if let Some(diagnostic) = unreadable {
        return (source, Vec::new(), vec![diagnostic]);
    }
    match yaml::load_documents(&source.text, limits) {
        Ok(documents) => (source, documents, Vec::new()),
        Err(error) => (source, Vec::new(), vec![load_error(error)]),
    }
}

/// The file as text: within the size limit, valid UTF-8, without a byte order mark; or what
/// kept it from being read, with what could be shown of it.
fn text(path: &str, bytes: Vec<u8>) -> (SourceFile, Option<Diagnostic>) {
    if bytes.len() > MAX_FILE_BYTES {
        let diagnostic = Diagnostic::new(
            &rules::YAML_FILE_TOO_LARGE,
            format!(
                "the file is {} bytes; plx reads files of at most {} bytes",
                bytes.len(),
                MAX_FILE_BYTES
            ),
        )
        .help("a Polyaxonfile is a few kilobytes: check that this is the file you meant");
        return (SourceFile::new(path, String::new()), Some(diagnostic));
    }
    let text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(error) => {
            let at = error.utf8_error().valid_up_to();
            let text = String::from_utf8_lossy(error.as_bytes()).into_owned();
            let end = text[at..].chars().next().map_or(at, |c| at + c.len_utf8());
            let diagnostic = Diagnostic::new(
                &rules::YAML_INVALID_UTF8,
                format!("invalid UTF-8 at byte {at}"),
            )
            .at(Span::new(at, end))
            .help("save the file as UTF-8; YAML and JSON files must be Unicode text");
            return (SourceFile::new(path, text), Some(diagnostic));
        }
    };
    let text = text
        .strip_prefix('\u{feff}')
        .map(str::to_owned)
        .unwrap_or(text);
    (SourceFile::new(path, text), None)
}

fn load_error(error: LoadError) -> Diagnostic {
    match error {
        LoadError::Syntax { message, span } => {
            let help = if message.contains("tab") {
                "YAML indents with spaces only: replace the tab characters with spaces"
            } else {
                "fix the YAML syntax at this point; `yamllint` or an editor with YAML support shows the structure"
            };
            Diagnostic::new(&rules::YAML_SYNTAX, message).at(span).help(help)
        }
        LoadError::DuplicateKey { key, first, second } => Diagnostic::new(
            &rules::YAML_DUPLICATE_KEY,
            format!("duplicate key `{key}`"),
        )
        .at(second)
        .label(first, "first defined here")
        .help(format!(
            "remove one of the two `{key}` keys: Polyaxon silently keeps the last one, and kubectl's strict decoding refuses the file"
        )),
        LoadError::MultipleDocuments { second } => Diagnostic::new(
            &rules::YAML_MULTIPLE_DOCUMENTS,
            "a Polyaxonfile holds exactly one YAML document; a second one starts here",
        )
        .at(second)
        .help("put each component or operation in its own file, or remove the `---` separator"),
        LoadError::Empty => Diagnostic::new(&rules::YAML_EMPTY, "the file has no content")
            .help("a Polyaxonfile starts with `version: 1.1` and `kind: component` (or `operation`)"),
        LoadError::TooDeep { span, limit } => Diagnostic::new(
            &rules::YAML_TOO_DEEP,
            format!("mappings and lists are nested more than {limit} levels deep"),
        )
        .at(span)
        .help("no Polyaxonfile needs this depth; check that the file is what you meant"),
        LoadError::TooManyNodes { span, limit } => Diagnostic::new(
            &rules::YAML_TOO_MANY_NODES,
            format!("the document expands to more than {limit} nodes (aliases counted as copies)"),
        )
        .at(span)
        .help("this is the shape of a \"billion laughs\" alias bomb: write the values out, or use fewer nested aliases"),
        LoadError::ComplexKey { span } => Diagnostic::new(
            &rules::YAML_UNSUPPORTED,
            "a mapping key must be a plain string, not a list or a mapping",
        )
        .at(span)
        .help("write the key as a string"),
        LoadError::UnsupportedTag { tag, span } => Diagnostic::new(
            &rules::YAML_UNSUPPORTED,
            format!("custom YAML tag `{tag}` is not supported"),
        )
        .at(span)
        .help("remove the tag; Polyaxon's loader refuses custom tags and Kubernetes has none"),
        LoadError::UndefinedAlias { span } => Diagnostic::new(
            &rules::YAML_UNSUPPORTED,
            "this alias refers to an anchor that is not defined before it",
        )
        .at(span)
        .help("define the anchor (`&name`) before using the alias (`*name`)"),
    }
}
