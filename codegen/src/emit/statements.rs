//! Statements the generator writes in a method body, as tokens and as the text the formatter
//! prints for them, so a file can hold the text back instead of parsing and printing the
//! tokens (see `held::statement`).
//!
//! The text is only given where the formatter's layout is certain: a line that is at most
//! [`FITS`] wide stays on one line, and a call whose one-line form is at least [`BREAKS`]
//! wide has every argument on a line of its own. Anything in between, or any token the
//! writer below does not know, gives no text, and the tokens go to the formatter as before.

use proc_macro2::{Delimiter, Spacing, TokenStream, TokenTree};
use quote::{ToTokens, quote};

/// The widest line that is certainly printed as one line: below the formatter's margin (89).
const FITS: usize = 80;

/// The narrowest one-line call that is certainly broken: above the formatter's margin, with
/// room for the punctuation after the call.
const BREAKS: usize = 96;

/// How much a block's statements and a broken call's arguments are indented.
const INDENT: usize = 4;

/// A statement, as the generator builds it.
pub(super) enum Statement {
    /// `function(args);`. Text is only written for two or more arguments: a lone argument
    /// such as an array is laid out after the parenthesis, as a block is.
    Call {
        function: TokenStream,
        args: Vec<TokenStream>,
    },
    /// `let name = value;`
    Let {
        name: syn::Ident,
        value: TokenStream,
    },
    /// `header { statements }` (such as `if let Some(value) = &self.x`), or a bare block
    /// without a header.
    Block {
        header: Option<TokenStream>,
        statements: Vec<Statement>,
    },
    /// Any other statement: tokens only.
    Tokens(TokenStream),
}

impl ToTokens for Statement {
    fn to_tokens(&self, tokens: &mut TokenStream) {
        tokens.extend(match self {
            Self::Call { function, args } => quote!(#function(#(#args),*);),
            Self::Let { name, value } => quote!(let #name = #value;),
            Self::Block { header, statements } => quote!(#header { #(#statements)* }),
            Self::Tokens(other) => other.clone(),
        });
    }
}

impl Statement {
    /// The lines the formatter prints for the statement at `indent` columns, each ending in a
    /// line break; `None` when that is not certain.
    pub(super) fn text(&self, indent: usize) -> Option<String> {
        let pad = " ".repeat(indent);
        match self {
            Self::Call { function, args } => {
                if args.len() < 2 {
                    return None;
                }
                let function = expression_text(function)?;
                let args = args
                    .iter()
                    .map(expression_text)
                    .collect::<Option<Vec<_>>>()?;
                let one_line = format!("{pad}{function}({});", args.join(", "));
                if one_line.len() <= FITS {
                    return Some(one_line + "\n");
                }
                if one_line.len() < BREAKS {
                    return None;
                }
                let inner = " ".repeat(indent + INDENT);
                let mut text = fitting(format!("{pad}{function}("))?;
                for arg in args {
                    text.push_str(&fitting(format!("{inner}{arg},"))?);
                }
                text.push_str(&format!("{pad});\n"));
                Some(text)
            }
            Self::Let { name, value } => {
                fitting(format!("{pad}let {name} = {};", expression_text(value)?))
            }
            Self::Block { header, statements } => {
                if statements.is_empty() {
                    // An empty block is printed `{}`.
                    return None;
                }
                let mut text = match header {
                    Some(header) => fitting(format!("{pad}{} {{", expression_text(header)?))?,
                    None => format!("{pad}{{\n"),
                };
                for statement in statements {
                    text.push_str(&statement.text(indent + INDENT)?);
                }
                text.push_str(&format!("{pad}}}\n"));
                Some(text)
            }
            Self::Tokens(_) => None,
        }
    }
}

/// `line` and a line break, if it certainly fits on one line.
fn fitting(line: String) -> Option<String> {
    (line.len() <= FITS).then(|| line + "\n")
}

/// The one-line text of a simple expression (paths, calls, field and method access, literals,
/// references and dereferences, `as` casts, `let` patterns with `=`, arrays), written as the
/// formatter writes it; `None` for any other token, so an operator whose spacing is not
/// known here is never written wrong.
pub(super) fn expression_text(tokens: &TokenStream) -> Option<String> {
    let mut text = String::new();
    write_tokens(tokens, &mut text)?;
    Some(text)
}

fn write_tokens(tokens: &TokenStream, text: &mut String) -> Option<()> {
    // Whether the last token was a word (identifier or literal), after which another word
    // needs a space.
    let mut after_word = false;
    // Whether a prefix `&` or `*` may come next: at the start, or after `,`, `=`, `&`.
    let mut prefix_allowed = true;
    let mut tokens = tokens.clone().into_iter().peekable();
    while let Some(token) = tokens.next() {
        match token {
            TokenTree::Ident(_) | TokenTree::Literal(_) => {
                if after_word {
                    text.push(' ');
                }
                text.push_str(&token.to_string());
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
                write_tokens(&group.stream(), text)?;
                text.push(close);
                // `f(x) as u8`: a word after a group is spaced as after a word.
                after_word = true;
                prefix_allowed = false;
            }
            TokenTree::Punct(punct) => {
                match (punct.as_char(), punct.spacing()) {
                    (',', Spacing::Alone) => text.push_str(", "),
                    ('=', Spacing::Alone) => text.push_str(" = "),
                    ('.', Spacing::Alone) => text.push('.'),
                    (':', Spacing::Joint) => {
                        // `::`, never a lone `:`.
                        match tokens.next() {
                            Some(TokenTree::Punct(next)) if next.as_char() == ':' => {
                                text.push_str("::");
                            }
                            _ => return None,
                        }
                    }
                    ('&' | '*', Spacing::Alone) if prefix_allowed => text.push(punct.as_char()),
                    _ => return None,
                }
                prefix_allowed = matches!(punct.as_char(), ',' | '=' | '&');
                after_word = false;
            }
        }
    }
    Some(())
}
