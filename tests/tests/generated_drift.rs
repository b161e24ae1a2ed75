//! The checked-in generated crates are exactly what their specs produce (snapshot and drift),
//! generation is deterministic, and `check` notices any spec edit.

use std::fs;
use std::path::{Path, PathBuf};

use alipayhk_codegen::{Drift, GeneratedFiles};

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// The two spec → crate pairs: the product, and the kitchen-sink fixture.
fn pairs() -> [(PathBuf, PathBuf); 2] {
    let root = workspace();
    [
        (root.join("spec"), root.join("generated/src")),
        (
            root.join("tests/kitchen-sink/spec"),
            root.join("tests/kitchen-sink/src"),
        ),
    ]
}

fn diff_report(out: &Path, files: &GeneratedFiles, drift: &[Drift]) -> String {
    let mut report = String::new();
    for entry in drift {
        report.push_str(&format!("{entry}\n"));
        if let Drift::Changed(name) = entry {
            let on_disk = fs::read_to_string(out.join(name)).unwrap();
            let diff = similar::TextDiff::from_lines(on_disk.as_str(), files[name].as_str());
            report.push_str(
                &diff
                    .unified_diff()
                    .context_radius(2)
                    .header("checked in", "generated")
                    .to_string(),
            );
        }
    }
    report.push_str(
        "run `cargo run -p alipayhk-codegen -- generate` (add --spec/--out for the fixture)",
    );
    report
}

#[test]
fn checked_in_sources_match_their_specs() {
    for (spec, out) in pairs() {
        let files = alipayhk_codegen::generate(&spec).unwrap();
        let drift = alipayhk_codegen::check(&out, &files).unwrap();
        assert!(
            drift.is_empty(),
            "{} is stale:\n{}",
            out.display(),
            diff_report(&out, &files, &drift)
        );
    }
}

#[test]
fn generating_twice_gives_identical_bytes() {
    for (spec, _) in pairs() {
        assert_eq!(
            alipayhk_codegen::generate(&spec).unwrap(),
            alipayhk_codegen::generate(&spec).unwrap()
        );
    }
}

#[test]
fn regenerating_into_an_empty_directory_restores_every_file_byte_for_byte() {
    let (spec, out) = &pairs()[0];
    let fresh = tempfile::tempdir().unwrap();
    alipayhk_codegen::write(fresh.path(), &alipayhk_codegen::generate(spec).unwrap()).unwrap();
    let mut names: Vec<_> = fs::read_dir(out)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    names.sort();
    let mut regenerated: Vec<_> = fs::read_dir(fresh.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    regenerated.sort();
    assert_eq!(names, regenerated);
    for name in names {
        assert_eq!(
            fs::read(out.join(&name)).unwrap(),
            fs::read(fresh.path().join(&name)).unwrap(),
            "{name:?}"
        );
    }
}

/// Copies the product spec into a temporary directory.
fn spec_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let spec = workspace().join("spec");
    fs::create_dir(dir.path().join("endpoints")).unwrap();
    fs::copy(spec.join("api.yaml"), dir.path().join("api.yaml")).unwrap();
    for entry in fs::read_dir(spec.join("endpoints")).unwrap() {
        let path = entry.unwrap().path();
        fs::copy(
            &path,
            dir.path().join("endpoints").join(path.file_name().unwrap()),
        )
        .unwrap();
    }
    dir
}

#[test]
fn check_reports_drift_after_any_spec_edit() {
    let out = workspace().join("generated/src");
    let copy = spec_copy();
    let file = copy.path().join("endpoints/update_pass.yaml");
    // Even an edit to a comment changes the recorded SHA-256, so the file is reported.
    let text = fs::read_to_string(&file).unwrap();
    fs::write(&file, format!("{text}# an added comment\n")).unwrap();
    let drift =
        alipayhk_codegen::check(&out, &alipayhk_codegen::generate(copy.path()).unwrap()).unwrap();
    assert_eq!(
        drift,
        vec![
            Drift::Changed("lib.rs".into()),
            // The server and webhooks modules route every endpoint, so they name every spec file.
            Drift::Changed("platform.rs".into()),
            Drift::Changed("update_pass.rs".into()),
            Drift::Changed("webhooks.rs".into()),
        ]
    );
}

