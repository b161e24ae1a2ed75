//! Lays the syntax model out as text, by one rule:
//!
//! A line (an item, a field, a statement, an arm, an attribute, or an element of a broken
//! list) is printed on one line if it fits in the width (`EmitOptions::width`, 100 columns by default), counting up to the `{` of its
//! first block, since a block's lines always go on lines of their own. If it does not fit, its
//! first list on that line is broken: the opening delimiter ends the line, each element goes
//! on a line of its own, [`INDENT`] columns deeper and followed by a comma, and the closing
//! delimiter starts a line at the first line's indentation, followed by the rest, which is
//! laid out by the same rule (as is each element). A line with no list to break stays as it
//! is, however long.
//!
//! An attribute follows rustfmt, since `cargo fmt` formats the crate root: its broken lists
//! take no comma after their last element, and a list of one call breaks that call's list
//! (`#[cfg(any(` … `))]`).
//!
//! Items with docs, attributes or a block are set apart by blank lines (see [`Spacing`]).

use super::code::{Block, Code, Delimiter, Element, List, Spacing};
use super::docs;

/// How much deeper a block's lines and a broken list's elements go.
pub(crate) const INDENT: usize = 4;

/// Prints a file's lines: its inner docs (`//!`), then its items.
pub(crate) fn file(inner_docs: &str, items: &[Element], width: usize) -> String {
    let mut printer = Printer::new(width);
    for line in docs::lines(inner_docs) {
        printer.out.push_str("//!");
        printer.out.push_str(&line);
        printer.out.push('\n');
    }
    if !inner_docs.is_empty() && !items.is_empty() {
        printer.out.push('\n');
    }
    printer.lines(items, Spacing::Items, 0);
    printer.out
}

/// Prints items at a file's top level, without inner docs.
pub(crate) fn top_level(items: &[Element], width: usize) -> String {
    file("", items, width)
}

/// `code` as text that is never broken, for a piece a line should break around rather than
/// inside, such as a type before ` = `. `code` holds no block.
pub(crate) fn unbroken(code: &Code) -> Code {
    let mut printer = Printer::new(usize::MAX);
    printer.flat(code, 0);
    Code::Text(printer.out)
}

struct Printer {
    out: String,
    width: usize,
    /// Characters since the last line break.
    column: usize,
    /// Printing an attribute, which rustfmt lays out its own way (see [`Printer::attribute`]).
    in_attribute: bool,
}

impl Printer {
    fn new(width: usize) -> Self {
        Self {
            out: String::with_capacity(16 * 1024),
            width,
            column: 0,
            in_attribute: false,
        }
    }

    fn push(&mut self, text: &str) {
        self.out.push_str(text);
        self.column += text.chars().count();
    }

    fn newline(&mut self) {
        self.out.push('\n');
        self.column = 0;
    }

    fn pad(&mut self, indent: usize) {
        for _ in 0..indent {
            self.out.push(' ');
        }
        self.column = indent;
    }

    fn lines(&mut self, lines: &[Element], spacing: Spacing, indent: usize) {
        let mut previous: Option<&Element> = None;
        for line in lines {
            let blank = *line == Element::blank();
            if let Some(previous) = previous
                && spacing == Spacing::Items
                && !blank
                && *previous != Element::blank()
                && !(previous.is_plain() && line.is_plain())
            {
                self.newline();
            }
            if blank {
                self.newline();
            } else {
                self.line(line, indent);
            }
            previous = Some(line);
        }
    }

    fn line(&mut self, line: &Element, indent: usize) {
        for comment in &line.comments {
            self.pad(indent);
            self.push("// ");
            self.push(comment);
            self.newline();
        }
        for doc in docs::lines(&line.docs) {
            self.pad(indent);
            self.out.push_str("///");
            self.out.push_str(&doc);
            self.newline();
        }
        for attribute in &line.attributes {
            self.pad(indent);
            self.push("#[");
            self.attribute(attribute, indent);
            self.push("]");
            self.newline();
        }
        self.pad(indent);
        self.code(&line.code, indent, 0);
        self.newline();
    }

    /// An attribute's inside, laid out as rustfmt does, since a crate root (which `cargo fmt`
    /// formats) holds attributes too: a broken list's last element takes no comma, and a list
    /// of one call breaks that call's list instead (`cfg(any(` … `))`).
    fn attribute(&mut self, code: &Code, indent: usize) {
        self.in_attribute = true;
        self.code(code, indent, 1);
        self.in_attribute = false;
    }

    /// Prints `code` on the current line at `indent`, followed by `suffix` columns of text
    /// the caller adds.
    fn code(&mut self, code: &Code, indent: usize, suffix: usize) {
        let mut pieces = Vec::new();
        flatten(code, &mut pieces);
        self.pieces(&pieces, indent, suffix);
    }

