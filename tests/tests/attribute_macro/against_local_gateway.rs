//! A card update declared with the attribute, sent to the local gateway over loopback: the
//! gateway verifies the signature exactly as AlipayHK would and routes by path.

use alipayhk::runtime::{Error, ResultInfo};

/// Closes a membership card.
#[alipayhk::endpoint(
    path = "/api/open/alipay/v1/ipass/pass/manage/updatePass",
    response = CloseCardResponse,
    result_codes = alipayhk::PassResultCode,
)]
pub struct CloseCardRequest {
    /// The merchant.
    #[alipayhk(max_length = 64)]
    pub merchant_id: String,
    /// The user.
    pub user_id: String,
    /// The card.
    #[alipayhk(max_length = 32)]
    pub pass_id: String,
    /// Always `CLOSED` here.
    #[alipayhk(values(CLOSED))]
    pub status: CloseStatus,
    /// The page requires it on every update, a closing one too.
    #[alipayhk(values(UPDATE_MEMBER_CARD))]
    pub update_detail_type: DetailType,
}

/// The answer.
#[alipayhk::response]
pub struct CloseCardResponse {
    /// The outcome.
    #[alipayhk(alias = "resultInfo")]
    pub result: ResultInfo,
}

#[tokio::test(flavor = "current_thread")]
async fn a_declared_endpoint_calls_the_local_gateway() {
    // The shared fixture: a gateway with fresh keys and a client configured for it.
    let fixture = crate::support::fixture().await;
    let client = fixture.client();
    let close = |pass: &str| {
        CloseCardRequest::new(
            "2160120000000001",
            "2160220000000002",
            pass,
            CloseStatus::Closed,
            DetailType::UpdateMemberCard,
        )
    };

    let answer = client
        .execute(&close("2020091119027102160530200000039"))
        .await
        .unwrap();
    assert_eq!(answer.result.result_code, "SUCCESS");

    match client
        .execute(&close("2020000000000000000000000000001"))
        .await
    {
        Err(Error::Failed { code, .. }) => {
            assert_eq!(code, alipayhk::PassResultCode::PassHasNotExist)
        }
        other => panic!("expected PASS_HAS_NOT_EXIST, got {other:?}"),
    }
}
