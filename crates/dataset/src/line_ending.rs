//! Line endings of the files this crate writes.

/// How lines end in a written CSV or log.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LineEnding {
    /// `\r\n`, as in every published NAAP-440 file (the default).
    #[default]
    Crlf,
    /// `\n`.
    Lf,
}

impl LineEnding {
    /// The terminator text.
    pub fn as_str(self) -> &'static str {
        match self {
            LineEnding::Crlf => "\r\n",
            LineEnding::Lf => "\n",
        }
    }

    /// The lowercase name used on the command line (`crlf`, `lf`).
    pub fn name(self) -> &'static str {
        match self {
            LineEnding::Crlf => "crlf",
            LineEnding::Lf => "lf",
        }
    }
}