    fn pieces(&mut self, pieces: &[&Code], indent: usize, suffix: usize) {
        let (width, breaks) = measure(pieces.iter().copied());
        let suffix = if breaks { 0 } else { suffix };
        if self.column + width + suffix <= self.width {
            for piece in pieces {
                self.flat(piece, indent);
            }
            return;
        }
        // The first list before the line ends at a block, if there is one to break.
        let first_list = pieces
            .iter()
            .take_while(|piece| !matches!(piece, Code::Block(_)))
            .position(|piece| matches!(piece, Code::List(list) if !list.items.is_empty()));
        let Some(at) = first_list else {
            for piece in pieces {
                self.flat(piece, indent);
            }
            return;
        };
        for piece in &pieces[..at] {
            self.flat(piece, indent);
        }
        if let Code::List(list) = pieces[at] {
            match list.items.as_slice() {
                // rustfmt's overflow: `outer(inner(`, the inner list broken, `))`.
                [only] if self.in_attribute && ends_in_list(only) => {
                    let (open, close) = list.delimiter.pair();
                    self.push(open);
                    let mut inner = Vec::new();
                    flatten(only, &mut inner);
                    self.pieces(&inner, indent, suffix + close.len());
                    self.push(close);
                }
                _ => self.broken(list, indent),
            }
        }
        self.pieces(&pieces[at + 1..], indent, suffix);
    }

    /// Prints `code` without breaking its lists; its blocks still take lines of their own.
    fn flat(&mut self, code: &Code, indent: usize) {
        match code {
            Code::Text(text) => self.push(text),
            Code::Seq(pieces) => {
                for piece in pieces {
                    self.flat(piece, indent);
                }
            }
            Code::List(list) => {
                let (open, close) = list.delimiter.pair();
                let spaced = list.delimiter == Delimiter::Brace && !list.items.is_empty();
                self.push(open);
                if spaced {
                    self.push(" ");
                }
                for (index, item) in list.items.iter().enumerate() {
                    if index > 0 {
                        self.push(", ");
                    }
                    self.flat(item, indent);
                }
                if spaced {
                    self.push(" ");
                }
                self.push(close);
            }
            Code::Block(block) => self.block(block, indent),
        }
    }

    fn broken(&mut self, list: &List, indent: usize) {
        let (open, close) = list.delimiter.pair();
        self.push(open);
        self.newline();
        for (index, item) in list.items.iter().enumerate() {
            self.pad(indent + INDENT);
            self.code(item, indent + INDENT, 1);
            if !(self.in_attribute && index + 1 == list.items.len()) {
                self.push(",");
            }
            self.newline();
        }
        self.pad(indent);
        self.push(close);
    }

    fn block(&mut self, block: &Block, indent: usize) {
        if block.lines.is_empty() {
            self.push("{}");
            return;
        }
        self.push("{");
        self.newline();
        self.lines(&block.lines, block.spacing, indent + INDENT);
        self.pad(indent);
        self.push("}");
    }
}

/// Whether `code` ends in a list: a call, whose list an overflow can break.
fn ends_in_list(code: &Code) -> bool {
    let mut pieces = Vec::new();
    flatten(code, &mut pieces);
    matches!(pieces.last(), Some(Code::List(list)) if !list.items.is_empty())
}

/// `code` as the pieces printed one after another: texts, lists and blocks.
fn flatten<'a>(code: &'a Code, pieces: &mut Vec<&'a Code>) {
    match code {
        Code::Seq(inner) => inner.iter().for_each(|piece| flatten(piece, pieces)),
        other => pieces.push(other),
    }
}

/// The width of `pieces` on one line, up to and including the `{` of the first block, and
/// whether a block ends the line there.
fn measure<'a>(pieces: impl IntoIterator<Item = &'a Code>) -> (usize, bool) {
    let mut width = 0;
    for piece in pieces {
        let (more, breaks) = match piece {
            Code::Text(text) => (text.chars().count(), false),
            Code::Seq(inner) => measure(inner),
            Code::List(list) => measure_list(list),
            Code::Block(_) => (1, true),
        };
        width += more;
        if breaks {
            return (width, true);
        }
    }
    (width, false)
}

fn measure_list(list: &List) -> (usize, bool) {
    let spaced = list.delimiter == Delimiter::Brace && !list.items.is_empty();
    let mut width = 1 + if spaced { 1 } else { 0 };
    for (index, item) in list.items.iter().enumerate() {
        if index > 0 {
            width += 2;
        }
        let (more, breaks) = measure([item]);
        width += more;
        if breaks {
            return (width, true);
        }
    }
    (width + 1 + if spaced { 1 } else { 0 }, false)
}
