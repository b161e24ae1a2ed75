//! Tests of the alipayhk workspace live in `tests/`; this library is empty.
