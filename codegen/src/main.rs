//! `alipayhk-codegen`: regenerate, check or lint the client from `spec/`, import a page,
//! expand an attribute, export OpenAPI. The commands are in `cli/`.

use std::process::ExitCode;

mod cli;

/// See the `cli` feature in Cargo.toml: the generator spends a third of its time allocating.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    cli::main()
}
