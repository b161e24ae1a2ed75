//! Statements the generator writes in a method body, as tokens and as the text the formatter
//! prints for them, so a file can hold the text back instead of parsing and printing the
//! tokens (see `held::run`).
//!
//! The text is only given where the formatter's layout is certain: a line that is at most
//! [`FITS`] wide stays on one line, and a call whose one-line form is at least [`BREAKS`]
//! wide has every argument on a line of its own. Anything in between, or any token the
//! writer below does not know, gives no text, and the tokens go to the formatter as before.

use proc_macro2::TokenStream;
use quote::{ToTokens, quote};

use super::held;
use super::token_text::{ARM_FITS, FITS, declaration_text, expression_text, fitting};

/// The narrowest one-line call that is certainly broken: above the formatter's margin, with
/// room for the punctuation after the call.
pub(super) const BREAKS: usize = 96;

/// The widest struct literal (from its path to its closing brace) that is certainly printed
/// on one line, and the narrowest that is certainly broken: the formatter breaks one wider
/// than 34 columns before the closing brace.
const STRUCT_ONE_LINE: usize = 32;
const STRUCT_BROKEN: usize = 38;

/// How much a block's statements and a broken call's arguments are indented.
const INDENT: usize = 4;

/// A `match` arm: the one line the formatter prints for it (`None` when it cannot be written
/// as text), and its tokens.
pub(super) type Arm = (Option<String>, TokenStream);

/// A statement, as the generator builds it.
pub(super) enum Statement {
    /// `function(args);`. Text is only written for two or more arguments: a lone argument
    /// such as an array is laid out after the parenthesis, as a block is.
    Call {
        function: TokenStream,
        args: Vec<TokenStream>,
    },
    /// `expression;`, or an expression as a method's value (`self`), on one line.
    Expression {
        expression: TokenStream,
        semicolon: bool,
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
    /// A struct literal as a method's value (no semicolon), such as
    /// `Self { name: name.into(), other: None }`.
    Struct {
        path: TokenStream,
        fields: Vec<TokenStream>,
    },
    /// `match scrutinee { arms fallback }` as a method's value, the arms held back as one run
    /// when the method is not (see `held::arms`).
    Match {
        scrutinee: TokenStream,
        arms: Vec<Arm>,
        /// A last arm, such as `Self::Unknown(_) => None,`, that goes in after the run.
        fallback: Option<Arm>,
    },
    /// Any other statement: tokens only.
    Tokens(TokenStream),
}

impl ToTokens for Statement {
    fn to_tokens(&self, tokens: &mut TokenStream) {
        tokens.extend(match self {
            Self::Call { function, args } => quote!(#function(#(#args),*);),
            Self::Expression {
                expression,
                semicolon,
            } => {
                let semicolon = semicolon.then(|| quote!(;));
                quote!(#expression #semicolon)
            }
            Self::Let { name, value } => quote!(let #name = #value;),
            Self::Block { header, statements } => quote!(#header { #(#statements)* }),
            Self::Struct { path, fields } => quote!(#path { #(#fields),* }),
            Self::Match {
                scrutinee,
                arms,
                fallback,
            } => {
                let arms = held::arms(arms.clone());
                let fallback = fallback.as_ref().map(|(_, tokens)| tokens);
                quote!(match #scrutinee { #arms #fallback })
            }
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
                one_per_line(
                    format!("{pad}{function}("),
                    &args,
                    indent + INDENT,
                    format!("{pad});"),
                )
            }
            Self::Expression {
                expression,
                semicolon,
            } => fitting(format!(
                "{pad}{}{}",
                expression_text(expression)?,
                if *semicolon { ";" } else { "" }
            )),
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
            Self::Struct { path, fields } => {
                let path = expression_text(path)?;
                let fields = fields
                    .iter()
                    .map(declaration_text)
                    .collect::<Option<Vec<_>>>()?;
                if fields.is_empty() {
                    return fitting(format!("{pad}{path} {{}}"));
                }
                // The formatter breaks a struct literal wider than 34 columns, from its path
                // to before its closing brace, even when it would fit the line.
                let one_line = format!("{path} {{ {} }}", fields.join(", "));
                if one_line.len() <= STRUCT_ONE_LINE {
                    return fitting(format!("{pad}{one_line}"));
                }
                if one_line.len() < STRUCT_BROKEN {
                    return None;
                }
                one_per_line(
                    format!("{pad}{path} {{"),
                    &fields,
                    indent + INDENT,
                    format!("{pad}}}"),
                )
            }
            Self::Match {
                scrutinee,
                arms,
                fallback,
            } => {
                if arms.is_empty() && fallback.is_none() {
                    // Printed `match x {}`.
                    return None;
                }
                let inner = " ".repeat(indent + INDENT);
                let mut text = fitting(format!("{pad}match {} {{", expression_text(scrutinee)?))?;
                for (line, _) in arms.iter().chain(fallback) {
                    let line = format!("{inner}{}", line.as_ref()?);
                    if line.len() > ARM_FITS {
                        return None;
                    }
                    text.push_str(&line);
                    text.push('\n');
                }
                text.push_str(&format!("{pad}}}\n"));
                Some(text)
            }
            Self::Tokens(_) => None,
        }
    }
}

/// A list broken one item per line, as the formatter breaks a list that does not fit: the
/// opening line, each item at `indent` with a trailing comma, and the closing line. `None`
/// when a line would not fit.
pub(super) fn one_per_line(
    open: String,
    items: &[String],
    indent: usize,
    close: String,
) -> Option<String> {
    let pad = " ".repeat(indent);
    let mut text = fitting(open)?;
    for item in items {
        text.push_str(&fitting(format!("{pad}{item},"))?);
    }
    text.push_str(&fitting(close)?);
    Some(text)
}
