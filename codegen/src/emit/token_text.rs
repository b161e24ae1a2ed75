//! Tokens written as the text the formatter prints for them, for the few simple shapes the
//! generator writes as text instead of formatting (see `held`): expressions, declarations of
//! fields and variants, and attributes, each on one line.
//!
//! Each writer knows a closed set of tokens and gives `None` for any other, so an operator or
//! construct whose spacing is not known here is never written wrong; its tokens go to the
//! formatter instead.

use std::fmt::Write as _;

use proc_macro2::{Delimiter, Spacing, TokenStream, TokenTree};

/// The widest line that is certainly printed as it is: below the formatter's margin (89),
/// so the formatter would not break it. The sweeps in `held_text_tests` find the formatter
/// keeping lines of up to 89 columns whole; this leaves a cushion of three for shapes they
/// do not try.
pub(super) const FITS: usize = 86;

/// The widest a `match` arm's line may be: the formatter prints an arm of up to 90 columns on
/// one line (`held_arms_restore_at_every_width` checks every width), less a cushion for arm
/// shapes that test does not try.
pub(super) const ARM_FITS: usize = 88;

/// `line` and a line break, if it certainly fits on one line.
pub(super) fn fitting(line: String) -> Option<String> {
    (line.len() <= FITS).then(|| line + "\n")
}

/// The one-line text of a simple expression (paths, calls, field and method access, literals,
/// references and dereferences, `as` casts, `let` patterns with `=`, arrays).
pub(super) fn expression_text(tokens: &TokenStream) -> Option<String> {
    let mut text = String::new();
    write(tokens, Mode::Expression, &mut text)?;
    Some(text)
}

/// The one-line text of a field or variant declaration (`pub name: Option<Vec<String>>`,
/// `Unknown(rt::UnknownValue)`), a parameter or a return type (`&'static str`): also `:`,
/// generic arguments and lifetimes, which are not written in expressions (where `<` would be
/// a comparison).
pub(super) fn declaration_text(tokens: &TokenStream) -> Option<String> {
    let mut text = String::new();
    write(tokens, Mode::Declaration, &mut text)?;
    Some(text)
}

/// The one-line text of an attribute's inside (`serde(rename = "x", default)`), spaced as the
/// formatter spaces an attribute's tokens: a space between words, around `=` and after `,`.
pub(super) fn attribute_text(tokens: &TokenStream) -> Option<String> {
    let mut text = String::new();
    write_attribute(tokens, &mut text)?;
    Some(text)
}

#[derive(Clone, Copy, PartialEq)]
enum Mode {
    Expression,
    Declaration,
}

fn write(tokens: &TokenStream, mode: Mode, text: &mut String) -> Option<()> {
    // Whether the last token was a word (identifier, literal or group), after which a word
    // needs a space.
    let mut after_word = false;
    // Whether a prefix `&` or `*` may come next: at the start, or after `,`, `=`, `&`, `<`.
    let mut prefix_allowed = true;
    let mut tokens = tokens.clone().into_iter().peekable();
    while let Some(token) = tokens.next() {
        match token {
            TokenTree::Ident(_) | TokenTree::Literal(_) => {
                if after_word {
                    text.push(' ');
                }
                // Written in place: formatting to a `String` first allocates one per word.
                let _ = write!(text, "{token}");
                after_word = true;
                prefix_allowed = false;
            }
            TokenTree::Group(group) => {
                let (open, close) = match group.delimiter() {
                    Delimiter::Parenthesis => ('(', ')'),
                    Delimiter::Bracket => ('[', ']'),
                    _ => return None,
                };
                if after_word && open == '[' {
                    // Indexing is not a shape the generator writes here.
                    return None;
                }
                // A call's arguments or a pattern's fields follow their name unspaced.
                text.push(open);
                write(&group.stream(), mode, text)?;
                text.push(close);
                // `f(x) as u8`: a word after a group is spaced as after a word.
                after_word = true;
                prefix_allowed = false;
            }
            TokenTree::Punct(punct) => {
                match (punct.as_char(), punct.spacing(), mode) {
                    (',', Spacing::Alone, _) => text.push_str(", "),
                    ('=', Spacing::Alone, _) => text.push_str(" = "),
                    ('.', Spacing::Alone, _) => text.push('.'),
                    (':', Spacing::Joint, _) => {
                        // `::`
                        match tokens.next() {
                            Some(TokenTree::Punct(next)) if next.as_char() == ':' => {
                                text.push_str("::");
                            }
                            _ => return None,
                        }
                    }
                    (':', Spacing::Alone, Mode::Declaration) => text.push_str(": "),
                    ('\'', Spacing::Joint, Mode::Declaration) => {
                        // A lifetime, `'static`: the name follows unspaced.
                        let Some(TokenTree::Ident(name)) = tokens.next() else {
                            return None;
                        };
                        text.push('\'');
                        let _ = write!(text, "{name}");
                        prefix_allowed = false;
                        after_word = true;
                        continue;
                    }
                    ('<', Spacing::Alone, Mode::Declaration) => text.push('<'),
                    ('>', spacing, Mode::Declaration) => {
                        // `>>` closes two lists; a joint `>` before anything else is an
                        // operator such as `>=`.
                        let closes = matches!(tokens.peek(), Some(TokenTree::Punct(next)) if next.as_char() == '>');
                        if spacing == Spacing::Joint && !closes {
                            return None;
                        }
                        text.push('>');
                    }
                    ('&' | '*', Spacing::Alone, _) if prefix_allowed => text.push(punct.as_char()),
                    _ => return None,
                }
                prefix_allowed = matches!(punct.as_char(), ',' | '=' | '&' | '<');
                after_word = false;
            }
        }
    }
    Some(())
}

fn write_attribute(tokens: &TokenStream, text: &mut String) -> Option<()> {
    // As the formatter's attribute printer: a word after a word is spaced, `=` is spaced on
    // both sides, `,` is followed by a space, and nothing else is spaced.
    let mut after_word = false;
    let mut tokens = tokens.clone().into_iter().peekable();
    while let Some(token) = tokens.next() {
        match token {
            TokenTree::Ident(_) | TokenTree::Literal(_) => {
                if after_word {
                    text.push(' ');
                }
                let _ = write!(text, "{token}");
                after_word = true;
            }
            TokenTree::Punct(punct) => {
                match punct.as_char() {
                    // A trailing comma is printed only when the list breaks.
                    ',' if tokens.peek().is_none() => return None,
                    ',' => text.push_str(", "),
                    '=' => {
                        if after_word {
                            text.push(' ');
                        }
                        text.push_str("= ");
                    }
                    ':' => text.push(':'),
                    _ => return None,
                }
                after_word = false;
            }
            TokenTree::Group(group) => {
                let (open, close) = match group.delimiter() {
                    Delimiter::Parenthesis => ('(', ')'),
                    Delimiter::Bracket => ('[', ']'),
                    _ => return None,
                };
                text.push(open);
                write_attribute(&group.stream(), text)?;
                text.push(close);
                after_word = false;
            }
        }
    }
    Some(())
}
