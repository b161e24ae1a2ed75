//! What users of `#[alipayhk::endpoint]` see: the `pass` cases compile and run (one against
//! the local gateway over loopback), the `compile_fail` cases give the checked-in errors. The
//! `unverified` cases prove there is no way to reach a generated handler without the
//! signature check; the `semver` cases, that the generated enums can grow without breaking
//! anyone. (One `TestCases`, so trybuild builds its project once.)
//! Refresh the snapshots with `TRYBUILD=overwrite cargo test -p alipayhk-tests --test macros`.

#[test]
fn attribute_macros() {
    let cases = trybuild::TestCases::new();
    cases.pass("macros/pass/*.rs");
    cases.compile_fail("macros/fail/*.rs");
    cases.compile_fail("unverified/*.rs");
    cases.compile_fail("semver/*.rs");
}
