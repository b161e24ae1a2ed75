//! The page importer: every fixture page (the seed page of updatePass, and one page per other
//! endpoint of `spec/`, written in the same text form) agrees with its spec file fact for fact;
//! the comparison sees a changed fact on either side; imported pages load as endpoint files;
//! cut, reordered and garbled pages give located errors, never a panic.

use std::fs;
use std::path::{Path, PathBuf};

use crate::import::params::Marker;
use crate::import::{self, ImportOptions, Place};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf()
}

fn pages() -> Vec<PathBuf> {
    let mut pages: Vec<PathBuf> = fs::read_dir(root().join("tests/pages"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    pages.sort();
    pages
}

fn stem(path: &Path) -> String {
    path.file_stem().unwrap().to_string_lossy().into_owned()
}

/// A copy of `spec/` to edit.
fn spec_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let spec = root().join("../spec");
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
fn every_page_agrees_with_its_spec_file() {
    let pages = pages();
    // One per endpoint of the first six families, one per endpoint of the later families
    // written from a page the importer reads as stored, and the cashless voucher page of the
    // promotion layout; the other voucher pages were written from rewritten transcriptions.
    assert_eq!(pages.len(), 28, "the pages under tests/pages/");
    for page in pages {
        let spec_file = root()
            .join("../spec/endpoints")
            .join(format!("{}.yaml", stem(&page)));
        let text = fs::read_to_string(&page).unwrap();
        let comparison = import::diff(&spec_file, &text, None).unwrap();
        assert!(
            comparison.differences.is_empty(),
            "{}: {:#?}",
            page.display(),
            comparison.differences
        );
        // Not vacuous: the page states facts, and the spec cites the page for them.
        assert!(!comparison.page.request.is_empty(), "{}", page.display());
    }
}

/// The seed page is the authority for updatePass: what it states is what the spec says.
#[test]
fn the_seed_page_gives_the_specs_answers() {
    let text = fs::read_to_string(root().join("tests/pages/update_pass.txt")).unwrap();
    let page = import::read_page(&text).unwrap();
    let param = |name: &str| page.request.iter().find(|p| p.name == name).unwrap();
    assert_eq!(param("merchantId").max_length.as_ref().unwrap().value, 64);
    assert_eq!(param("updateDetailType").marker, Marker::Required);
    let status: Vec<&str> = param("status")
        .values
        .iter()
        .map(|v| v.value.as_str())
        .collect();
    assert_eq!(
        status,
        ["CLOSED", "UPDATE"],
        "the value run into `terminate card` is split off"
    );
    assert_eq!(
        param("userId").either.as_ref().unwrap().value,
        ("userId".to_owned(), "openId".to_owned()),
        "`oropenId` is read as `or openId`"
    );
    assert!(param("codeInfo").nullable.is_some());
    let codes: Vec<(&str, &str)> = page
        .codes
        .iter()
        .map(|c| (c.code.as_str(), c.status.as_str()))
        .collect();
    assert_eq!(
        codes,
        [
            ("SUCCESS", "S"),
            ("PARAM_ILLEGAL", "F"),
            ("UNKNOWN_EXCEPTION", "U")
        ]
    );
    assert!(page.route.is_none(), "the seed page states no path");
    // Nothing dropped silently: what maps to nothing is listed with its line.
    let unmapped: Vec<(usize, &str)> = page
        .unmapped
        .iter()
        .map(|u| (u.line, u.text.as_str()))
        .collect();
    assert_eq!(unmapped, [(66, "Request"), (67, "Response")]);
}

#[test]
fn a_changed_fact_on_either_side_is_a_difference() {
    let copy = spec_copy();
    let spec_file = copy.path().join("endpoints/update_pass.yaml");
    let original = fs::read_to_string(&spec_file).unwrap();
    let text = fs::read_to_string(root().join("tests/pages/update_pass.txt")).unwrap();
    let differences = |spec: &str, page: &str| {
        fs::write(&spec_file, spec).unwrap();
        import::diff(&spec_file, page, None).unwrap().differences
    };
    assert!(differences(&original, &text).is_empty());

    let shorter = original.replacen("        max_length: 64\n", "        max_length: 32\n", 1);
    let found = differences(&shorter, &text);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0].at, Place::Page(21));
    assert!(
        found[0]
            .message
            .contains("at most 64 characters; the spec says 32")
    );

    let optional = original.replacen(
        "        type: enum\n        required: true\n        description: What the update changes.",
        "        type: enum\n        description: What the update changes.",
        1,
    );
    let found = differences(&optional, &text);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(
        found[0]
            .message
            .contains("marks `updateDetailType` REQUIRED")
    );

    let inferred = original.replacen(
        "        max_length: 64\n",
        "        max_length: { value: 64, inferred: \"a guess\" }\n",
        1,
    );
    let found = differences(&inferred, &text);
    assert!(
        found[0].message.contains("the spec infers it"),
        "{found:#?}"
    );

    let cited = original.replacen(
        "          - value: USED\n            source: gcmc_update_pass\n",
        "          - value: USED\n",
        1,
    );
    let found = differences(&cited, &text);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(matches!(found[0].at, Place::Spec(_)));
    assert!(found[0].message.contains("value `USED`"));

    let new_code = text.replace(
        "SUCCESS | S | Success |",
        "SUCCESS | S | Success |\nPASS_FROZEN | F | The pass is frozen. |",
    );
    let found = differences(&original, &new_code);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(
        found[0]
            .message
            .contains("`PASS_FROZEN` is on the page, not in the spec")
    );

    let new_field = text.replace(
        "passId string REQUIRED",
        "memo string\nA note.\npassId string REQUIRED",
    );
    let found = differences(&original, &new_field);
    assert!(
        found[0].message.contains("`memo` is on the page"),
        "{found:#?}"
    );
}

