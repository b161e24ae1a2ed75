//! Adding an endpoint is a spec edit plus `generate`: in a copy of the spec and the client
//! crate, a new endpoint file is added, the client crate regenerated, and a crate that calls
//! the new endpoint with the client and serves it with a gateway handler is built and run,
//! talking over 127.0.0.1. No hand-written code changes anywhere else.
//!
//! It builds in the suite's own target directory, with the runtime and every dependency in the
//! same configuration as there, so after `cargo test --workspace` has built the suite only the
//! regenerated crate and the probe are compiled (not the C crypto library a second time).

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// The page the new endpoint was written from, as `api.yaml` lists it.
const NEW_SOURCE: &str = "  - id: query_points
    title: Query points (a page invented for this test)
    url: https://example.invalid/query_points
    read: 2026-11-27
";

const NEW_ENDPOINT: &str = r#"endpoint:
  name: queryPoints
  method: POST
  path: /api/open/alipay/v1/merchant/points/query
  summary: Read a member's points
  request:
    fields:
      - name: merchantId
        source: query_points
        type: string
        required: true
        max_length: 64
      - name: userId
        source: query_points
        type: string
        required: true
        max_length: { value: 32, inferred: "the page gives no length" }
  response:
    fields:
      - { name: result, source: query_points, type: result, required: true }
      - { name: points, source: query_points, type: integer }
  idempotency:
    key: []
  result_codes:
    - { code: SUCCESS, status: S, message: Success, source: query_points }
    - { code: USER_NOT_EXIST, status: F, message: The user does not exist., source: query_points }
"#;

const PROBE_MAIN: &str = r#"
use std::sync::Arc;

use alipayhk::runtime::server::ServerConfig;
use alipayhk::runtime::{Client, Error, KeyRole, PrivateKey, ResultInfo, ResultStatus};
use alipayhk::{QueryPointsRequest, QueryPointsResponse, QueryPointsResultCode};

/// The gateway's handler for the new endpoint: the only code written for it.
struct Points;

impl alipayhk::platform::Api for Points {
    async fn query_points(&self, request: QueryPointsRequest) -> Result<QueryPointsResponse, ResultInfo> {
        if request.user_id != "2160220000000002" {
            return Err(ResultInfo::new("USER_NOT_EXIST", ResultStatus::Failure, "no such user"));
        }
        Ok(QueryPointsResponse::new(ResultInfo::new("SUCCESS", ResultStatus::Success, "Success")).points(1100))
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let platform = PrivateKey::generate(KeyRole::PlatformPrivate).unwrap();
    let merchant = PrivateKey::generate(KeyRole::MerchantPrivate).unwrap();
    let platform_public = platform.public_key();
    let merchant_public = merchant.public_key();
    let config = ServerConfig::new(platform, merchant_public, "PROBE");
    let app = alipayhk::platform::router(Arc::new(Points), config);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });

    let client = Client::builder()
        .base_url(url)
        .client_id("PROBE")
        .merchant_key(merchant)
        .platform_key(platform_public)
        .build()
        .unwrap();
    let answer = client
        .execute(&QueryPointsRequest::new("2160120000000001", "2160220000000002"))
        .await
        .unwrap();
    assert_eq!(answer.points, Some(1100));
    match client.execute(&QueryPointsRequest::new("2160120000000001", "2160229999999999")).await {
        Err(Error::Failed { code, .. }) => assert_eq!(code, QueryPointsResultCode::UserNotExist),
        other => panic!("expected USER_NOT_EXIST, got {other:?}"),
    }
    println!("queryPoints answered 1100 points over loopback");
}
"#;

