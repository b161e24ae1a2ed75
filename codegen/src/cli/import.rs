//! The `import` subcommand's output: the endpoint file, the lines it could not map (on
//! standard error, with their line numbers), and the differences `--diff` finds.

use std::path::Path;
use std::process::ExitCode;

use crate::Error;
use crate::import::{self, DiffError, ImportOptions, Place};

/// `update_pass.txt` → `update_pass`.
pub(crate) fn source_id(page: &Path) -> String {
    let stem = page
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let id: String = stem
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    if id.is_empty() { "page".to_owned() } else { id }
}

pub(crate) fn import(
    label: &str,
    text: &str,
    options: &ImportOptions,
    out: Option<&Path>,
) -> Result<ExitCode, Error> {
    let imported = match import::import(text, options) {
        Ok(imported) => imported,
        Err(error) => {
            eprintln!("{label}:{}: {}", error.line, error.message);
            return Ok(ExitCode::from(2));
        }
    };
    for gap in &imported.incomplete {
        eprintln!("{label}:{}: cut short: {}", gap.line, gap.missing);
    }
    for line in &imported.unmapped {
        eprintln!(
            "{label}:{}: not mapped ({}): {}",
            line.line, line.reason, line.text
        );
    }
    match out {
        Some(path) => {
            std::fs::write(path, &imported.yaml).map_err(|source| Error::Io {
                action: "writing",
                path: path.to_path_buf(),
                source,
            })?;
            eprintln!("wrote {}", path.display());
        }
        None => print!("{}", imported.yaml),
    }
    Ok(ExitCode::SUCCESS)
}

/// Prints each difference located in the page, the spec file or `api.yaml`; 1 when there is
/// one, 2 when either side cannot be read.
pub(crate) fn diff(label: &str, spec_file: &Path, text: &str, source: Option<&str>) -> ExitCode {
    let comparison = match import::diff(spec_file, text, source) {
        Ok(comparison) => comparison,
        Err(DiffError::Page(error)) => {
            eprintln!("{label}:{}: {}", error.line, error.message);
            return ExitCode::from(2);
        }
        Err(error) => {
            eprintln!("error: {error}");
            return ExitCode::from(2);
        }
    };
    for gap in &comparison.page.incomplete {
        eprintln!(
            "{label}:{}: cut short: {} (the spec's facts past it are not compared)",
            gap.line, gap.missing
        );
    }
    let api = spec_file
        .parent()
        .and_then(Path::parent)
        .map(|d| d.join("api.yaml"))
        .unwrap_or_default();
    for difference in &comparison.differences {
        let place = match difference.at {
            Place::Page(line) => format!("{label}:{line}"),
            Place::Spec(line) => format!("{}:{line}", spec_file.display()),
            Place::Api(line) => format!("{}:{line}", api.display()),
        };
        println!("{place}: {}", difference.message);
    }
    if comparison.differences.is_empty() {
        println!(
            "{} agrees with {label} (source `{}`) on every fact the page states",
            spec_file.display(),
            comparison.page_id
        );
        ExitCode::SUCCESS
    } else {
        eprintln!(
            "{} difference(s) between {} and {label}",
            comparison.differences.len(),
            spec_file.display()
        );
        ExitCode::FAILURE
    }
}
