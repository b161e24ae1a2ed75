//! `alipayhk-codegen check` names each stale file and shows how it differs, as a unified diff.

use std::fs;
use std::path::Path;
use std::process::Command;

#[test]
fn check_prints_a_unified_diff_of_each_stale_file() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let out = tempfile::tempdir().unwrap();
    for entry in fs::read_dir(root.join("generated/src")).unwrap() {
        let path = entry.unwrap().path();
        fs::copy(&path, out.path().join(path.file_name().unwrap())).unwrap();
    }
    let file = out.path().join("update_pass.rs");
    let text = fs::read_to_string(&file).unwrap();
    fs::write(
        &file,
        text.replacen(
            "Wire name `merchantId`; required",
            "Wire name `merchantId`; REQUIRED",
            1,
        ),
    )
    .unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_alipayhk-codegen"))
        .args(["check", "--spec", "spec", "--out"])
        .arg(out.path())
        .current_dir(&root)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.starts_with("differs: update_pass.rs\n--- update_pass.rs (on disk)\n+++ update_pass.rs (from the spec)\n@@ "), "{stdout}");
    assert!(
        stdout.contains("\n-    /// Wire name `merchantId`; REQUIRED;"),
        "{stdout}"
    );
    assert!(
        stdout.contains("\n+    /// Wire name `merchantId`; required;"),
        "{stdout}"
    );
}
