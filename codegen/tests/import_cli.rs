//! `alipayhk-codegen import`: exit 0 with the endpoint file (and the unmapped lines, numbered,
//! on standard error), 1 when `--diff` finds a difference, 2 when the page cannot be read.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf()
}

fn codegen(args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_alipayhk-codegen"))
        .args(args)
        .current_dir(root())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    input
        .write_all(stdin.unwrap_or_default().as_bytes())
        .unwrap();
    drop(input);
    child.wait_with_output().unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn diff_exits_0_when_the_spec_agrees_and_1_when_it_does_not() {
    let agree = codegen(
        &[
            "import",
            "--diff",
            "../spec/endpoints/update_pass.yaml",
            "tests/pages/update_pass.txt",
        ],
        None,
    );
    assert_eq!(agree.status.code(), Some(0), "{}", text(&agree.stderr));
    assert!(text(&agree.stdout).contains("on every fact the page states"));

    let copy = tempfile::tempdir().unwrap();
    fs::create_dir(copy.path().join("endpoints")).unwrap();
    fs::copy(
        root().join("../spec/api.yaml"),
        copy.path().join("api.yaml"),
    )
    .unwrap();
    let spec = fs::read_to_string(root().join("../spec/endpoints/update_pass.yaml")).unwrap();
    let changed = copy.path().join("endpoints/update_pass.yaml");
    fs::write(
        &changed,
        spec.replacen("        max_length: 64\n", "        max_length: 65\n", 1),
    )
    .unwrap();
    let differ = codegen(
        &[
            "import",
            "--diff",
            changed.to_str().unwrap(),
            "tests/pages/update_pass.txt",
        ],
        None,
    );
    assert_eq!(differ.status.code(), Some(1));
    assert_eq!(
        text(&differ.stdout).trim(),
        "tests/pages/update_pass.txt:21: the page gives `merchantId` at most 64 characters; the spec says 65"
    );
}

#[test]
fn import_reads_standard_input_and_numbers_what_it_cannot_map() {
    let page = fs::read_to_string(root().join("tests/pages/update_pass.txt")).unwrap();
    let output = codegen(
        &[
            "import",
            "-",
            "--source",
            "update_card",
            "--path",
            "/api/open/alipay/v1/ipass/pass/manage/updatePass",
        ],
        Some(&page),
    );
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    let yaml = text(&output.stdout);
    assert!(yaml.contains("  name: updatePass\n"), "{yaml}");
    assert!(yaml.contains("      - name: updateDetailType  # line 43\n        source: update_card\n        type: enum\n        required: true\n"), "{yaml}");
    let stderr = text(&output.stderr);
    assert!(stderr.contains("-:66: not mapped ("), "{stderr}");
    assert!(stderr.contains("-:67: not mapped ("), "{stderr}");
}

#[test]
fn a_page_without_a_path_or_with_a_garbled_line_exits_2_naming_the_line() {
    let no_path = codegen(&["import", "tests/pages/update_pass.txt"], None);
    assert_eq!(no_path.status.code(), Some(2));
    assert!(text(&no_path.stderr).contains(
        "tests/pages/update_pass.txt:1: the page states no `POST /path` line: give --path"
    ));

    let page = fs::read_to_string(root().join("tests/pages/update_pass.txt")).unwrap();
    let garbled = page.replace("passId string REQUIRED", "passId strng REQUIRED");
    let output = codegen(&["import", "-", "--path", "/x/updatePass"], Some(&garbled));
    assert_eq!(output.status.code(), Some(2));
    assert!(
        text(&output.stderr).starts_with("-:36: `strng` is not a parameter type"),
        "{}",
        text(&output.stderr)
    );
}

/// Every endpoint file of the A. Points and payments families against its page, in the short
/// and payments layouts, and a cashless voucher page in the promotion layout, through the
/// command a merchant runs; a cut page says where it stops.
#[test]
fn diff_exits_0_for_every_new_family_page_and_says_where_a_page_is_cut() {
    for name in [
        "user_promo_benefit_query",
        "benefit_issue",
        "benefit_redeem",
        "pay",
        "inquiry_payment",
        "cancel_payment",
        "refund",
        "code_consult",
        "notify_payment",
        "switch_voucher_template_status",
    ] {
        let spec = format!("../spec/endpoints/{name}.yaml");
        let page = format!("tests/pages/{name}.txt");
        let agree = codegen(&["import", "--diff", &spec, &page], None);
        assert_eq!(
            agree.status.code(),
            Some(0),
            "{name}: {}",
            text(&agree.stderr)
        );
    }
    let imported = codegen(&["import", "tests/pages/refund.txt"], None);
    assert_eq!(
        imported.status.code(),
        Some(0),
        "{}",
        text(&imported.stderr)
    );
    let stderr = text(&imported.stderr);
    assert!(
        stderr.contains("tests/pages/refund.txt:43: cut short: the `3.2 Response` table stops inside the row at line 43"),
        "{stderr}"
    );
    assert!(text(&imported.stdout).contains("name: refund"));
}