#[test]
fn a_new_field_changes_only_the_affected_items() {
    let out = workspace().join("generated/src");
    let copy = spec_copy();
    let file = copy.path().join("endpoints/update_pass.yaml");
    let text = fs::read_to_string(&file).unwrap().replace(
        "      - name: codeInfo\n",
        "      - name: memo\n        inferred: \"a test field\"\n        type: timestamp\n        description: A note.\n      - name: codeInfo\n",
    );
    fs::write(&file, text).unwrap();
    let files = alipayhk_codegen::generate(copy.path()).unwrap();
    let before = fs::read_to_string(out.join("update_pass.rs")).unwrap();
    let diff = similar::TextDiff::from_lines(before.as_str(), files["update_pass.rs"].as_str());
    let lines = |tag| -> Vec<String> {
        diff.iter_all_changes()
            .filter(|c| c.tag() == tag)
            .map(|c| c.value().trim_end().to_owned())
            .collect()
    };
    let removed = lines(similar::ChangeTag::Delete);
    let added = lines(similar::ChangeTag::Insert);
    assert_eq!(
        removed.len(),
        1,
        "only the source hash line may change: {removed:#?}"
    );
    assert!(removed[0].starts_with("// Source: spec/endpoints/update_pass.yaml"));
    // The field (docs, serde attribute, declaration), its `None` initializer and its setter.
    let expected_added = [
        "// Source: spec/endpoints/update_pass.yaml",
        "    /// A note.",
        "    ///",
        "    /// Wire name `memo`; optional; milliseconds since the Unix epoch.",
        "    /// Inferred: a test field.",
        "    #[serde(default, skip_serializing_if = \"Option::is_none\")]",
        "    pub memo: Option<alipayhk_runtime::EpochMillis>,",
        "            memo: None,",
        "    /// Sets `memo`.",
        "    #[must_use]",
        "    pub fn memo(mut self, memo: alipayhk_runtime::EpochMillis) -> Self {",
        "        self.memo = Some(memo);",
        "        self",
        "    }",
        "",
    ];
    for line in &added {
        assert!(
            expected_added
                .iter()
                .any(|e| line.starts_with(e) && (e.len() > 20 || line == e)),
            "unexpected added line: {line:?}"
        );
    }
    assert!(
        added
            .iter()
            .any(|l| l.contains("pub memo: Option<alipayhk_runtime::EpochMillis>"))
    );
}

#[test]
fn a_new_result_code_changes_only_its_enum_and_docs() {
    let out = workspace().join("generated/src");
    let copy = spec_copy();
    let file = copy.path().join("endpoints/apply_token.yaml");
    let text = fs::read_to_string(&file).unwrap().replace(
        "    - { code: UNKNOWN_EXCEPTION,",
        "    - { code: SCOPE_NOT_GRANTED, status: F, message: The user did not grant the scope., source: apply_token }\n    - { code: UNKNOWN_EXCEPTION,",
    );
    fs::write(&file, text).unwrap();
    let files = alipayhk_codegen::generate(copy.path()).unwrap();
    let drift = alipayhk_codegen::check(&out, &files).unwrap();
    let changed: Vec<String> = drift.iter().map(ToString::to_string).collect();
    assert_eq!(
        drift,
        vec![
            Drift::Changed("apply_token.rs".into()),
            // These name every spec file with its hash.
            Drift::Changed("lib.rs".into()),
            Drift::Changed("platform.rs".into()),
            Drift::Changed("webhooks.rs".into()),
        ],
        "{changed:?}"
    );
    for name in ["lib.rs", "platform.rs", "webhooks.rs"] {
        let before = fs::read_to_string(out.join(name)).unwrap();
        let diff = similar::TextDiff::from_lines(before.as_str(), files[name].as_str());
        let changes: Vec<String> = diff
            .iter_all_changes()
            .filter(|c| c.tag() != similar::ChangeTag::Equal)
            .map(|c| c.value().to_owned())
            .collect();
        assert_eq!(changes.len(), 2, "{name}: {changes:#?}");
        assert!(
            changes
                .iter()
                .all(|l| l.starts_with("// Source: spec/endpoints/apply_token.yaml")),
            "{name}: {changes:#?}"
        );
    }
    let before = fs::read_to_string(out.join("apply_token.rs")).unwrap();
    let diff = similar::TextDiff::from_lines(before.as_str(), files["apply_token.rs"].as_str());
    for change in diff.iter_all_changes() {
        let line = change.value();
        match change.tag() {
            similar::ChangeTag::Equal => {}
            similar::ChangeTag::Delete => assert!(
                line.starts_with("// Source: spec/endpoints/apply_token.yaml"),
                "removed: {line:?}"
            ),
            similar::ChangeTag::Insert => assert!(
                line.starts_with("// Source: spec/endpoints/apply_token.yaml")
                    || line.contains("SCOPE_NOT_GRANTED")
                    || line.contains("ScopeNotGranted")
                    // The variant's docs: a blank line, then its source.
                    || line == "    ///\n"
                    || line.starts_with("    /// Source: [Apply for Access Token]"),
                "added: {line:?}"
            ),
        }
    }
}
