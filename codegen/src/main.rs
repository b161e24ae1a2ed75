//! `alipayhk-codegen`: regenerate, check or lint the client from `spec/`, import a page,
//! expand an attribute, export OpenAPI. The commands are in the library's `cli/`, behind the
//! `cli` feature.

fn main() -> std::process::ExitCode {
    alipayhk_codegen::__private::cli_main()
}