/// The source each spec file cites for its page, read from its `docs_url`.
fn page_id(name: &str) -> String {
    let spec = root()
        .join("../spec/endpoints")
        .join(format!("{name}.yaml"));
    let text = fs::read_to_string(root().join("tests/pages").join(format!("{name}.txt"))).unwrap();
    import::diff(&spec, &text, None).unwrap().page_id
}

#[test]
fn an_imported_page_is_an_endpoint_file() {
    for page in pages() {
        let name = stem(&page);
        let text = fs::read_to_string(&page).unwrap();
        let endpoint = heck::ToLowerCamelCase::to_lower_camel_case(name.as_str());
        let options = ImportOptions {
            name: Some(endpoint.clone()),
            path: (name == "update_pass")
                .then(|| "/api/open/alipay/v1/ipass/pass/manage/updatePass".to_owned()),
            source_id: page_id(&name),
            url: None,
            // The group the spec's own file names: a page does not say.
            group: group_in_spec(&name),
        };
        let imported = import::import(&text, &options).unwrap();
        let copy = spec_copy();
        fs::write(
            copy.path().join("endpoints").join(format!("{name}.yaml")),
            &imported.yaml,
        )
        .unwrap();
        match crate::load(copy.path()) {
            Ok(api) => assert!(api.endpoints.contains_key(&endpoint), "{name}"),
            // A notification page lists no codes for the reply; the file says to add them.
            // Another endpoint's `resolution` or `settles` may rely on what only the spec's
            // hand-finished file has (a code the page is cut before, the resolution itself):
            // that is the other file's finding.
            Err(error)
                if error.to_string().lines().skip(1).all(|line| {
                    (line.contains("endpoint.resolution") || line.contains("endpoint.settles"))
                        && !line.contains(&format!("/{name}.yaml"))
                }) => {}
            Err(error) => {
                let text = error.to_string();
                assert!(
                    imported.yaml.contains("result_codes: []")
                        && text.contains("list at least one result code")
                        && text.lines().count() == 2,
                    "{name}: {text}\n{}",
                    imported.yaml
                );
            }
        }
    }
}

fn error_of(text: &str) -> (usize, String) {
    let error = import::read_page(text).unwrap_err();
    (error.line, error.message)
}

