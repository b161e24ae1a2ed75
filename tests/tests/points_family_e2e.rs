//! The A. Points family against the local gateway over loopback: a user's balance behind the
//! access token `applyToken` issues; issue adds, redeem spends and refuses more than the
//! balance, inquire reads; issue and redeem act once per `bizNo`; the same token reads the
//! user's eKYC information (inquriyUserInfo). Every documented failure the gateway can
//! produce, and an unknown outcome resolved by re-sending.

use alipayhk::runtime::{Error, Resolved, UnknownReason};
use alipayhk::*;
use alipayhk_gateway::Fault;

mod support;

use support::{Fixture, fixture, quick};

const USER: &str = "2160220000000002";

fn failed_code<C: std::fmt::Debug + Clone, R: std::fmt::Debug>(result: Result<R, Error<C>>) -> C {
    match result {
        Err(Error::Failed { code, .. }) => code,
        other => panic!("expected F, got {other:?}"),
    }
}

/// The access token for `USER`, through the authorisation flow.
async fn access_token(f: &Fixture) -> String {
    let code = f.gateway.issue_auth_code(USER);
    let request = ApplyTokenRequest::new(ApplyTokenGrantType::AuthorizationCode).auth_code(code);
    let answer = f.client().execute(&request).await.unwrap();
    answer.access_token.expect("an access token")
}

async fn balance(f: &Fixture, token: &str) -> i64 {
    let answer = f
        .client()
        .execute(&UserPromoBenefitQueryRequest::new(token))
        .await
        .unwrap();
    let model = answer.account_benefit_model.expect("the user's benefits");
    assert_eq!(model.benefit_product_code.as_deref(), Some("POINT"));
    model.available_amount.expect("a balance")
}

fn issue(biz_no: &str, amount: i64) -> BenefitIssueRequest {
    BenefitIssueRequest::new(ProviderUserInfo::new().user_id(USER))
        .biz_no(biz_no)
        .amount(amount)
}

fn redeem(biz_no: &str, user: &str, amount: i64) -> BenefitRedeemRequest {
    BenefitRedeemRequest::new(BenefitProductCode::Point, biz_no, "1764672000000", user)
        .amount(amount)
}

#[tokio::test]
async fn issue_adds_redeem_spends_and_inquire_reads_behind_the_token() {
    let f = fixture().await;
    let client = f.client();
    let token = access_token(&f).await;
    assert_eq!(balance(&f, &token).await, 0);

    client.execute(&issue("ISSUE-1", 500)).await.unwrap();
    assert_eq!(balance(&f, &token).await, 500);
    // The same request again is the same issue: nothing is added twice.
    client.execute(&issue("ISSUE-1", 500)).await.unwrap();
    assert_eq!(balance(&f, &token).await, 500);

    client
        .execute(&redeem("REDEEM-1", USER, 200))
        .await
        .unwrap();
    assert_eq!(balance(&f, &token).await, 300);
    assert_eq!(f.gateway.points_of(USER), Some(300));
}

#[tokio::test]
async fn redeeming_more_than_the_balance_is_refused_and_spends_nothing() {
    let f = fixture().await;
    let token = access_token(&f).await;
    let client = f.client();
    client.execute(&issue("ISSUE-2", 100)).await.unwrap();

    let refused = client.execute(&redeem("REDEEM-2", USER, 101)).await;

    assert_eq!(
        failed_code(refused),
        BenefitRedeemResultCode::PointsNotEnough
    );
    assert_eq!(balance(&f, &token).await, 100);
    // The whole balance can be spent.
    client
        .execute(&redeem("REDEEM-3", USER, 100))
        .await
        .unwrap();
    assert_eq!(balance(&f, &token).await, 0);
}

#[tokio::test]
async fn a_biz_no_reused_for_another_request_is_refused() {
    let f = fixture().await;
    f.gateway.add_user(USER);
    let client = f.client();
    client.execute(&issue("ISSUE-3", 100)).await.unwrap();
    client.execute(&redeem("REDEEM-4", USER, 10)).await.unwrap();

    let issue_again = client.execute(&issue("ISSUE-3", 999)).await;
    let redeem_again = client.execute(&redeem("REDEEM-4", USER, 20)).await;

    assert_eq!(
        failed_code(issue_again),
        BenefitIssueResultCode::RepeatReqInconsistent
    );
    assert_eq!(
        failed_code(redeem_again),
        BenefitRedeemResultCode::RepeatReqInconsistent
    );
    assert_eq!(f.gateway.points_of(USER), Some(90));
}

