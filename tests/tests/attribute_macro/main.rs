//! What users of `#[alipayhk::endpoint]`, `#[alipayhk::object]` and `#[alipayhk::response]`
//! write, compiled the way they compile it: from outside the `alipayhk` crate, through its
//! `macros` feature. Each module is one declaration and the test that uses it; one of them
//! calls the local gateway over 127.0.0.1. The declarations that must not compile are the
//! trybuild cases of `tests/compile-fail`.

mod against_local_gateway;
mod conditional_rules;
mod head_body;
mod nested_object;
mod plain_serde_response;
#[path = "../support/mod.rs"]
mod support;
mod update_pass;
mod wire_names_and_values;

// The updatePass mirror names shared types `super::types::…`, as the generated crate does,
// so `codegen/src/tests/macro_equivalence.rs` can compare the two expansions item for item.
use update_pass::types;
