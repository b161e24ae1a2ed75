//! Lexical pieces of Rust: string literals and identifiers.

/// A string literal for `value`.
pub(crate) fn literal(value: &str) -> String {
    format!("{value:?}")
}

/// A field or parameter identifier, raw where the name is a keyword (`type` → `r#type`).
pub(crate) fn field_ident(name: &str) -> String {
    if KEYWORDS.contains(&name) {
        format!("r#{name}")
    } else {
        name.to_owned()
    }
}

/// The keywords an identifier can be written raw for, strict and reserved.
const KEYWORDS: &[&str] = &[
    "as", "break", "const", "continue", "else", "enum", "extern", "false", "fn", "for", "if",
    "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return", "static",
    "struct", "trait", "true", "type", "unsafe", "use", "where", "while", "async", "await", "dyn",
    "abstract", "become", "box", "do", "final", "macro", "override", "priv", "typeof", "unsized",
    "virtual", "yield", "try", "gen",
];
