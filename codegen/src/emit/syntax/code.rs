//! The syntax model: what an emitter says it emits, before any layout.
//!
//! A file is [`Element`]s. A line is an item, a field, a statement or a match arm: its comments,
//! docs and attributes, then its [`Code`]. Code is text that is never broken, [`List`]s that
//! break one element per line when a line does not fit, and [`Block`]s, which always put
//! their lines on lines of their own. The printer (`printer.rs`) decides the layout; nothing
//! here knows about widths.

/// A piece of Rust code.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Code {
    /// Text printed as it is, never broken: a name, a path, a short call, an operator.
    Text(String),
    /// Pieces printed one after another.
    Seq(Vec<Code>),
    /// A delimited, comma-separated list.
    List(List),
    /// A brace block of lines.
    Block(Block),
}

/// A comma-separated list between delimiters: a call's arguments, a function's parameters,
/// generic arguments, an array, a struct literal's fields, an attribute's arguments.
///
/// There is no tuple here, and a parenthesized expression is never a list: a list that
/// breaks gets a trailing comma, which would turn `(x)` into a one-element tuple.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct List {
    pub delimiter: Delimiter,
    pub items: Vec<Code>,
}

/// What a [`List`] is enclosed in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Delimiter {
    /// `(a, b)`
    Parenthesis,
    /// `<A, B>`
    Angle,
    /// `[a, b]`
    Bracket,
    /// `{ a, b }`: a struct literal or pattern, spaced inside when on one line.
    Brace,
}

impl Delimiter {
    /// The opening and closing text.
    pub(crate) fn pair(self) -> (&'static str, &'static str) {
        match self {
            Self::Parenthesis => ("(", ")"),
            Self::Angle => ("<", ">"),
            Self::Bracket => ("[", "]"),
            Self::Brace => ("{", "}"),
        }
    }
}

/// `{`, lines, `}`.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Block {
    pub lines: Vec<Element>,
    pub spacing: Spacing,
}

/// Whether a block's lines are set apart by blank lines.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Spacing {
    /// Items (of a file, an `impl`, a trait): a blank line before and after any line with
    /// docs, attributes or a block, so runs of plain one-line items (`use`, `const`) stay
    /// together.
    Items,
    /// Statements, fields, variants and arms: no blank lines.
    Tight,
}

/// An item, field, variant, statement or arm, with what goes on the lines above it.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Element {
    /// `//` comments, each a line of text: why the line is as it is.
    pub comments: Vec<String>,
    /// The doc comment's text; empty for none.
    pub docs: String,
    /// Each outer attribute's inside, such as `derive(Debug, Clone)`.
    pub attributes: Vec<Code>,
    /// The line itself, with its own `;` or `,`.
    pub code: Code,
}

impl Default for Code {
    fn default() -> Self {
        Self::Text(String::new())
    }
}

impl From<&str> for Code {
    fn from(text: &str) -> Self {
        Self::Text(text.to_owned())
    }
}

impl From<String> for Code {
    fn from(text: String) -> Self {
        Self::Text(text)
    }
}

impl From<Code> for Element {
    fn from(code: Code) -> Self {
        Self {
            code,
            ..Self::default()
        }
    }
}

impl Code {
    /// Whether the code holds a block, and so always takes more than one line.
    pub(crate) fn has_block(&self) -> bool {
        match self {
            Self::Text(_) => false,
            Self::Seq(pieces) => pieces.iter().any(Self::has_block),
            Self::List(list) => list.items.iter().any(Self::has_block),
            Self::Block(_) => true,
        }
    }
}

impl Element {
    /// The line with `docs` above it.
    pub(crate) fn documented(docs: impl Into<String>, code: impl Into<Code>) -> Self {
        Self {
            docs: docs.into(),
            code: code.into(),
            ..Self::default()
        }
    }

    /// The element with `docs` above it, in place of any it had.
    pub(crate) fn with_docs(mut self, docs: impl Into<String>) -> Self {
        self.docs = docs.into();
        self
    }

    /// The element behind `gate` (a `cfg`), if there is one: first among its attributes,
    /// where a reader looks for it. A blank element stays blank.
    pub(crate) fn gated(mut self, gate: Option<Code>) -> Self {
        if let Some(gate) = gate.filter(|_| self != Self::blank()) {
            self.attributes.insert(0, gate);
        }
        self
    }

    /// The element with an attribute added above it.
    pub(crate) fn with(mut self, attribute: impl Into<Code>) -> Self {
        self.attributes.push(attribute.into());
        self
    }

    /// The line with attributes added above it.
    pub(crate) fn with_all(mut self, attributes: impl IntoIterator<Item = Code>) -> Self {
        self.attributes.extend(attributes);
        self
    }

    /// The line with a `//` comment above it.
    pub(crate) fn commented(mut self, comment: &str) -> Self {
        self.comments.extend(comment.lines().map(str::to_owned));
        self
    }

    /// A blank line, where items a block would run together belong apart.
    pub(crate) fn blank() -> Self {
        Self::default()
    }

    /// Whether the line is one plain line: no comments, docs, attributes or block.
    pub(crate) fn is_plain(&self) -> bool {
        self.comments.is_empty()
            && self.docs.is_empty()
            && self.attributes.is_empty()
            && !self.code.has_block()
    }
}

/// A generated file: its inner docs and its items.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct File {
    /// The module's docs (`//!`).
    pub docs: String,
    /// The items, in order.
    pub items: Vec<Element>,
}
