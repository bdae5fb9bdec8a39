//! The one way plx reads a file: regular files only, never more than [`MAX_FILE_BYTES`].
//!
//! Every file plx opens goes through [`read`]: the files named on the command line, the
//! files a checked file names (`pathRef`, `hubRef`), `plx.toml` and what it names. A FIFO, a
//! device or a directory is refused before a byte is read, and the file is opened without
//! blocking, so neither a FIFO without a writer nor `/proc/kmsg` can hang plx.

use std::fmt;
use std::io::Read;
use std::path::Path;

/// Polyaxonfiles are kilobytes; the API server refuses objects over ~1.5 MB. Anything past
/// this is not a file plx reads, and reading it would only cost time and memory.
pub const MAX_FILE_BYTES: usize = 8 * 1024 * 1024;

/// Why a file was not read. The message names what was wrong, never what the file holds.
#[derive(Debug)]
pub enum ReadError {
    Missing,
    /// A directory, FIFO, socket or device: what it is.
    NotRegular(&'static str),
    /// Larger than [`MAX_FILE_BYTES`]; the size when the file system knows it.
    TooLarge(Option<u64>),
    Io(std::io::Error),
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReadError::Missing => f.write_str("no such file or directory"),
            ReadError::NotRegular(what) => write!(f, "it is {what}, not a regular file"),
            ReadError::TooLarge(Some(size)) => write!(
                f,
                "it is {size} bytes; plx reads files of at most {MAX_FILE_BYTES} bytes"
            ),
            ReadError::TooLarge(None) => write!(
                f,
                "it is larger than {MAX_FILE_BYTES} bytes, the most plx reads"
            ),
            ReadError::Io(error) => error.fmt(f),
        }
    }
}

/// Reads `path` (`-` is standard input) in full, within the size limit.
pub fn read(path: &Path) -> Result<Vec<u8>, ReadError> {
    if path.as_os_str() == "-" {
        return bounded(std::io::stdin().lock(), None);
    }
    let file = open(path).map_err(|error| match error.kind() {
        std::io::ErrorKind::NotFound => ReadError::Missing,
        _ => ReadError::Io(error),
    })?;
    let metadata = file.metadata().map_err(ReadError::Io)?;
    if !metadata.is_file() {
        return Err(ReadError::NotRegular(kind(&metadata.file_type())));
    }
    bounded(file, Some(metadata.len()))
}

/// Reads at most one byte past the limit, so a file that grows (or a `/proc` file that
/// reports no size) is still caught.
fn bounded(reader: impl Read, size: Option<u64>) -> Result<Vec<u8>, ReadError> {
    if size.is_some_and(|size| size > MAX_FILE_BYTES as u64) {
        return Err(ReadError::TooLarge(size));
    }
    // Room for the whole file and the end: two reads, where growing from nothing takes one
    // per doubling.
    let capacity = size.map_or(0, |size| size as usize + 1);
    let mut bytes = Vec::with_capacity(capacity);
    reader
        .take(MAX_FILE_BYTES as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(ReadError::Io)?;
    if bytes.len() > MAX_FILE_BYTES {
        return Err(ReadError::TooLarge(None));
    }
    Ok(bytes)
}

/// Opens for reading without blocking: opening a FIFO would otherwise wait for a writer,
/// and reading `/proc/kmsg` for the next kernel message. On a regular file the flag changes
/// nothing.
#[cfg(unix)]
fn open(path: &Path) -> std::io::Result<std::fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY)
        .open(path)
}

#[cfg(not(unix))]
fn open(path: &Path) -> std::io::Result<std::fs::File> {
    std::fs::File::open(path)
}

fn kind(file_type: &std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if file_type.is_fifo() {
            return "a FIFO";
        }
        if file_type.is_socket() {
            return "a socket";
        }
        if file_type.is_block_device() || file_type.is_char_device() {
            return "a device";
        }
    }
    if file_type.is_dir() {
        "a directory"
    } else {
        "a special file"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn special_files_are_refused_without_reading() {
        assert!(matches!(
            read(Path::new("/dev/zero")),
            Err(ReadError::NotRegular("a device"))
        ));
        assert!(matches!(
            read(Path::new("/")),
            Err(ReadError::NotRegular("a directory"))
        ));
        assert!(matches!(
            read(Path::new("/no/such/file")),
            Err(ReadError::Missing)
        ));
    }

    #[test]
    fn reads_stop_one_byte_past_the_limit() {
        let endless = std::io::repeat(b'a');
        assert!(matches!(
            bounded(endless, None),
            Err(ReadError::TooLarge(None))
        ));
        assert_eq!(bounded(&b"abc"[..], Some(3)).unwrap(), b"abc");
    }
}
