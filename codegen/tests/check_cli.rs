//! `alipayhk-codegen check` names each stale file and shows how it differs, as a unified diff;
//! the group features in the crate's manifest are checked the same way.

use std::fs;
use std::path::Path;
use std::process::Command;

#[test]
fn check_prints_a_unified_diff_of_each_stale_file() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("src");
    fs::create_dir(&out).unwrap();
    for entry in fs::read_dir(root.join("generated/src")).unwrap() {
        let path = entry.unwrap().path();
        fs::copy(&path, out.join(path.file_name().unwrap())).unwrap();
    }
    fs::copy(
        root.join("generated/Cargo.toml"),
        dir.path().join("Cargo.toml"),
    )
    .unwrap();
    let file = out.join("update_pass.rs");
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
    let output = check(&root, &out);
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

    // A group feature removed by hand is drift in the manifest, shown the same way.
    let manifest = dir.path().join("Cargo.toml");
    let text = fs::read_to_string(&manifest).unwrap();
    fs::write(&manifest, text.replacen("tokens = []\n", "", 1)).unwrap();
    fs::write(&file, text_of_spec(&root)).unwrap();
    let output = check(&root, &out);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains(
            "(the group features)\n--- Cargo.toml (on disk)\n+++ Cargo.toml (from the spec)\n@@ "
        ),
        "{stdout}"
    );
    assert!(stdout.contains("\n+tokens = []\n"), "{stdout}");
    assert!(!stdout.contains("update_pass.rs"), "{stdout}");
}

/// updatePass's module as the spec generates it.
fn text_of_spec(root: &Path) -> String {
    fs::read_to_string(root.join("generated/src/update_pass.rs")).unwrap()
}

/// Runs `alipayhk-codegen check` of the workspace's spec against `out`.
fn check(root: &Path, out: &Path) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_alipayhk-codegen"))
        .args(["check", "--spec", "spec", "--out"])
        .arg(out)
        .current_dir(root)
        .output()
        .unwrap()
}
