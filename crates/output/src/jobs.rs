//! [`Jobs`]: how many items a command works on at once (`--jobs`), checked
//! in one place for every command that takes it.

use crate::{Error, Result};
use std::fmt;
use std::num::NonZeroUsize;

/// A number of items run at once, at least 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Jobs(NonZeroUsize);

impl Jobs {
    /// One item at a time.
    pub const ONE: Jobs = Jobs(NonZeroUsize::MIN);

    /// `n` items at once; 0 is refused ([`Error::Setting`], the user's input).
    pub fn new(n: usize) -> Result<Jobs> {
        NonZeroUsize::new(n)
            .map(Jobs)
            .ok_or_else(|| Error::Setting(format!("jobs must be at least 1, got {n}")))
    }

    /// The number.
    pub fn get(self) -> usize {
        self.0.get()
    }
}

impl Default for Jobs {
    fn default() -> Self {
        Jobs::ONE
    }
}

impl fmt::Display for Jobs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl std::str::FromStr for Jobs {
    type Err = Error;

    fn from_str(s: &str) -> Result<Jobs> {
        let n = s
            .trim()
            .parse::<usize>()
            .map_err(|_| Error::Setting(format!("jobs must be a whole number >= 1, got '{s}'")))?;
        Jobs::new(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Fault, HasFault};

    #[test]
    fn zero_jobs_is_the_users_fault_and_named() {
        let err = Jobs::new(0).unwrap_err();
        assert_eq!(err.to_string(), "jobs must be at least 1, got 0");
        assert_eq!(err.fault(), Fault::Input);
        assert_eq!(Jobs::new(3).unwrap().get(), 3);
        assert_eq!("2".parse::<Jobs>().unwrap().get(), 2);
        assert!("x".parse::<Jobs>().unwrap_err().to_string().contains("'x'"));
        assert_eq!(Jobs::default(), Jobs::ONE);
    }
}
