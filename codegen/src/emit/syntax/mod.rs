//! The syntax model emitters describe code in, and the printer that lays it out as text.

pub(crate) mod code;
pub(crate) mod docs;
pub(crate) mod lexical;
pub(crate) mod printer;
pub(crate) mod shapes;

pub(crate) use code::{Code, Element};
pub(crate) use shapes::{
    Function, body, call, generic, item_block, list, match_on, seq, short_fn, statements,
    struct_literal,
};
