//! updatePass declared with the attribute, mirroring `spec/endpoints/update_pass.yaml` item
//! for item. `codegen/src/tests/macro_equivalence.rs` expands this file and compares it with
//! the generator's output for the YAML; here it must also compile and work as a user's code.

use std::collections::BTreeMap;

use alipayhk::runtime::serde_json::Value;
use alipayhk::runtime::{EpochMillis, ResultInfo, Validate};

/// Where the generated crate keeps shared tables and identifiers; the attribute names them by
/// this path.
pub(crate) mod types {
    pub use alipayhk::{MerchantId, OpenId, PassId, PassResultCode, TemplateCode, UserId};
}

/// The body of an `updatePass` request.
#[alipayhk::endpoint(
    method = "POST",
    path = "/api/open/alipay/v1/ipass/pass/manage/updatePass",
    summary = "Update an AlipayHK membership card",
    response = UpdatePassResponse,
    result_codes = super::types::PassResultCode,
    idempotency(key(merchant_id, template_code, pass_id)),
)]
#[alipayhk(at_least_one_of(user_id, open_id))]
pub struct UpdatePassRequest {
    /// The unique ID AlipayHK assigned to the merchant.
    #[alipayhk(identifier, max_length = 64, sample = "2160120000000001")]
    pub merchant_id: super::types::MerchantId,
    /// Unique ID of the Alipay user. Give at least one of `userId` and `openId`.
    #[alipayhk(identifier, max_length = 32, sample = "2160220000000002")]
    pub user_id: Option<super::types::UserId>,
    /// The ID the Alipay user authorised for this merchant. Give at least one of `userId` and `openId`.
    #[alipayhk(identifier, max_length = 32)]
    pub open_id: Option<super::types::OpenId>,
    /// The unique ID AlipayHK assigned to the merchant's membership card template.
    #[alipayhk(identifier, max_length = 32)]
    pub template_code: Option<super::types::TemplateCode>,
    /// ID of the user's membership card, as returned by `createPass`.
    #[alipayhk(
        identifier,
        max_length = 32,
        sample = "2020091119027102160530200000039"
    )]
    pub pass_id: super::types::PassId,
    /// What to do with the card.
    #[alipayhk(values(
        CLOSED = "Terminate the card.",
        UPDATE = "Update the card's content.",
        USED = "Move the pass to used (gift cards and tickets).",
        REFUND = "The pass was refunded; shown as deleted.",
    ))]
    pub status: UpdatePassStatus,
    /// What the update changes. The page requires it on every request.
    #[alipayhk(values(
        UPDATE_MEMBER_CARD = "Update both points and level.",
        UPDATE_TEMPLATE = "Move the pass to another template.",
        UPDATE_DATA_INFO = "Update the template placeholder values.",
        UPDATE_VALIDITY = "Update the validity period.",
        UPDATE_AIR_TICKET = "Update an air ticket's content.",
        UPDATE_TRAIN_TICKET = "Update a train ticket's content.",
        UPDATE_BUS_TICKET = "Update a bus ticket's content.",
        UPDATE_SHIP_TICKET = "Update a ship ticket's content.",
        UPDATE_MOVIE = "Update a movie ticket's content.",
        UPDATE_PASS = "Update a pass ticket's content.",
    ))]
    pub update_detail_type: UpdatePassUpdateDetailType,
    /// New expiry time of the card.
    #[alipayhk(minimum = 0, sample = "1767196799000")]
    pub end_date: Option<EpochMillis>,
    /// The write-off (redeem) code of the pass.
    #[alipayhk(max_length = 128)]
    pub pass_verify_code: Option<String>,
    /// When the ticket update happened. The ticket page makes it mandatory for some
    /// `updateDetailType` values (its list is cut); its sample is in seconds, the spec sends
    /// milliseconds like every other pass date.
    #[alipayhk(minimum = 0)]
    pub biz_date: Option<EpochMillis>,
    /// Template placeholder values to update, such as `billNo`, `lastChangePoints` and
    /// `pointsProvider`; `billNo`, `lastChangePoints` and `pointsProvider` can be null when
    /// the transaction is not with Alipay.
    #[alipayhk(keys(
        billNo = "The AlipayHK transaction that changed the points.",
        lastChangePoints = "The points the transaction added (or, negative, removed).",
        pointsProvider = "`ALIPAYHK` or `ALIPAYCN`.",
    ))]
    pub data_info: Option<BTreeMap<String, Value>>,
    /// New code information, when the card's code must change: `$codemsg$` is the text
    /// shown, `$codevalue$` the value encoded in the barcode or QR code. Confirm with the
    /// AlipayHK SA team before updating code information.
    #[alipayhk(nullable, keys(
        "$codemsg$" = "The text shown with the code.",
        "$codevalue$" = "The value encoded in the barcode or QR code.",
    ))]
    pub code_info: Option<BTreeMap<String, Value>>,
}

/// The body of an `updatePass` response.
#[alipayhk::response]
pub struct UpdatePassResponse {
    /// Whether the update succeeded.
    #[alipayhk(alias = "result")]
    pub result_info: ResultInfo,
}

#[test]
fn the_update_pass_mirror_builds_and_validates() {
    let request = UpdatePassRequest::new(
        "2160120000000001",
        "2020091119027102160530200000039",
        UpdatePassStatus::Update,
        UpdatePassUpdateDetailType::UpdateMemberCard,
    )
    .user_id("2160220000000002");
    assert!(request.validate().is_ok());
    let request = request
        .data_info_bill_no("2021070611121300000000000123456")
        .code_info_codemsg("Show at the till");
    assert_eq!(
        request.data_info.unwrap()["billNo"],
        "2021070611121300000000000123456"
    );
    assert_eq!(request.code_info.unwrap()["$codemsg$"], "Show at the till");
    let invalid = UpdatePassRequest::new(
        "2160120000000001",
        "2020091119027102160530200000039",
        UpdatePassStatus::Closed,
        UpdatePassUpdateDetailType::UpdateMemberCard,
    );
    assert_eq!(invalid.validate().unwrap_err().violations.len(), 1);
    // At least one of the two IDs: both together are a documented request.
    let both = invalid
        .user_id("2160220000000002")
        .open_id("20881234567890123456789012345678");
    assert!(both.validate().is_ok());
    assert_eq!(
        alipayhk::PassResultCode::from("USER_NOT_EXSITS").status(),
        Some(alipayhk::ResultStatus::Failure)
    );
}
