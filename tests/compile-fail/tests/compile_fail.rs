//! Runs every case under `attribute/`, `unverified/` and `semver/` and compares the compiler's
//! errors with the `.stderr` beside it. One `TestCases`, so trybuild checks its project once.
//! Refresh the snapshots with `TRYBUILD=overwrite cargo test -p alipayhk-compile-fail`.
//!
//! The cases that must compile and run are ordinary tests (`tests/tests/attribute_macro/`):
//! with none here, trybuild only type-checks, which keeps its second dependency build small.

#[test]
fn programs_that_must_not_compile() {
    let cases = trybuild::TestCases::new();
    cases.compile_fail("attribute/*.rs");
    cases.compile_fail("unverified/*.rs");
    cases.compile_fail("semver/*.rs");
}