#[tokio::test]
async fn unknown_users_tokens_and_bad_parameters_get_the_pages_codes() {
    let f = fixture().await;
    f.gateway.add_user(USER);
    let client = f.client();
    let stranger = "2160229999999999";

    let issued = client
        .execute(
            &BenefitIssueRequest::new(ProviderUserInfo::new().user_id(stranger))
                .biz_no("ISSUE-4")
                .amount(1),
        )
        .await;
    assert_eq!(failed_code(issued), BenefitIssueResultCode::UserNotExist);
    let redeemed = client.execute(&redeem("REDEEM-5", stranger, 1)).await;
    assert_eq!(failed_code(redeemed), BenefitRedeemResultCode::UserNotExist);

    // Not an AlipayHK user ID; no amount (the spec infers it required, so the client warns
    // and sends, and the gateway refuses).
    let not_hk = client
        .execute(&redeem("REDEEM-6", "2088111111111111", 1))
        .await;
    assert_eq!(
        failed_code(not_hk),
        BenefitRedeemResultCode::ParameterIllegal
    );
    let no_amount = client
        .execute(&BenefitIssueRequest::new(ProviderUserInfo::new().user_id(USER)).biz_no("ISSUE-5"))
        .await;
    assert_eq!(
        failed_code(no_amount),
        BenefitIssueResultCode::ParameterIllegal
    );

    let forged = client
        .execute(&UserPromoBenefitQueryRequest::new("AT-not-issued"))
        .await;
    assert_eq!(
        failed_code(forged),
        UserPromoBenefitQueryResultCode::AccesstokenValidateFailed
    );
}

#[tokio::test]
async fn the_token_also_reads_the_users_ekyc_information() {
    let f = fixture().await;
    let token = access_token(&f).await;
    let client = f.client();

    let answer = client
        .execute(&InquriyUserInfoRequest::new(&token))
        .await
        .unwrap();

    let info = answer.user_info.expect("userInfo");
    assert_eq!(info["userId"], USER);
    assert_eq!(info["userLoginId"], "852****0002");
    let forged = client
        .execute(&InquriyUserInfoRequest::new("AT-not-issued"))
        .await;
    assert_eq!(failed_code(forged), InquriyUserInfoResultCode::InvalidToken);
    let empty = client.execute(&InquriyUserInfoRequest::new("")).await;
    assert!(matches!(empty, Err(Error::Invalid(_))), "{empty:?}");
    let empty = support::send_edited(&client, &InquriyUserInfoRequest::new(&token), |body| {
        body.insert("accessToken".into(), "".into());
    })
    .await;
    assert_eq!(failed_code(empty), InquriyUserInfoResultCode::ParamIllegal);
}

#[tokio::test]
async fn a_redeem_whose_answer_was_unknown_is_resolved_by_resending_and_spends_once() {
    let f = fixture().await;
    f.gateway.add_user(USER);
    let client = f.client();
    client.execute(&issue("ISSUE-6", 300)).await.unwrap();
    // The redemption is made, and its answer is U (the page's UNKNOWN_EXCEPTION).
    f.gateway.faults().script(
        "REDEEM-7",
        Fault::After {
            code: "UNKNOWN_EXCEPTION".into(),
            status: "U".into(),
            message: None,
        },
        Some(1),
    );
    let first = client.execute(&redeem("REDEEM-7", USER, 100)).await;
    assert!(
        matches!(
            first,
            Err(Error::Unknown {
                reason: UnknownReason::StatusUnknown,
                ..
            })
        ),
        "{first:?}"
    );

    let resolved = client
        .execute_resolving_unknown(&redeem("REDEEM-7", USER, 100), quick())
        .await
        .unwrap();

    assert!(matches!(resolved, Resolved::Done(_)), "{resolved:?}");
    assert_eq!(f.gateway.points_of(USER), Some(200), "spent once");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn copies_of_one_redeem_racing_each_other_spend_once_and_all_succeed() {
    let f = fixture().await;
    f.gateway.add_user(USER);
    let client = f.client();
    // A client re-sending while its first attempt is still in flight: the same request, at
    // once, from several connections; many rounds, since the copies must meet inside the
    // gateway to race.
    let rounds = 150;
    client
        .execute(&issue("ISSUE-7", 100 * rounds))
        .await
        .unwrap();
    for round in 0..rounds {
        let biz_no = format!("REDEEM-RACE-{round}");
        let copies: Vec<_> = (0..8)
            .map(|_| {
                let client = client.clone();
                let request = redeem(&biz_no, USER, 100);
                tokio::spawn(async move { client.execute(&request).await })
            })
            .collect();
        for copy in copies {
            copy.await
                .unwrap()
                .expect("every copy gets the first copy's answer");
        }
    }

    assert_eq!(f.gateway.points_of(USER), Some(0), "each round spent once");
}
