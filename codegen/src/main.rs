//! `alipayhk-codegen`: regenerate, check or lint the client from `spec/`.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Generate the typed AlipayHK client from its YAML spec.
#[derive(Parser)]
#[command(version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Rewrite the generated crate's sources from the spec.
    Generate(Paths),
    /// Exit non-zero, listing the files that differ, when the generated sources are stale.
    Check(Paths),
    /// Check the spec only.
    Lint {
        /// The spec directory.
        #[arg(long, default_value = "spec")]
        spec: PathBuf,
    },
}

#[derive(clap::Args)]
struct Paths {
    /// The spec directory.
    #[arg(long, default_value = "spec")]
    spec: PathBuf,
    /// The directory of generated sources.
    #[arg(long, default_value = "generated/src")]
    out: PathBuf,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli.command) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::from(2)
        }
    }
}

fn run(command: Command) -> Result<ExitCode, alipayhk_codegen::CodegenError> {
    match command {
        Command::Generate(paths) => {
            let files = alipayhk_codegen::generate(&paths.spec)?;
            alipayhk_codegen::output::write(&paths.out, &files)?;
            println!("generated {} files in {}", files.len(), paths.out.display());
            Ok(ExitCode::SUCCESS)
        }
        Command::Check(paths) => {
            let files = alipayhk_codegen::generate(&paths.spec)?;
            let drift = alipayhk_codegen::output::check(&paths.out, &files)?;
            if drift.is_empty() {
                println!(
                    "{} is up to date with {}",
                    paths.out.display(),
                    paths.spec.display()
                );
                return Ok(ExitCode::SUCCESS);
            }
            for entry in &drift {
                println!("{entry}");
            }
            eprintln!(
                "generated sources are stale: run `cargo run -p alipayhk-codegen -- generate`"
            );
            Ok(ExitCode::FAILURE)
        }
        Command::Lint { spec } => {
            let api = alipayhk_codegen::load(&spec)?;
            println!(
                "{}: {} endpoints, {} shared types, no problems",
                spec.display(),
                api.endpoints.len(),
                api.shared_types.len()
            );
            Ok(ExitCode::SUCCESS)
        }
    }
}
