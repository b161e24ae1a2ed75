//! The `alipayhk-codegen` commands: generate, check, lint, import, expand, openapi.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::output::{self, Drift, features};
use crate::{EmitOptions, Error, GeneratedFiles, attribute, load, openapi};

mod import;

/// How many lines of a stale file's diff `check` prints before summing up the rest.
const DIFF_LINES: usize = 400;

/// A unified diff from the file on disk to what the spec generates, cut after `DIFF_LINES`.
fn print_diff(name: &str, on_disk: &str, generated: &str) {
    let diff = similar::TextDiff::from_lines(on_disk, generated)
        .unified_diff()
        .context_radius(3)
        .header(
            &format!("{name} (on disk)"),
            &format!("{name} (from the spec)"),
        )
        .to_string();
    let lines: Vec<&str> = diff.lines().collect();
    for line in lines.iter().take(DIFF_LINES) {
        println!("{line}");
    }
    if lines.len() > DIFF_LINES {
        println!("... {} more lines of diff", lines.len() - DIFF_LINES);
    }
}

/// The page's text, from a file or (`-`) standard input.
fn read_page_text(page: &std::path::Path) -> Result<String, Error> {
    let io = |source| Error::Io {
        action: "reading page",
        path: page.to_path_buf(),
        source,
    };
    if page.as_os_str() == "-" {
        let mut text = String::new();
        std::io::Read::read_to_string(&mut std::io::stdin(), &mut text).map_err(io)?;
        Ok(text)
    } else {
        std::fs::read_to_string(page).map_err(io)
    }
}

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
    /// Exit non-zero when the generated sources are stale, listing the files that differ with
    /// a unified diff of each.
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
    /// Read an AlipayHK API page (text form: spec/README.md, "Importing a page") and print
    /// its endpoint file; with `--diff SPEC_FILE`, list every difference between that endpoint
    /// file and the page instead, exiting 1 when there is one.
    Import {
        /// The page; `-` for standard input.
        page: PathBuf,
        /// Compare this endpoint file with the page instead of importing it.
        #[arg(long, value_name = "SPEC_FILE")]
        diff: Option<PathBuf>,
        /// The endpoint's name, when the page's path does not give it.
        #[arg(long)]
        name: Option<String>,
        /// The endpoint's path, when the page states none.
        #[arg(long)]
        path: Option<String>,
        /// The page's id in api.yaml's `sources:` (default: the file's name; with --diff, the
        /// source whose URL is the spec file's `docs_url`).
        #[arg(long)]
        source: Option<String>,
        /// The page's address.
        #[arg(long)]
        url: Option<String>,
        /// The endpoint group (api.yaml's `groups`); the API's default group when absent.
        #[arg(long)]
        group: Option<String>,
        /// Write the endpoint file here instead of standard output.
        #[arg(long)]
        out: Option<PathBuf>,
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

/// Parses the command line and runs the command.
pub(crate) fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli.command) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::from(2)
        }
    }
}

/// The source files, the manifest's group-feature block, and whether the spec has groups.
fn generate(spec: &std::path::Path) -> Result<(GeneratedFiles, String, bool), Error> {
    let api = load(spec)?;
    let files = crate::emit::generate(&api, &EmitOptions::runtime_crate());
    Ok((
        files,
        features::features_block(&api),
        !api.groups.is_empty(),
    ))
}

fn run(command: Command) -> Result<ExitCode, Error> {
    match command {
        Command::Generate(paths) => {
            let (files, features, has_groups) = generate(&paths.spec)?;
            output::write(&paths.out, &files)?;
            features::write_features(&paths.out, &features, has_groups)?;
            println!("generated {} files in {}", files.len(), paths.out.display());
            Ok(ExitCode::SUCCESS)
        }
        Command::Check(paths) => {
            let (files, features, has_groups) = generate(&paths.spec)?;
            let drift = output::check(&paths.out, &files)?;
            let manifest = features::features_drift(&paths.out, &features, has_groups)?;
            if let Some((on_disk, wanted)) = &manifest {
                println!(
                    "differs: {} (the group features)",
                    features::manifest_of(&paths.out).display()
                );
                print_diff("Cargo.toml", on_disk, wanted);
            }
            if drift.is_empty() && manifest.is_none() {
                println!(
                    "{} is up to date with {}",
                    paths.out.display(),
                    paths.spec.display()
                );
                return Ok(ExitCode::SUCCESS);
            }
            for entry in &drift {
                println!("{entry}");
                if let Drift::Changed(name) = entry {
                    let on_disk = std::fs::read_to_string(paths.out.join(name)).unwrap_or_default();
                    print_diff(name, &on_disk, &files[name]);
                }
            }
            eprintln!(
                "generated sources are stale: run `cargo run -p alipayhk-codegen -- generate`"
            );
            Ok(ExitCode::FAILURE)
        }
        Command::Openapi { spec, out } => {
            let api = load(&spec)?;
            let document = openapi::document(&api);
            let mut text = serde_json::to_string_pretty(&document).unwrap_or_default();
            text.push('\n');
            match out {
                Some(path) => {
                    std::fs::write(&path, text).map_err(|source| Error::Io {
                        action: "writing",
                        path: path.clone(),
                        source,
                    })?;
                    println!("wrote {}", path.display());
                }
                None => print!("{text}"),
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Expand { file } => {
            let source = std::fs::read_to_string(&file).map_err(|source| Error::Io {
                action: "reading",
                path: file.clone(),
                source,
            })?;
            let parsed = syn::parse_file(&source).map_err(|e| Error::InvalidOutput {
                file: file.display().to_string(),
                message: e.to_string(),
            })?;
            let expanded = attribute::expand_file(parsed);
            print!("{}", prettyplease::unparse(&expanded));
            Ok(ExitCode::SUCCESS)
        }
        Command::Import {
            page,
            diff,
            name,
            path,
            source,
            url,
            group,
            out,
        } => {
            let text = read_page_text(&page)?;
            let label = page.display().to_string();
            match diff {
                Some(spec_file) => Ok(import::diff(&label, &spec_file, &text, source.as_deref())),
                None => {
                    let options = crate::import::ImportOptions {
                        name,
                        path,
                        source_id: source.unwrap_or_else(|| import::source_id(&page)),
                        url,
                        group,
                    };
                    import::import(&label, &text, &options, out.as_deref())
                }
            }
        }
        Command::Lint { spec } => {
            let api = load(&spec)?;
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
