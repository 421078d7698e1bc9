//! Limits on what one run reads: the size of a file and how deeply its
//! values or blocks nest. A hostile or broken file meets a limit and gets an
//! error that names the limit, the flag that raises it, and where in the
//! file it was met, instead of exhausting memory or the stack.
//!
//! The limits are the run's, set once by the CLI (`--max-file-size`,
//! `--max-depth`) before anything is read; library callers that do not set
//! them get the defaults.

use std::io::Read as _;
use std::path::Path;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

use crate::Error;

/// Files larger than this are refused: 64 MiB, eight times the largest
/// schema file we know of (a generated SchemaStore-like JSON Schema), and
/// well above the largest `.proto` file of googleapis (about 1 MB).
pub const DEFAULT_MAX_FILE_SIZE: u64 = 64 * 1024 * 1024;

/// Values, messages or blocks nested deeper than this are refused.
/// googleapis nests messages at most 6 deep; JSON Schema documents seldom
/// pass 20.
pub const DEFAULT_MAX_DEPTH: usize = 64;

/// The highest `--max-depth` accepted. The libraries wirecompat reads with
/// recurse once per level and hold their own limits: `serde_json` (which
/// apache-avro parses with) stops at 128, protox at 31 nested messages (as
/// protoc does; its error is passed on). Every depth up to this one is
/// tested in every format not to exhaust the stacks wirecompat runs on.
pub const HIGHEST_MAX_DEPTH: usize = 100;

static MAX_FILE_SIZE: AtomicU64 = AtomicU64::new(DEFAULT_MAX_FILE_SIZE);
static MAX_DEPTH: AtomicUsize = AtomicUsize::new(DEFAULT_MAX_DEPTH);

/// The run's limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    pub max_file_size: u64,
    pub max_depth: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_file_size: DEFAULT_MAX_FILE_SIZE,
            max_depth: DEFAULT_MAX_DEPTH,
        }
    }
}

/// Sets the run's limits (the depth is held to [`HIGHEST_MAX_DEPTH`]).
pub fn set(l: Limits) {
    MAX_FILE_SIZE.store(l.max_file_size, Ordering::Relaxed);
    MAX_DEPTH.store(l.max_depth.clamp(1, HIGHEST_MAX_DEPTH), Ordering::Relaxed);
}

/// The run's limits.
pub fn get() -> Limits {
    Limits {
        max_file_size: MAX_FILE_SIZE.load(Ordering::Relaxed),
        max_depth: MAX_DEPTH.load(Ordering::Relaxed),
    }
}

/// A size as people write it: `1048576`, `512K`, `64M`, `1G` (binary
/// multiples; a trailing `B` or `iB` is allowed).
pub fn parse_size(s: &str) -> Result<u64, String> {
    let t = s.trim();
    let t = t
        .strip_suffix("iB")
        .or_else(|| t.strip_suffix('B'))
        .unwrap_or(t);
    let (digits, mult) = match t.chars().last() {
        Some('k' | 'K') => (&t[..t.len() - 1], 1u64 << 10),
        Some('m' | 'M') => (&t[..t.len() - 1], 1 << 20),
        Some('g' | 'G') => (&t[..t.len() - 1], 1 << 30),
        _ => (t, 1),
    };
    let n: u64 = digits
        .trim()
        .parse()
        .map_err(|_| format!("`{s}` is not a size (a number of bytes, or with K, M or G)"))?;
    n.checked_mul(mult)
        .filter(|&n| n > 0)
        .ok_or_else(|| format!("`{s}` is not a size this machine can hold, or is zero"))
}

/// A size shown to people.
pub fn show_size(n: u64) -> String {
    if n >= 1 << 20 && n % (1 << 20) == 0 {
        format!("{} MiB", n >> 20)
    } else if n >= 1 << 10 && n % (1 << 10) == 0 {
        format!("{} KiB", n >> 10)
    } else {
        format!("{n} bytes")
    }
}

/// Line and column (1-based, columns in characters) of byte `at` of
/// `bytes`, which need not be UTF-8.
fn position(bytes: &[u8], at: usize) -> (u32, u32) {
    let at = at.min(bytes.len());
    let before = &bytes[..at];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    let col = String::from_utf8_lossy(&before[start..]).chars().count() + 1;
    (line as u32, col as u32)
}

