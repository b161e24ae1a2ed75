//! A merchant's own endpoints, generated at build time from `spec/` by `build.rs` against the
//! published `alipayhk` crate: the same typed requests, `validate()` and `Endpoint` as the
//! official ones, sent with `alipayhk::runtime::Client`.

// At the crate root: the generated modules name each other with `super::`, and their docs'
// examples name this crate's root.
include!(concat!(env!("OUT_DIR"), "/alipayhk_spec.rs"));
