//! The `alipayhk` binary's contract with scripts: exit 0 done, 1 the signature or ciphertext
//! does not check out, 2 usage, 3 a key or file that cannot be read; `-` is standard input;
//! messages name the key the flag said.

use std::io::Write;
use std::process::{Command, Output, Stdio};

fn fixture(name: &str) -> String {
    format!("{}/../tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"))
}

fn alipayhk(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_alipayhk"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    // A command that fails before reading standard input closes it early.
    let _ = input.write_all(stdin);
    drop(input);
    child.wait_with_output().unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

const CONTENT: [&str; 8] = [
    "--method",
    "POST",
    "--path",
    "/api/open/v1/x",
    "--client-id",
    "C",
    "--time",
    "2024-05-22T06:42:21+05:30",
];

fn sign_stdin(body: &[u8]) -> Output {
    let key = fixture("merchant_private_pkcs8.b64");
    let mut args = vec!["sign", "--merchant-private-key", &key];
    args.extend(CONTENT);
    args.extend(["--body-file", "-"]);
    alipayhk(&args, body)
}

#[test]
fn a_body_from_standard_input_signs_and_verifies() {
    let signed = sign_stdin(br#"{"a":1}"#);
    assert_eq!(signed.status.code(), Some(0), "{}", text(&signed.stderr));
    let header = text(&signed.stdout);
    let public = fixture("merchant_public_spki.b64");
    let verify = |body: &[u8]| {
        let mut args = vec!["verify", "--merchant-public-key", &public];
        args.extend(CONTENT);
        args.extend(["--body-file", "-", "--signature", header.trim()]);
        alipayhk(&args, body)
    };
    let valid = verify(br#"{"a":1}"#);
    assert_eq!(
        (valid.status.code(), text(&valid.stdout)),
        (Some(0), "valid\n".into())
    );
    let tampered = verify(br#"{"a":2}"#);
    assert_eq!(tampered.status.code(), Some(1));
    assert!(
        text(&tampered.stdout).starts_with("invalid: "),
        "{}",
        text(&tampered.stdout)
    );
}

#[test]
fn usage_mistakes_exit_2() {
    // No key flag at all, two key flags, and two `-` inputs.
    let mut args = vec!["sign"];
    args.extend(CONTENT);
    args.extend(["--body-file", "-"]);
    assert_eq!(alipayhk(&args, b"{}").status.code(), Some(2));
    let key = fixture("merchant_private_pkcs8.b64");
    let mut both = vec![
        "sign",
        "--merchant-private-key",
        &key,
        "--alipayhk-private-key",
        &key,
    ];
    both.extend(CONTENT);
    both.extend(["--body-file", "-"]);
    assert_eq!(alipayhk(&both, b"{}").status.code(), Some(2));
    let mut two_stdin = vec!["sign", "--merchant-private-key", "-"];
    two_stdin.extend(CONTENT);
    two_stdin.extend(["--body-file", "-"]);
    let key_text = std::fs::read(fixture("merchant_private_pkcs8.b64")).unwrap();
    let output = alipayhk(&two_stdin, &key_text);
    assert_eq!(output.status.code(), Some(2), "{}", text(&output.stderr));
    assert!(text(&output.stderr).contains("only one file can be `-`"));
}

#[test]
fn unreadable_keys_and_files_exit_3_naming_the_key_the_flag_said() {
    let dir = tempfile::tempdir().unwrap();
    let junk = dir.path().join("junk.pem");
    std::fs::write(&junk, "not a key").unwrap();
    let junk = junk.to_str().unwrap();
    for (flag, role) in [
        ("--merchant-public-key", "the merchant public key"),
        ("--alipayhk-public-key", "the AlipayHK public key"),
        ("--public-key", "the AlipayHK public key"),
    ] {
        let mut args = vec!["verify", flag, junk, "--signature", "signature=AAAA"];
        args.extend(CONTENT);
        args.extend(["--body-file", "-"]);
        let output = alipayhk(&args, b"{}");
        assert_eq!(output.status.code(), Some(3), "{flag}");
        assert!(
            text(&output.stderr).contains(role),
            "{flag}: {}",
            text(&output.stderr)
        );
    }
    let key = fixture("merchant_private_pkcs8.b64");
    let mut missing_body = vec!["sign", "--alipayhk-private-key", &key];
    missing_body.extend(CONTENT);
    missing_body.extend(["--body-file", "/nonexistent/body.json"]);
    let output = alipayhk(&missing_body, b"");
    assert_eq!(output.status.code(), Some(3));
    assert!(text(&output.stderr).contains("reading body /nonexistent/body.json"));
}

#[test]
fn a_body_that_does_not_open_exits_1() {
    let key = fixture("merchant_private_pkcs8.b64");
    let output = alipayhk(
        &[
            "decrypt",
            "--merchant-private-key",
            &key,
            "--encrypt-header",
            "algorithm=RSA_AES,keyVersion=1,symmetricKey=AAAA",
            "--body-file",
            "-",
        ],
        b"AAAA",
    );
    assert_eq!(output.status.code(), Some(1), "{}", text(&output.stderr));
    assert!(output.stdout.is_empty());
}
