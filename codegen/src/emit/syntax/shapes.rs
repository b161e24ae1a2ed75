//! Shorthands for the shapes emitters build from [`Code`] and [`Line`]: calls, generics,
//! struct literals, blocks, functions and `match`, so an emitter reads as the code it emits.

use super::code::{Block, Code, Delimiter, Line, List, Spacing};

/// Pieces printed one after another.
pub(crate) fn seq<const N: usize>(pieces: [Code; N]) -> Code {
    Code::Seq(pieces.into())
}

/// A list between `delimiter`s.
pub(crate) fn list(delimiter: Delimiter, items: impl IntoIterator<Item = Code>) -> Code {
    Code::List(List {
        delimiter,
        items: items.into_iter().collect(),
    })
}

/// `function(args)`: a call, a tuple struct or variant, or an attribute with arguments.
pub(crate) fn call(function: impl Into<Code>, args: impl IntoIterator<Item = Code>) -> Code {
    seq([function.into(), list(Delimiter::Parenthesis, args)])
}

/// `name<args>`.
pub(crate) fn generic(name: impl Into<Code>, args: impl IntoIterator<Item = Code>) -> Code {
    seq([name.into(), list(Delimiter::Angle, args)])
}

/// `path { fields }`.
pub(crate) fn struct_literal(
    path: impl Into<Code>,
    fields: impl IntoIterator<Item = Code>,
) -> Code {
    seq([path.into(), " ".into(), list(Delimiter::Brace, fields)])
}

/// `head { lines }` for items: an `impl`, a trait, a module.
pub(crate) fn items(head: impl Into<Code>, lines: Vec<Line>) -> Code {
    braced(head.into(), lines, Spacing::Items)
}

/// `head { lines }` for statements, fields, variants or arms; `head` may be empty (a bare
/// block) or end in a word (`if x`, `pub struct Name`).
pub(crate) fn body(head: impl Into<Code>, lines: Vec<Line>) -> Code {
    braced(head.into(), lines, Spacing::Tight)
}

fn braced(head: Code, lines: Vec<Line>, spacing: Spacing) -> Code {
    let block = Code::Block(Block { lines, spacing });
    match head {
        Code::Text(text) if text.is_empty() => block,
        head => seq([head, " ".into(), block]),
    }
}

/// `match scrutinee { pattern => value, … }`.
pub(crate) fn match_on(scrutinee: &str, arms: impl IntoIterator<Item = (Code, Code)>) -> Code {
    let arms = arms
        .into_iter()
        .map(|(pattern, value)| Line::from(seq([pattern, " => ".into(), value, ",".into()])))
        .collect();
    body(format!("match {scrutinee}"), arms)
}

/// A function: its docs, `head` (`pub fn new`), parameters, return type and body.
pub(crate) struct Function {
    pub docs: String,
    pub attributes: Vec<Code>,
    pub head: Code,
    pub parameters: Vec<Code>,
    pub output: Option<Code>,
    pub body: Vec<Line>,
}

impl Function {
    /// A function with no docs or attributes.
    pub(crate) fn new(
        head: impl Into<Code>,
        parameters: impl IntoIterator<Item = Code>,
        output: Option<Code>,
        body: Vec<Line>,
    ) -> Self {
        Self {
            docs: String::new(),
            attributes: Vec::new(),
            head: head.into(),
            parameters: parameters.into_iter().collect(),
            output,
            body,
        }
    }

    /// The function with `docs` above it.
    pub(crate) fn documented(mut self, docs: impl Into<String>) -> Self {
        self.docs = docs.into();
        self
    }
}

impl From<Function> for Line {
    fn from(function: Function) -> Self {
        let signature = call(function.head, function.parameters);
        let signature = match function.output {
            Some(output) => seq([signature, " -> ".into(), output]),
            None => signature,
        };
        Line {
            docs: function.docs,
            attributes: function.attributes,
            ..Line::from(body(signature, function.body))
        }
    }
}

/// Lines of plain statements, each as written.
pub(crate) fn statements<const N: usize>(lines: [&str; N]) -> Vec<Line> {
    lines
        .into_iter()
        .map(|line| Line::from(Code::from(line)))
        .collect()
}

/// A short method written out: its head (`fn fmt`), parameters, return type and statements.
pub(crate) fn method(
    head: &str,
    parameters: &[&str],
    output: impl Into<Code>,
    body: &[&str],
) -> Line {
    let parameters = parameters.iter().map(|p| Code::from(*p));
    let body = body.iter().map(|l| Line::from(Code::from(*l))).collect();
    Function::new(head, parameters, Some(output.into()), body).into()
}
