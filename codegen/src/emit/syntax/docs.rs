//! Doc comment lines from doc text; the text itself comes from `describe`.

/// The doc comment lines of `text`, as they follow `///`: each non-blank line after a
/// space, trailing space trimmed, so rustdoc keeps the spec's paragraphs.
pub(crate) fn lines(text: &str) -> Vec<String> {
    text.trim_end()
        .lines()
        .map(|line| {
            if line.trim().is_empty() {
                String::new()
            } else {
                format!(" {}", line.trim_end())
            }
        })
        .collect()
}
