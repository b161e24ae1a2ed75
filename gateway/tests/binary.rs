//! The `alipayhk-gateway` binary as a client in another language would use it: start it, read
//! the facts it prints, load the key files it wrote, and call it.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Duration;

use alipayhk::runtime::{Client, Error, PrivateKey, PublicKey};
use alipayhk::{UpdatePassRequest, UpdatePassStatus, UpdatePassUpdateDetailType};

struct Killed(std::process::Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::test]
async fn the_binary_prints_its_facts_and_serves_signed_answers() {
    let keys = tempfile::tempdir().unwrap();
    let faults = keys.path().join("faults.json");
    std::fs::write(
        &faults,
        r#"{"P-1": [{"kind": "result", "code": "SYSTEM_ERROR", "status": "U", "times": 1}]}"#,
    )
    .unwrap();
    let dir = keys.path().to_str().unwrap();
    let faults = faults.to_str().unwrap();
    let (_guard, facts) = start(&[
        "--port",
        "0",
        "--client-id",
        "BIN_CLIENT",
        "--pass",
        "P-1",
        "--key-dir",
        dir,
        "--faults",
        faults,
    ]);
    assert_eq!(facts["client id"], "BIN_CLIENT");
    assert_eq!(facts["passes"], "P-1");
    assert!(facts["listening"].starts_with("http://127.0.0.1:"));
    let read = |fact: &str| std::fs::read_to_string(&facts[fact]).unwrap();
    let client = Client::builder()
        .base_url(&facts["listening"])
        .client_id("BIN_CLIENT")
        .merchant_key(PrivateKey::merchant(&read("merchant private key")).unwrap())
        .platform_key(PublicKey::platform(&read("platform public key")).unwrap())
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap();
    let close = UpdatePassRequest::new(
        "M",
        "P-1",
        UpdatePassStatus::Closed,
        UpdatePassUpdateDetailType::UpdateMemberCard,
    )
    .open_id("o");
    // The faults file scripted one U for this pass.
    let error = client.execute(&close).await.unwrap_err();
    assert!(matches!(error, Error::Unknown { .. }), "{error:?}");
    let response = client.execute(&close).await.unwrap();
    assert_eq!(response.result_info.result_code, "SUCCESS");
}

/// Starts the binary with `args` and returns it with the facts it printed.
fn start(args: &[&str]) -> (Killed, std::collections::HashMap<String, String>) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_alipayhk-gateway"))
        .args(args)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let guard = Killed(child);
    let mut facts = std::collections::HashMap::new();
    for line in BufReader::new(stdout).lines() {
        let line = line.unwrap();
        let (key, value) = line.split_once(": ").unwrap();
        facts.insert(
            key.to_owned(),
            value.trim_end_matches(" (generated)").to_owned(),
        );
        if key == "passes" {
            break;
        }
    }
    (guard, facts)
}

#[cfg(unix)]
#[test]
fn generated_private_keys_are_private_in_a_private_unpredictable_directory() {
    use std::os::unix::fs::PermissionsExt;
    let mode =
        |path: &std::path::Path| std::fs::metadata(path).unwrap().permissions().mode() & 0o777;
    let (first, facts) = start(&["--port", "0"]);
    let (_second, other) = start(&["--port", "0"]);
    let private = std::path::PathBuf::from(&facts["merchant private key"]);
    let dir = private.parent().unwrap().to_owned();
    assert_eq!(mode(&private), 0o600);
    assert_eq!(
        mode(std::path::Path::new(&facts["platform private key"])),
        0o600
    );
    assert_eq!(mode(&dir), 0o700);
    // Not `alipayhk-gateway-<pid>`: another run gets another, unguessable name.
    let other_dir = std::path::Path::new(&other["merchant private key"])
        .parent()
        .unwrap()
        .to_owned();
    assert_ne!(dir, other_dir);
    assert!(
        !dir.to_string_lossy()
            .ends_with(&format!("-{}", first.0.id()))
    );

    // Given a directory, the same modes; and a key file others can read gets a warning.
    let keys = tempfile::tempdir().unwrap();
    let key_dir = keys.path().join("keys");
    let (_third, facts) = start(&["--port", "0", "--key-dir", key_dir.to_str().unwrap()]);
    assert_eq!(mode(&key_dir), 0o700);
    assert_eq!(
        mode(std::path::Path::new(&facts["merchant private key"])),
        0o600
    );
    let exposed = keys.path().join("exposed.pem");
    std::fs::copy(&facts["platform private key"], &exposed).unwrap();
    std::fs::set_permissions(&exposed, std::fs::Permissions::from_mode(0o644)).unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_alipayhk-gateway"))
        .args(["--port", "0", "--platform-private-key"])
        .arg(&exposed)
        .args(["--merchant-public-key", "/nonexistent/key.pem"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("accessible by others (mode 0644)"),
        "{stderr}"
    );
}
