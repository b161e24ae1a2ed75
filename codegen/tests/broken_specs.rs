//! Every broken spec under `tests/broken/` fails with the message in its `expected.txt`,
//! located at file:line:column, and nothing panics.
//!
//! A case is a directory holding `endpoints/*.yaml` and, when the mistake is API-wide, its own
//! `api.yaml`; the others share `base_api.yaml`. Set `BLESS=1` to write missing `expected.txt`
//! files (then read them before committing).

use std::fs;
use std::path::{Path, PathBuf};

fn cases() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/broken");
    let mut cases: Vec<PathBuf> = fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    cases.sort();
    cases
}

/// Lays the case out as a spec directory and returns the generator's spec errors, one a line,
/// with the temporary directory replaced by `<spec>`.
fn errors_of(case: &Path) -> String {
    let dir = tempfile::tempdir().unwrap();
    let api = case.join("api.yaml");
    let api = if api.exists() {
        api
    } else {
        case.parent().unwrap().join("base_api.yaml")
    };
    fs::copy(api, dir.path().join("api.yaml")).unwrap();
    fs::create_dir(dir.path().join("endpoints")).unwrap();
    for entry in fs::read_dir(case.join("endpoints")).unwrap() {
        let path = entry.unwrap().path();
        fs::copy(
            &path,
            dir.path().join("endpoints").join(path.file_name().unwrap()),
        )
        .unwrap();
    }
    let result = std::panic::catch_unwind(|| alipayhk_codegen::generate(dir.path()));
    let outcome = result.unwrap_or_else(|_| panic!("{}: the loader panicked", case.display()));
    let error = outcome
        .err()
        .unwrap_or_else(|| panic!("{}: the broken spec was accepted", case.display()));
    let shown = error.to_string();
    let text = match error {
        alipayhk_codegen::Error::Spec(errors) => {
            let lines: Vec<String> = errors.iter().map(ToString::to_string).collect();
            let text = lines.join("\n");
            assert_eq!(
                shown,
                format!("invalid spec:\n{text}"),
                "{}",
                case.display()
            );
            text
        }
        other => panic!("{}: expected spec errors, got {other}", case.display()),
    };
    text.replace(&format!("{}/", dir.path().display()), "<spec>/")
}

#[test]
fn every_broken_spec_reports_its_mistake_at_its_line() {
    let cases = cases();
    assert!(
        cases.len() >= 12,
        "the corpus must hold at least 12 broken specs"
    );
    let bless = std::env::var_os("BLESS").is_some();
    let mut failures = Vec::new();
    for case in cases {
        let actual = errors_of(&case);
        for line in actual.lines() {
            let location = line.split(": ").next().unwrap();
            let numbers: Vec<&str> = location.rsplitn(3, ':').take(2).collect();
            assert!(
                numbers
                    .iter()
                    .all(|n| n.parse::<u32>().is_ok_and(|n| n > 0)),
                "{}: `{line}` has no file:line:column",
                case.display()
            );
        }
        let expected_path = case.join("expected.txt");
        match fs::read_to_string(&expected_path) {
            Ok(expected) if expected.trim_end() == actual.trim_end() => {}
            Ok(expected) => failures.push(format!(
                "{}:\n  expected: {}\n  actual:   {}",
                case.display(),
                expected.trim_end(),
                actual.trim_end()
            )),
            Err(_) if bless => fs::write(&expected_path, format!("{actual}\n")).unwrap(),
            Err(_) => failures.push(format!(
                "{}: no expected.txt (run with BLESS=1)",
                case.display()
            )),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