/// The workspace manifest, with the regenerated crate and the probe as its members. The
/// runtime is a link to the real one at the same relative path, so cargo gives it the same
/// identity and settings as in the suite's own build, and neither it nor anything below it
/// (the C crypto library included) is built again. The generator is linked too, as the
/// optional dependency behind the crate's `macros` feature, which the probe leaves off.
fn probe_workspace_manifest(root: &Path) -> String {
    let manifest = fs::read_to_string(root.join("Cargo.toml")).unwrap();
    let members = manifest
        .lines()
        .find(|l| l.starts_with("members = "))
        .unwrap();
    manifest
        .replace(members, r#"members = ["generated", "probe"]"#)
        .lines()
        .filter(|l| !l.starts_with("alipayhk-gateway ="))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Links `path` in `dir` to the same path in `root` (a copy where links are not possible).
fn link(root: &Path, dir: &Path, path: &str) {
    let (from, to) = (root.join(path), dir.join(path));
    if to.exists() {
        return;
    }
    #[cfg(unix)]
    std::os::unix::fs::symlink(&from, &to).unwrap();
    #[cfg(not(unix))]
    copy_dir(&from, &to);
}

#[test]
fn a_new_endpoint_is_a_spec_file_and_generate() {
    let root = workspace();
    // A fixed place under the suite's own target directory, so a second run rebuilds only the
    // regenerated crate and the probe.
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("new-endpoint");
    let _ = fs::remove_dir_all(dir.join("spec"));
    let _ = fs::remove_dir_all(dir.join("generated"));
    copy_dir(&root.join("spec"), &dir.join("spec"));
    fs::create_dir_all(dir.join("generated/src")).unwrap();
    fs::copy(
        root.join("generated/Cargo.toml"),
        dir.join("generated/Cargo.toml"),
    )
    .unwrap();
    // The manifest names its examples; they come along so it still loads.
    copy_dir(
        &root.join("generated/examples"),
        &dir.join("generated/examples"),
    );
    fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock")).unwrap();
    fs::write(dir.join("Cargo.toml"), probe_workspace_manifest(&root)).unwrap();
    link(&root, &dir, "runtime");
    link(&root, &dir, "codegen");

    // The spec edit (the page it was written from, and the endpoint file), and `generate`.
    let api = fs::read_to_string(dir.join("spec/api.yaml"))
        .unwrap()
        .replacen("sources:\n", &format!("sources:\n{NEW_SOURCE}"), 1);
    fs::write(dir.join("spec/api.yaml"), api).unwrap();
    fs::write(dir.join("spec/endpoints/query_points.yaml"), NEW_ENDPOINT).unwrap();
    let files = alipayhk_codegen::generate(&dir.join("spec")).unwrap();
    assert!(files.contains_key("query_points.rs"));
    alipayhk_codegen::write(&dir.join("generated/src"), &files).unwrap();

    fs::create_dir_all(dir.join("probe/src")).unwrap();
    fs::write(
        dir.join("probe/Cargo.toml"),
        r#"[package]
name = "probe"
version = "0.0.0"
edition = "2024"
publish = false

[dependencies]
# What the probe uses, with the features `cargo test --workspace` unifies on each crate
# (`cargo tree --workspace -e features`), most of them turned on by other members' dev-
# dependencies. With the same features the suite's builds are reused; a mismatch costs build
# time (that crate and all above it), never a wrong result.
alipayhk = { workspace = true, features = ["server", "sqlite", "rust-crypto"] }
alipayhk-runtime = { workspace = true, features = ["default"] }
axum = { workspace = true, features = ["original-uri"] }
tokio = { workspace = true, features = ["rt-multi-thread", "macros", "signal"] }
bitflags = { version = "2", features = ["std"] }
getrandom = { version = "0.4", features = ["std"] }
num-traits = { version = "0.2", features = ["std"] }
serde_core = { version = "1", features = ["alloc"] }
url = { workspace = true, features = ["serde"] }
"#,
    )
    .unwrap();
    fs::write(dir.join("probe/src/main.rs"), PROBE_MAIN).unwrap();

    // The suite's own target directory: `cargo test` has released it while tests run.
    let target = Path::new(env!("CARGO_TARGET_TMPDIR")).parent().unwrap();
    let output = Command::new(env!("CARGO"))
        .args(["run", "--quiet", "--offline", "-p", "probe"])
        .arg("--manifest-path")
        .arg(dir.join("Cargo.toml"))
        .env("CARGO_TARGET_DIR", target)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "probe failed:\n{stdout}\n{stderr}");
    assert!(
        stdout.contains("queryPoints answered 1100 points"),
        "{stdout}"
    );
}