/// Reads the file at `path` (named `display` in errors), reading no more
/// than the size limit: a larger file is refused at the place the limit
/// falls, without reading the rest.
pub fn read(path: &Path, display: &str) -> Result<Vec<u8>, Error> {
    let max = get().max_file_size;
    let file = std::fs::File::open(path).map_err(|e| Error::io(path, &e))?;
    let mut buf = Vec::new();
    file.take(max.saturating_add(1))
        .read_to_end(&mut buf)
        .map_err(|e| Error::io(path, &e))?;
    if buf.len() as u64 > max {
        let (line, col) = position(&buf, max as usize);
        let total = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
        return Err(Error::input(
            display,
            line,
            col,
            format!(
                "the file is {}, over the file size limit of {} (raise it with \
                 --max-file-size); reading stopped here, at byte {max}",
                show_size(total),
                show_size(max)
            ),
        ));
    }
    Ok(buf)
}

/// Refuses a file of the tree at `root` that is a symbolic link leading
/// outside it: a schema repository must not make a check read, say,
/// `/etc/passwd`. Links that stay inside the tree are read.
pub fn within(root: &Path, path: &Path, display: &str) -> Result<(), Error> {
    let Ok(meta) = std::fs::symlink_metadata(path) else {
        return Ok(()); // reading it will say what is wrong
    };
    if !meta.file_type().is_symlink() {
        return Ok(());
    }
    let target = std::fs::canonicalize(path).map_err(|e| {
        Error::input(
            display,
            0,
            0,
            format!("a symbolic link that leads nowhere readable: {e}"),
        )
    })?;
    let root = std::fs::canonicalize(root).map_err(|e| Error::io(root, &e))?;
    if target.starts_with(&root) {
        Ok(())
    } else {
        Err(Error::input(
            display,
            0,
            0,
            format!(
                "a symbolic link that leads outside the tree being checked (to {}): refused",
                target.display()
            ),
        ))
    }
}

/// Checks that the blocks of a C-like source (Protobuf, Avro IDL) nest no
/// deeper than the depth limit, before a parser that recurses per level
/// reads it. Brackets inside strings and comments do not count.
pub fn check_nesting(text: &str, display: &str) -> Result<(), Error> {
    let max = get().max_depth;
    let b = text.as_bytes();
    let mut depth = 0usize;
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'/' if b.get(i + 1) == Some(&b'/') => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                i += 2;
                while i < b.len() && !(b[i] == b'*' && b.get(i + 1) == Some(&b'/')) {
                    i += 1;
                }
                i += 1;
            }
            q @ (b'"' | b'\'') => {
                i += 1;
                while i < b.len() && b[i] != q && b[i] != b'\n' {
                    if b[i] == b'\\' {
                        i += 1;
                    }
                    i += 1;
                }
            }
            b'{' | b'[' | b'(' | b'<' => {
                depth += 1;
                if depth > max {
                    let (line, col) = position(b, i);
                    return Err(Error::input(
                        display,
                        line,
                        col,
                        format!(
                            "blocks nested deeper than the depth limit of {max} (raise it \
                             with --max-depth, up to {HIGHEST_MAX_DEPTH})"
                        ),
                    ));
                }
            }
            b'}' | b']' | b')' | b'>' => depth = depth.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_parse_with_binary_multiples() {
        assert_eq!(parse_size("1048576"), Ok(1 << 20));
        assert_eq!(parse_size("512K"), Ok(512 << 10));
        assert_eq!(parse_size("64MiB"), Ok(64 << 20));
        assert_eq!(parse_size("1G"), Ok(1 << 30));
        assert!(parse_size("0").is_err());
        assert!(parse_size("ten").is_err());
        assert!(parse_size("99999999999999G").is_err());
        assert_eq!(show_size(64 << 20), "64 MiB");
        assert_eq!(show_size(1000), "1000 bytes");
    }

    #[test]
    fn positions_count_characters_after_the_last_newline() {
        assert_eq!(position(b"ab\ncd\xc3\xa9f", 7), (2, 4));
        assert_eq!(position(b"abc", 0), (1, 1));
    }

    #[test]
    fn nesting_ignores_strings_and_comments() {
        let deep = "message A { ".repeat(DEFAULT_MAX_DEPTH + 1);
        let e = check_nesting(&deep, "a.proto").unwrap_err().to_string();
        assert!(e.contains("a.proto:1:"), "{e}");
        assert!(e.contains("depth limit of 64"), "{e}");
        let quoted = format!("// {deep}\n/* {deep} */ \"{}\"", "{".repeat(500));
        assert!(check_nesting(&quoted, "a.proto").is_ok());
    }
}
