//! Reads the spec directory: `api.yaml` plus one file per endpoint under `endpoints/`.

use std::fs;
use std::path::Path;

use serde::de::DeserializeOwned;
use sha2::{Digest, Sha256};

use super::raw::{ApiDocument, EndpointDocument};
use super::{SourceFile, SpecSources};
use crate::error::{Error, SpecError, SpecErrors};

/// Reads and parses every spec file under `dir`, reporting every file's YAML mistakes at once.
pub(crate) fn load_dir(dir: &Path) -> Result<SpecSources, Error> {
    let api_path = dir.join("api.yaml");
    let endpoints_dir = dir.join("endpoints");
    let mut endpoint_paths = Vec::new();
    let entries = fs::read_dir(&endpoints_dir).map_err(|source| Error::Io {
        action: "reading spec directory",
        path: endpoints_dir.clone(),
        source,
    })?;
    for entry in entries {
        let path = entry
            .map_err(|source| Error::Io {
                action: "reading spec directory",
                path: endpoints_dir.clone(),
                source,
            })?
            .path();
        if matches!(
            path.extension().and_then(|e| e.to_str()),
            Some("yaml" | "yml")
        ) {
            endpoint_paths.push(path);
        }
    }
    endpoint_paths.sort();

    let mut errors = Vec::new();
    let api = parse_file::<ApiDocument>(dir, &api_path, &mut errors)?;
    let mut endpoints = Vec::new();
    for path in &endpoint_paths {
        endpoints.extend(parse_file::<EndpointDocument>(dir, path, &mut errors)?);
    }
    match api {
        Some(api) if errors.is_empty() => Ok(SpecSources { api, endpoints }),
        _ => Err(SpecErrors(errors).into()),
    }
}

fn parse_file<T: DeserializeOwned>(
    root: &Path,
    path: &Path,
    errors: &mut Vec<SpecError>,
) -> Result<Option<(SourceFile, T)>, Error> {
    let bytes = fs::read(path).map_err(|source| Error::Io {
        action: "reading spec file",
        path: path.to_path_buf(),
        source,
    })?;
    let relative = path
        .strip_prefix(root)
        .unwrap_or(path)
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/");
    let source = SourceFile {
        path: path.to_path_buf(),
        relative,
        sha256: hex(&Sha256::digest(&bytes)),
    };
    let Ok(text) = std::str::from_utf8(&bytes) else {
        errors.push(SpecError {
            file: path.to_path_buf(),
            line: 0,
            column: 0,
            field: String::new(),
            message: "spec files must be UTF-8".into(),
        });
        return Ok(None);
    };
    match serde_saphyr::from_str::<T>(text) {
        Ok(doc) => Ok(Some((source, doc))),
        Err(error) => {
            let (line, column) = error
                .location()
                .map_or((0, 0), |loc| (loc.line() as u32, loc.column() as u32));
            errors.push(SpecError {
                file: path.to_path_buf(),
                line,
                column,
                field: String::new(),
                message: first_line(&error.without_snippet().to_string()),
            });
            Ok(None)
        }
    }
}

/// The parser's message without its own location suffix, which our prefix already gives.
fn first_line(message: &str) -> String {
    let line = message.lines().next().unwrap_or(message).trim();
    match line.rfind(" at line ") {
        Some(at) => line[..at].to_owned(),
        None => line.to_owned(),
    }
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut out, b| {
            let _ = write!(out, "{b:02x}");
            out
        })
}
