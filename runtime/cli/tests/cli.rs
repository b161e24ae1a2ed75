//! The `alipayhk` binary, run as a user would, checked against the §6 vectors and openssl.

use std::path::Path;
use std::process::Command;

fn fixture(name: &str) -> String {
    format!("{}/../tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"))
}

fn alipayhk(args: &[&str]) -> (i32, Vec<u8>) {
    let out = Command::new(env!("CARGO_BIN_EXE_alipayhk"))
        .args(args)
        .output()
        .unwrap();
    (out.status.code().unwrap(), out.stdout)
}

#[test]
fn sign_reproduces_v2_and_verify_accepts_it_in_either_separator_style() {
    let dir = tempfile::tempdir().unwrap();
    let body = dir.path().join("body.json");
    std::fs::write(&body, r#"{"key1":"value1"}"#).unwrap();
    let body = body.to_str().unwrap();
    let common = [
        "--method",
        "POST",
        "--path",
        "/ams/sandbox/api/v1/payments/pay",
        "--client-id",
        "T_client",
        "--time",
        "2019-11-01T10:00:00+08:30",
        "--body-file",
        body,
    ];
    let key_path = fixture("merchant_private_pkcs8.b64");
    let mut args = vec!["sign", "--private-key", &key_path];
    args.extend(common);
    let (code, out) = alipayhk(&args);
    assert_eq!(code, 0);
    let header = String::from_utf8(out).unwrap();
    let expected = std::fs::read_to_string(fixture("v2_header_value.txt")).unwrap();
    assert_eq!(
        header,
        format!("algorithm=RSA256,keyVersion=1,signature={expected}\n")
    );

    let public = fixture("merchant_public_spki.b64");
    let spaced = header
        .trim()
        .replace(",", ", ")
        .replace("%2B", "%2b")
        .replace("%2F", "%2f")
        .replace("%3D", "%3d");
    for signature in [header.trim().to_owned(), spaced] {
        let mut args = vec![
            "verify",
            "--merchant-public-key",
            &public,
            "--signature",
            &signature,
        ];
        args.extend(common);
        let (code, out) = alipayhk(&args);
        assert_eq!(
            (code, String::from_utf8(out).unwrap()),
            (0, "valid\n".to_owned())
        );
    }
    let mut args = vec![
        "verify",
        "--public-key",
        &public,
        "--signature",
        header.trim(),
    ];
    args.extend(common);
    let at = args.iter().position(|a| *a == "T_client").unwrap();
    args[at] = "T_other";
    let (code, out) = alipayhk(&args);
    assert_eq!(code, 1);
    assert!(
        String::from_utf8(out)
            .unwrap()
            .starts_with("invalid: signature does not verify")
    );
}

#[test]
fn content_is_written_exactly_and_encrypt_decrypt_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let body_path = dir.path().join("body.json");
    let body = "{\"會員\":\"卡\"}".as_bytes();
    std::fs::write(&body_path, body).unwrap();
    let (code, out) = alipayhk(&[
        "content",
        "--method",
        "POST",
        "--path",
        "/p",
        "--client-id",
        "C",
        "--time",
        "T",
        "--body-file",
        body_path.to_str().unwrap(),
    ]);
    assert_eq!(code, 0);
    assert_eq!(out, [b"POST /p\nC.T.".as_slice(), body].concat());

    let (code, out) = alipayhk(&[
        "encrypt",
        "--public-key",
        &fixture("merchant_public_spki.b64"),
        "--body-file",
        body_path.to_str().unwrap(),
    ]);
    assert_eq!(code, 0);
    let out = String::from_utf8(out).unwrap();
    let mut lines = out.lines();
    let header = lines.next().unwrap().to_owned();
    let sealed = dir.path().join("sealed");
    std::fs::write(&sealed, lines.next().unwrap()).unwrap();
    let (code, plain) = alipayhk(&[
        "decrypt",
        "--private-key",
        &fixture("merchant_private_pkcs8.b64"),
        "--encrypt-header",
        &header,
        "--body-file",
        sealed.to_str().unwrap(),
    ]);
    assert_eq!(code, 0);
    assert_eq!(plain, body);
    assert!(Path::new(&fixture("README.md")).exists());
}

#[test]
fn a_key_version_cannot_inject_an_item_and_an_exposed_key_file_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let body = dir.path().join("body.json");
    std::fs::write(&body, "{}").unwrap();
    let key = dir.path().join("key.b64");
    std::fs::copy(fixture("merchant_private_pkcs8.b64"), &key).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o644)).unwrap();
    }
    let run = |key_version: &str| {
        Command::new(env!("CARGO_BIN_EXE_alipayhk"))
            .args(["sign", "--private-key"])
            .arg(&key)
            .args(["--method", "POST", "--path", "/p", "--client-id", "C"])
            .args(["--time", "1732787128015", "--body-file"])
            .arg(&body)
            .args(["--key-version", key_version])
            .output()
            .unwrap()
    };
    let injected = run("1,signature=AAAA");
    assert!(!injected.status.success());
    assert!(
        String::from_utf8_lossy(&injected.stderr).contains("would add an item"),
        "{}",
        String::from_utf8_lossy(&injected.stderr)
    );
    let signed = run("2");
    assert!(signed.status.success());
    assert!(
        String::from_utf8_lossy(&signed.stdout)
            .starts_with("algorithm=RSA256,keyVersion=2,signature=")
    );
    #[cfg(unix)]
    assert!(
        String::from_utf8_lossy(&signed.stderr).contains("accessible by others (mode 0644)"),
        "{}",
        String::from_utf8_lossy(&signed.stderr)
    );
}
