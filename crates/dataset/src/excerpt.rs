//! Quoting input in messages without echoing all of it.

use std::borrow::Cow;

/// The most characters of an offending line or cell a message quotes.
pub const EXCERPT_CHARS: usize = 200;

/// `text` for a message: whole if short, else its first [`EXCERPT_CHARS`]
/// characters and how much was left out. A 1 GB line must not become a
/// 1 GB error message.
pub fn excerpt(text: &str) -> Cow<'_, str> {
    match text.char_indices().nth(EXCERPT_CHARS) {
        None => Cow::Borrowed(text),
        Some((cut, _)) => Cow::Owned(format!(
            "{}… ({} more bytes)",
            &text[..cut],
            text.len() - cut
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_text_is_cut_at_a_character_boundary() {
        assert_eq!(excerpt("short"), "short");
        let long = "é".repeat(300);
        let cut = excerpt(&long);
        assert!(cut.starts_with(&"é".repeat(200)), "{cut}");
        assert!(cut.ends_with("… (200 more bytes)"), "{cut}");
    }
}
