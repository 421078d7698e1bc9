//! Errors the library returns: bad input (with file, line and column where
//! there is one) and bad usage. Both end in exit code 2.

use std::fmt;
use std::path::Path;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Error {
    /// A contract file that cannot be read, parsed or compiled.
    Input {
        /// Path as the user gave it (root joined with the file's name).
        path: String,
        /// 1-based; 0 when the problem has no position (an unreadable file).
        line: u32,
        column: u32,
        message: String,
    },
    /// The command line or the inputs do not make sense together.
    Usage(String),
}

impl Error {
    pub fn input(
        path: impl Into<String>,
        line: u32,
        column: u32,
        message: impl Into<String>,
    ) -> Self {
        Error::Input {
            path: path.into(),
            line,
            column,
            message: message.into(),
        }
    }

    pub fn io(path: &Path, err: &std::io::Error) -> Self {
        Error::input(
            path.display().to_string(),
            0,
            0,
            format!("cannot read: {err}"),
        )
    }

    pub fn usage(message: impl Into<String>) -> Self {
        Error::Usage(message.into())
    }

    /// The same error with its file named otherwise (an input error only).
    pub fn map_path(self, f: impl FnOnce(String) -> String) -> Self {
        match self {
            Error::Input {
                path,
                line,
                column,
                message,
            } => Error::Input {
                path: f(path),
                line,
                column,
                message,
            },
            e => e,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Input {
                path,
                line,
                column,
                message,
            } => {
                if *line > 0 {
                    write!(f, "{path}:{line}:{column}: {message}")
                } else {
                    write!(f, "{path}: {message}")
                }
            }
            Error::Usage(m) => f.write_str(m),
        }
    }
}

impl std::error::Error for Error {}

/// 1-based line and column (in characters) of a byte offset in `text`.
pub fn line_col(text: &str, offset: usize) -> (u32, u32) {
    let offset = offset.min(text.len());
    let mut line = 1u32;
    let mut line_start = 0usize;
    for (i, b) in text.as_bytes()[..offset].iter().enumerate() {
        if *b == b'\n' {
            line += 1;
            line_start = i + 1;
        }
    }
    let mut start = offset;
    while !text.is_char_boundary(start) {
        start -= 1;
    }
    let column = text[line_start..start].chars().count() as u32 + 1;
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_lines_and_chars() {
        let t = "ab\ncdé\nf";
        assert_eq!(line_col(t, 0), (1, 1));
        assert_eq!(line_col(t, 3), (2, 1));
        assert_eq!(line_col(t, 5), (2, 3));
        assert_eq!(line_col(t, 8), (3, 1));
        assert_eq!(line_col(t, 100), (3, 2));
    }
}
