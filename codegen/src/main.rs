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
    /// Write the spec as an OpenAPI 3.1 document (JSON).
    Openapi {
        /// The spec directory.
        #[arg(long, default_value = "spec")]
        spec: PathBuf,
        /// Where to write it; standard output when absent.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Print a Rust file with its `#[alipayhk::...]` attributes expanded.
    Expand {
        /// The Rust source file.
        file: PathBuf,
    },
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
        Command::Openapi { spec, out } => {
            let api = alipayhk_codegen::load(&spec)?;
            let document = alipayhk_codegen::openapi::document(&api);
            let mut text = serde_json::to_string_pretty(&document).unwrap_or_default();
            text.push('\n');
            match out {
                Some(path) => {
                    std::fs::write(&path, text).map_err(|source| {
                        alipayhk_codegen::CodegenError::Io {
                            action: "writing",
                            path: path.clone(),
                            source,
                        }
                    })?;
                    println!("wrote {}", path.display());
                }
                None => print!("{text}"),
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Expand { file } => {
            let source = std::fs::read_to_string(&file).map_err(|source| {
                alipayhk_codegen::CodegenError::Io {
                    action: "reading",
                    path: file.clone(),
                    source,
                }
            })?;
            let parsed = syn::parse_file(&source).map_err(|e| {
                alipayhk_codegen::CodegenError::InvalidOutput {
                    file: file.display().to_string(),
                    message: e.to_string(),
                }
            })?;
            let options = alipayhk_codegen::emit::EmitOptions {
                runtime: alipayhk_codegen::emit::runtime_path("::alipayhk::runtime"),
                serde_crate: Some("::alipayhk::runtime::serde".to_owned()),
            };
            let expanded = alipayhk_codegen::attribute::expand_file(parsed, &options);
            print!("{}", prettyplease::unparse(&expanded));
            Ok(ExitCode::SUCCESS)
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
