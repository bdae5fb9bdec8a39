//! The per-file layer every rule family and command stands on: reading a file within the
//! trust boundary ([`read`], [`boundary`]), masking its secrets ([`secrets`]), loading it
//! into a YAML tree with its YAML-level findings ([`load`]), decoding the tree into a typed
//! document with its schema findings ([`decode`]), and finding any pointer's place in the
//! text ([`locate`]).

pub mod boundary;
pub mod decode;
pub mod load;
pub mod locate;
pub mod read;
pub mod secrets;

use crate::diagnostic::LineIndex;

pub use read::{MAX_FILE_BYTES, ReadError};

/// One input file as it may be shown: its text with secrets masked (invalid UTF-8 shown
/// lossily), for snippets only.
#[derive(Clone, Debug)]
pub struct SourceFile {
    pub path: String,
    pub text: String,
    pub lines: LineIndex,
    /// The secret values masked in `text`, to redact from messages too.
    pub secrets: secrets::Secrets,
    /// Whether plx read the file (it counts among the files of a report's summary).
    pub read: bool,
}

impl SourceFile {
    pub fn new(path: impl Into<String>, text: String) -> Self {
        let lines = LineIndex::new(&text);
        Self {
            path: path.into(),
            text,
            lines,
            secrets: secrets::Secrets::default(),
            read: true,
        }
    }

    /// An input that could not be read (or no file at all, for a bad argument, when `path`
    /// is empty).
    pub fn unread(path: impl Into<String>) -> Self {
        Self {
            read: false,
            ..Self::new(path, String::new())
        }
    }

    /// The file without its text, when its findings need no snippet (a checked tree's files
    /// are kept until they are reported, and most have nothing to show).
    pub fn without_text(self) -> Self {
        Self {
            read: self.read,
            ..Self::new(self.path, String::new())
        }
    }
}
