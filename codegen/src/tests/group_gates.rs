//! Each shared type compiles with the groups whose endpoints use it, directly or through other
//! types, so `features = ["points"]` compiles the A. Points types and not the payments ones.

use std::collections::BTreeSet;
use std::path::Path;

fn groups_of(name: &str) -> Option<BTreeSet<String>> {
    let spec = Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec");
    let api = crate::load(&spec).unwrap();
    let gates = api.shared_item_groups();
    gates
        .get(name)
        .map(|set| set.iter().map(|g| (*g).to_owned()).collect())
}

fn set(groups: &[&str]) -> Option<BTreeSet<String>> {
    Some(groups.iter().map(|g| (*g).to_owned()).collect())
}

#[test]
fn shared_types_compile_with_the_groups_that_use_them() {
    assert_eq!(groups_of("AccountBenefitModel"), set(&["points"]));
    // HK Auto Debit's refunds and cancellations carry amounts too.
    assert_eq!(groups_of("PaymentAmount"), set(&["auto-debit", "payments"]));
    // Reached only through PaymentOrder → PaymentMerchant → PaymentStore.
    assert_eq!(groups_of("PaymentStore"), set(&["payments"]));
    // A shared result-code table follows the endpoints that name it.
    assert_eq!(groups_of("TemplateResultCode"), set(&["templates"]));
    // Used by several groups: compiled with any of them.
    let user_id = groups_of("UserId").unwrap();
    assert!(
        user_id.contains("points") && user_id.contains("passes"),
        "{user_id:?}"
    );
}
