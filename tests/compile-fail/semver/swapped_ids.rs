//! Identifiers have their own types: a pass ID passed where the merchant ID goes, and the
//! merchant ID where the pass ID goes, do not compile.

use alipayhk::{MerchantId, PassId, UpdatePassRequest, UpdatePassStatus, UpdatePassUpdateDetailType};

fn main() {
    let merchant_id = MerchantId::from("2160120000000001");
    let pass_id = PassId::from("2020091119027102160530200000039");
    let _ = UpdatePassRequest::new(
        pass_id,
        merchant_id,
        UpdatePassStatus::Update,
        UpdatePassUpdateDetailType::UpdateMemberCard,
    );
}