#[test]
fn cut_reordered_and_garbled_pages_give_located_errors() {
    let seed = fs::read_to_string(root().join("tests/pages/update_pass.txt")).unwrap();
    let lines: Vec<&str> = seed.lines().collect();
    let cut = |n: usize| lines[..n].join("\n");

    assert_eq!(error_of(""), (1, "the page is empty".to_owned()));
    let (line, message) = error_of("Request parameters\nmerchantId string REQUIRED");
    assert_eq!(line, 1);
    assert!(message.contains("not with its title"), "{message}");
    let (line, message) = error_of("A blog post\nabout cards\n");
    assert_eq!(line, 2);
    assert!(message.contains("not an AlipayHK API page"), "{message}");

    // Cut before the parameters: nothing to read. Cut before the result codes, or inside a
    // header row: read as far as it goes, and reported at the last line.
    let (_, message) = error_of(&cut(16));
    assert!(message.contains("no `Request parameters`"), "{message}");
    let incomplete = |n: usize| import::read_page(&cut(n)).unwrap().incomplete;
    let gaps = incomplete(65);
    assert_eq!(gaps.len(), 1, "{gaps:?}");
    assert_eq!(gaps[0].line, 65);
    assert!(
        gaps[0]
            .missing
            .contains("ends before its `Result/Error codes`"),
        "{gaps:?}"
    );
    let gaps = incomplete(69);
    assert_eq!(gaps[0].line, 69);
    assert!(gaps[0].missing.contains("has no rows"), "{gaps:?}");
    assert!(import::read_page(&seed).unwrap().incomplete.is_empty());

    // Reordered: the response parameters before the request parameters.
    let reordered = seed.replacen("Request parameters", "Response parameters", 1);
    let (line, message) = error_of(&reordered);
    assert_eq!(line, 63);
    assert!(message.contains("out of order"), "{message}");

    // Garbled: a type, a status, a header row, a code row.
    let (line, message) =
        error_of(&seed.replace("passId string REQUIRED", "passId strng REQUIRED"));
    assert_eq!(
        (line, message.as_str()),
        (
            36,
            "`strng` is not a parameter type (string, number, integer, boolean, object, array, or a type name such as `Amount`)"
        )
    );
    let (line, message) = error_of(&seed.replace("PARAM_ILLEGAL | F |", "PARAM_ILLEGAL | X |"));
    assert_eq!(line, 72);
    assert!(message.contains("status `X`"), "{message}");
    let (line, message) = error_of(&seed.replace(
        "Tracer-Id | An ID for tracing this request. | String |",
        "Tracer-Id | String |",
    ));
    assert_eq!(line, 16);
    assert!(message.contains("3 cells, expected 4"), "{message}");
    let (line, message) = error_of(&seed.replace("SUCCESS | S | Success |", "SUCCESS | S |"));
    assert_eq!(line, 71);
    assert!(message.contains("expected 3"), "{message}");
    let (line, message) = error_of(&seed.replace("UNKNOWN_EXCEPTION | U |", "SUCCESS | U |"));
    assert_eq!(line, 73);
    assert!(message.contains("listed twice"), "{message}");
}

/// Whatever line is dropped or moved, reading answers (a page or a located error) and never
/// panics.
#[test]
fn no_damaged_page_panics() {
    for page in pages() {
        let text = fs::read_to_string(&page).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        for i in 0..lines.len() {
            let mut dropped = lines.clone();
            dropped.remove(i);
            let mut swapped = lines.clone();
            swapped.swap(i, (i + 1) % lines.len());
            let mut truncated = lines[..i].to_vec();
            truncated.push(&lines[i][..lines[i].len() / 2]);
            for damaged in [dropped, swapped, truncated] {
                let text = damaged.join("\n");
                if let Err(error) = import::read_page(&text) {
                    assert!(
                        error.line >= 1 && error.line <= damaged.len().max(1),
                        "{error}"
                    );
                }
                let _ = import::import(&text, &ImportOptions::default());
            }
        }
    }
}

/// The `group:` of the spec's endpoint file `name`, if it names one.
fn group_in_spec(name: &str) -> Option<String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("../spec/endpoints/{name}.yaml"));
    let text = fs::read_to_string(path).ok()?;
    text.lines()
        .find_map(|line| line.strip_prefix("  group: "))
        .map(str::to_owned)
}
