//! Positions for the attribute front door: the model reports mistakes at a [`Position`], and
//! here a position is a number standing for the span of the token it came from.

use proc_macro2::Span;

use crate::document::raw::{Located, Position};

/// The spans of every token the front door turned into a located value.
#[derive(Default)]
pub(super) struct Spans(Vec<Span>);

impl Spans {
    /// `value`, located at `span`.
    pub(super) fn locate<T>(&mut self, value: T, span: Span) -> Located<T> {
        self.0.push(span);
        Located::new(
            value,
            Position {
                line: self.0.len() as u32,
                column: 0,
            },
        )
    }

    /// The span a reported position stands for.
    pub(super) fn span(&self, position: u32) -> Span {
        position
            .checked_sub(1)
            .and_then(|i| self.0.get(i as usize))
            .copied()
            .unwrap_or_else(Span::call_site)
    }
}
