//! Shorthands for the shapes emitters build from [`Code`] and [`Element`]: calls, generics,
//! struct literals, blocks, functions and `match`, so an emitter reads as the code it emits.

use super::code::{Block, Code, Delimiter, Element, List, Spacing};

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
pub(crate) fn item_block(head: impl Into<Code>, lines: Vec<Element>) -> Code {
    braced(head.into(), lines, Spacing::Items)
}

/// `head { lines }` for statements, fields, variants or arms; `head` may be empty (a bare
/// block) or end in a word (`if x`, `pub struct Name`).
pub(crate) fn body(head: impl Into<Code>, lines: Vec<Element>) -> Code {
    braced(head.into(), lines, Spacing::Tight)
}

fn braced(head: Code, lines: Vec<Element>, spacing: Spacing) -> Code {
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
        .map(|(pattern, value)| Element::from(seq([pattern, " => ".into(), value, ",".into()])))
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
    pub body: Vec<Element>,
}

impl Function {
    /// A function with no docs or attributes.
    pub(crate) fn new(
        head: impl Into<Code>,
        parameters: impl IntoIterator<Item = Code>,
        output: Option<Code>,
        body: Vec<Element>,
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

    /// The function with `docs` above it, as [`Element::with_docs`].
    pub(crate) fn with_docs(mut self, docs: impl Into<String>) -> Self {
        self.docs = docs.into();
        self
    }

    /// The function with an attribute added above it, as [`Element::with`].
    pub(crate) fn with(mut self, attribute: impl Into<Code>) -> Self {
        self.attributes.push(attribute.into());
        self
    }

    /// The function behind `gate`, as [`Element::gated`].
    pub(crate) fn gated(mut self, gate: Option<Code>) -> Self {
        self.attributes.splice(0..0, gate);
        self
    }
}

impl From<Function> for Element {
    fn from(function: Function) -> Self {
        let signature = call(function.head, function.parameters);
        let signature = match function.output {
            Some(output) => seq([signature, " -> ".into(), output]),
            None => signature,
        };
        Element {
            docs: function.docs,
            attributes: function.attributes,
            ..Element::from(body(signature, function.body))
        }
    }
}

/// Lines of plain statements, each as written.
pub(crate) fn statements<const N: usize>(lines: [&str; N]) -> Vec<Element> {
    lines
        .into_iter()
        .map(|line| Element::from(Code::from(line)))
        .collect()
}

/// A short method written out: its head (`fn fmt`), parameters, return type and statements.
pub(crate) fn short_fn(
    head: &str,
    parameters: &[&str],
    output: impl Into<Code>,
    body: &[&str],
) -> Element {
    let parameters = parameters.iter().map(|p| Code::from(*p));
    let body = body.iter().map(|l| Element::from(Code::from(*l))).collect();
    Function::new(head, parameters, Some(output.into()), body).into()
}
