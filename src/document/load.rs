//! Bytes -> tree, with the input limits and the YAML-level diagnostics. Secrets are masked
//! here, before the text is parsed or kept for snippets.

use crate::diagnostic::Diagnostic;
use crate::rules;
use crate::yaml::{self, Limits, LoadError, Node, Span};

use super::secrets::{self, Secrets};
use super::{MAX_FILE_BYTES, ReadError, SourceFile};

pub fn load(
    path: &str,
    bytes: Vec<u8>,
    limits: Limits,
) -> (SourceFile, Option<Node>, Vec<Diagnostic>) {
    let (source, loaded) = load_with(
        path,
        bytes,
        |text| yaml::load(text, limits),
        |tree| tree.get("kind").is_some(),
    );
    match loaded {
        Ok(tree) => (source, Some(tree), Vec::new()),
        Err(diagnostic) => (source, None, vec![diagnostic]),
    }
}

/// Like [`load`], for a stream of `---`-separated documents (Kubernetes manifests).
pub fn load_documents(
    path: &str,
    bytes: Vec<u8>,
    limits: Limits,
) -> (SourceFile, Vec<Node>, Vec<Diagnostic>) {
    let (source, loaded) = load_with(
        path,
        bytes,
        |text| yaml::load_documents(text, limits),
        |documents| documents.iter().any(|d| d.get("kind").is_some()),
    );
    match loaded {
        Ok(documents) => (source, documents, Vec::new()),
        Err(diagnostic) => (source, Vec::new(), vec![diagnostic]),
    }
}

/// The file as it may be shown, and what `load` made of its text with the secrets masked.
fn load_with<T>(
    path: &str,
    bytes: Vec<u8>,
    load: impl Fn(&str) -> Result<T, LoadError>,
    declares_kind: impl Fn(&T) -> bool,
) -> (SourceFile, Result<T, Diagnostic>) {
    let (text, unreadable) = text(bytes);
    let secrets = secrets::find(&text);
    let loaded = match unreadable {
        Some(diagnostic) => Err(diagnostic),
        None => parse(&text, &secrets, load, declares_kind).map_err(load_error),
    };
    (shown(path, &text, secrets), loaded)
}

/// What a file that could not be read gets: a file over the size limit is a finding of its
/// own (YAML008); `None` for any other reason, which is not the file's content.
pub fn too_large(path: &str, error: &ReadError) -> Option<(SourceFile, Diagnostic)> {
    let ReadError::TooLarge(size) = error else {
        return None;
    };
    let size = size.map_or_else(|| format!("more than {MAX_FILE_BYTES}"), |s| s.to_string());
    Some((
        SourceFile::new(path, String::new()),
        too_large_diagnostic(&size),
    ))
}

fn too_large_diagnostic(size: &str) -> Diagnostic {
    Diagnostic::new(
        &rules::YAML_FILE_TOO_LARGE,
        format!("the file is {size} bytes; plx reads files of at most {MAX_FILE_BYTES} bytes"),
    )
    .help("a Polyaxonfile is a few kilobytes: check that this is the file you meant")
}

/// Parses the text with its secrets masked. A file that declares a `kind` (a Polyaxonfile,
/// a Kubernetes object) is parsed again as written: what it holds is rendered, so its
/// secrets are only hidden from what is shown. The agent's values declare none.
fn parse<T>(
    text: &str,
    secrets: &Secrets,
    load: impl Fn(&str) -> Result<T, LoadError>,
    declares_kind: impl Fn(&T) -> bool,
) -> Result<T, LoadError> {
    if secrets.is_empty() {
        return load(text);
    }
    match load(&secrets.mask(text, b'x')) {
        Ok(masked) if declares_kind(&masked) => load(text),
        masked => masked,
    }
}

/// The file as it may be shown: secrets masked.
fn shown(path: &str, text: &str, secrets: Secrets) -> SourceFile {
    let mut source = SourceFile::new(path, secrets.mask(text, b'*'));
    source.secrets = secrets;
    source
}

/// The file as text: within the size limit, valid UTF-8, without a byte order mark; or what
/// kept it from being read, with what could be shown of it.
fn text(bytes: Vec<u8>) -> (String, Option<Diagnostic>) {
    if bytes.len() > MAX_FILE_BYTES {
        return (
            String::new(),
            Some(too_large_diagnostic(&bytes.len().to_string())),
        );
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
            return (text, Some(diagnostic));
        }
    };
    let text = text
        .strip_prefix('\u{feff}')
        .map(str::to_owned)
        .unwrap_or(text);
    (text, None)
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
