//! Bounding text that is shown back to a user (in an error, a log line or a
//! table): the one truncation rule of the workspace.

/// The first `max_chars` characters of `text`, and whether anything was cut.
/// Never splits a character.
///
/// ```
/// use smileid_sign::truncate_chars;
///
/// assert_eq!(truncate_chars("héllo", 2), ("hé", true));
/// assert_eq!(truncate_chars("hé", 2), ("hé", false));
/// ```
pub fn truncate_chars(text: &str, max_chars: usize) -> (&str, bool) {
    match text.char_indices().nth(max_chars) {
        Some((end, _)) => (&text[..end], true),
        None => (text, false),
    }
}
