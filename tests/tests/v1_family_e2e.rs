//! The v1 head/body endpoints against the local gateway over loopback: the A. Points
//! authorisation (prepareForRedirect, the gateway's own consent page, applyToken, the
//! balance), HK Auto Debit (token, refund, payCancel, cancelByAuthInfo: SHA1withRSA), and
//! faults on a v1 route. The envelope's refusals and the inbound accountBinding are in
//! `v1_envelope_e2e.rs`.

use alipayhk::runtime::{Error, Resolved};
use alipayhk::*;
use alipayhk_gateway::{Fault, MERCHANT_ID};

mod support;

use support::{Fixture, fixture, quick};

const USER: &str = "2160220000000002";
const BACK: &str = "https://merchant.example/points/back?order=42";

/// The `resultCode` of an `F` answer; panics on anything else.
fn refused<R: std::fmt::Debug, C: std::fmt::Debug>(result: Result<R, Error<C>>) -> String {
    match result {
        Err(Error::Failed { result, .. }) => result.result_code,
        other => panic!("expected F, got {other:?}"),
    }
}

fn prepare(scopes: &[&str]) -> PrepareForRedirectRequest {
    PrepareForRedirectRequest::new(
        MERCHANT_ID,
        PrepareForRedirectAuthSite::AlipayHk,
        BACK,
        scopes.iter().map(|s| (*s).to_owned()).collect(),
        PrepareForRedirectTerminalType::Wap,
    )
}

/// A browser that does not follow redirects: the test reads where the page sends the user.
fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// The authorisation page's URL, from prepareForRedirect.
async fn authorisation_url(f: &Fixture) -> String {
    let answer = f
        .client()
        .execute(&prepare(&["USER_POINTS"]))
        .await
        .unwrap();
    answer.auth_site_url
}

/// The user's decision on `page`: the status, and where the user is sent, if anywhere.
async fn decide(page: &str, decision: &str) -> (reqwest::StatusCode, Option<String>) {
    let answer = browser()
        .get(format!("{page}&{decision}"))
        .send()
        .await
        .unwrap();
    let location = answer
        .headers()
        .get(reqwest::header::LOCATION)
        .map(|v| v.to_str().unwrap().to_owned());
    (answer.status(), location)
}

fn query_value(url: &str, name: &str) -> Option<String> {
    let query = url.split_once('?')?.1;
    query
        .split('&')
        .find_map(|pair| pair.strip_prefix(name)?.strip_prefix('='))
        .map(str::to_owned)
}

#[tokio::test]
async fn the_user_agrees_on_the_page_and_the_code_reads_the_a_points() {
    let f = fixture().await;
    let client = f.client();
    let page = authorisation_url(&f).await;
    assert!(
        page.starts_with(&format!("{}/oauth/authorize?session=", f.gateway.url())),
        "{page}"
    );

    // The consent page: the merchant, the scope, a form to agree or deny.
    let shown = browser().get(&page).send().await.unwrap();
    assert_eq!(shown.status(), 200);
    let html = shown.text().await.unwrap();
    for expected in [
        MERCHANT_ID,
        "USER_POINTS",
        "value=\"agree\"",
        "value=\"deny\"",
    ] {
        assert!(html.contains(expected), "{expected} missing from {html}");
    }

    let (status, location) = decide(&page, &format!("user={USER}&consent=agree")).await;
    assert_eq!(status, 302);
    let location = location.expect("a Location");
    // The merchant's query is kept; the result is appended after it.
    assert!(
        location.starts_with(&format!("{BACK}&authCode=")),
        "{location}"
    );
    assert_eq!(
        query_value(&location, "authResult").as_deref(),
        Some("SUCCESS")
    );
    let code = query_value(&location, "authCode").unwrap();

    let token = client
        .execute(&ApplyTokenRequest::new(ApplyTokenGrantType::AuthorizationCode).auth_code(code))
        .await
        .unwrap()
        .access_token
        .unwrap();
    let issue = BenefitIssueRequest::new(ProviderUserInfo::new().user_id(USER))
        .biz_no("V1-ISSUE-1")
        .amount(300);
    client.execute(&issue).await.unwrap();
    let balance = client
        .execute(&UserPromoBenefitQueryRequest::new(&token))
        .await
        .unwrap()
        .account_benefit_model
        .and_then(|m| m.available_amount);
    assert_eq!(balance, Some(300));
}

#[tokio::test]
async fn a_denial_sends_the_user_back_with_fail_and_no_code() {
    let f = fixture().await;
    let page = authorisation_url(&f).await;
    let (status, location) = decide(&page, "consent=deny").await;
    assert_eq!(status, 302);
    let location = location.unwrap();
    assert_eq!(location, format!("{BACK}&authResult=FAIL"));
    assert_eq!(query_value(&location, "authCode"), None);
}

#[tokio::test]
async fn a_session_serves_one_decision_within_ten_minutes() {
    let f = fixture().await;
    let page = authorisation_url(&f).await;
    let agree = format!("user={USER}&consent=agree");
    assert_eq!(decide(&page, &agree).await.0, 302);
    // Used: neither the page nor a second decision.
    let (status, location) = decide(&page, &agree).await;
    assert_eq!((status.as_u16(), location), (400, None));
    assert_eq!(browser().get(&page).send().await.unwrap().status(), 400);

    let page = authorisation_url(&f).await;
    let session = query_value(&page, "session").unwrap();
    f.gateway.expire_authorisation_session(&session);
    let expired = browser().get(&page).send().await.unwrap();
    assert_eq!(expired.status(), 400);
    assert!(expired.text().await.unwrap().contains("expired"));
    assert_eq!(decide(&page, &agree).await.0, 400);

    let unknown = format!("{}/oauth/authorize?session=S404", f.gateway.url());
    assert_eq!(browser().get(&unknown).send().await.unwrap().status(), 400);
}

#[tokio::test]
async fn the_page_escapes_what_it_shows_and_keeps_the_session_for_a_bad_user() {
    let f = fixture().await;
    let page = authorisation_url(&f).await;
    let answer = browser()
        .get(format!("{page}&user=%3Cscript%3E&consent=agree"))
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 400);
    let html = answer.text().await.unwrap();
    assert!(
        !html.contains("<script>") && html.contains("&#60;script&#62;"),
        "{html}"
    );
    // The session still waits for a decision: the form posts one.
    let posted = browser()
        .post(f.gateway.url() + alipayhk_gateway::AUTHORISE_PATH)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!(
            "session={}&user={USER}&consent=agree",
            query_value(&page, "session").unwrap()
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(posted.status(), 302);
}

#[tokio::test]
async fn prepare_for_redirect_refuses_a_scope_it_does_not_list_and_a_relative_url() {
    let f = fixture().await;
    let client = f.client();
    let other_scope = client.execute(&prepare(&["USER_INFO"])).await;
    assert_eq!(refused(other_scope), "PARAM_ILLEGAL");
    assert_eq!(
        refused(client.execute(&prepare(&[])).await),
        "PARAM_ILLEGAL"
    );
    let mut relative = prepare(&["USER_POINTS"]);
    relative.merchant_redirect_url = "/back".into();
    assert_eq!(refused(client.execute(&relative).await), "PARAM_ILLEGAL");
}

fn auto_debit_token(code: &str, agreement: &str) -> AutoDebitApplyTokenRequest {
    AutoDebitApplyTokenRequest::new(
        AutoDebitApplyTokenGrantType::AuthorizationCode,
        MERCHANT_ID,
        AutoDebitApplyTokenAuthSite::AlipayHk,
    )
    .auth_code(code)
    .other_field("merchantAgreementId", agreement)
}

#[tokio::test]
async fn an_auto_debit_binding_gives_tokens_and_its_cancel_revokes_them() {
    let f = fixture().await;
    let client = f.client();
    let code = f.gateway.issue_auth_code(USER);
    let answer = client
        .execute(&auto_debit_token(&code, "AGREEMENT-1"))
        .await
        .unwrap();
    assert_eq!(answer.other_fields["merchantAgreementId"], "AGREEMENT-1");
    let info = answer.access_token_info.unwrap();
    assert_eq!(info.token_status.as_deref(), Some("ACTIVE"));
    let access = info.access_token.unwrap();
    let refresh = info.refresh_token.unwrap();
    client
        .execute(&InquriyUserInfoRequest::new(&access))
        .await
        .unwrap();
    let agreement = f.gateway.agreement(MERCHANT_ID, "AGREEMENT-1").unwrap();
    assert_eq!(
        (agreement.user_id.as_str(), agreement.cancelled),
        (USER, false)
    );

    // A code is spent once.
    let again = client
        .execute(&auto_debit_token(&code, "AGREEMENT-2"))
        .await;
    assert_eq!(refused(again), "INVALID_AUTHCODE");

    let cancel = AutoDebitCancelByAuthInfoRequest::new(MERCHANT_ID, "AGREEMENT-1");
    client.execute(&cancel).await.unwrap();
    assert!(
        f.gateway
            .agreement(MERCHANT_ID, "AGREEMENT-1")
            .unwrap()
            .cancelled
    );
    // Neither token works any more.
    let read = client.execute(&InquriyUserInfoRequest::new(&access)).await;
    assert_eq!(refused(read), "INVALID_TOKEN");
    let renew = AutoDebitApplyTokenRequest::new(
        AutoDebitApplyTokenGrantType::RefreshToken,
        MERCHANT_ID,
        AutoDebitApplyTokenAuthSite::AlipayHk,
    )
    .refresh_token(refresh);
    assert_eq!(refused(client.execute(&renew).await), "PROCESS_FAIL");

    let unknown = AutoDebitCancelByAuthInfoRequest::new(MERCHANT_ID, "NO-SUCH-AGREEMENT");
    assert_eq!(refused(client.execute(&unknown).await), "PARAM_ILLEGAL");
}

fn hkd(value: &str) -> PaymentAmount {
    PaymentAmount::new().currency("HKD").value(value)
}

/// A payment of `value` HKD cents under `request_id`; its AlipayHK ID (`acquirementId`).
async fn paid(f: &Fixture, request_id: &str, value: &str) -> String {
    let code = f.gateway.issue_payment_code(USER, "ALIPAY_HK");
    let pay = PayRequest::new(
        PaymentOrder::new()
            .reference_order_id(format!("ORDER-{request_id}"))
            .order_description("Monthly plan")
            .order_amount(hkd(value)),
    )
    .product_code(PaymentProductCode::InStorePayment)
    .payment_request_id(request_id)
    .payment_amount(hkd(value))
    .payment_method(
        PaymentMethod::new()
            .payment_method_type(PaymentMethodType::ConnectWallet)
            .payment_method_id(code),
    );
    f.client()
        .execute(&pay)
        .await
        .unwrap()
        .payment_id
        .unwrap()
        .to_string()
}

fn refund(acquirement: &str, refund_id: &str, value: &str) -> AutoDebitRefundRequest {
    AutoDebitRefundRequest::new(MERCHANT_ID, acquirement, refund_id, hkd(value))
}

#[tokio::test]
async fn an_auto_debit_refund_acts_once_per_merchant_refund_id_within_the_amount() {
    let f = fixture().await;
    let client = f.client();
    let acquirement = paid(&f, "AD-PAY-1", "1000").await;
    client
        .execute(&refund(&acquirement, "AD-REFUND-1", "400"))
        .await
        .unwrap();
    // The same refund again (after a timeout) refunds nothing more.
    client
        .execute(&refund(&acquirement, "AD-REFUND-1", "400"))
        .await
        .unwrap();
    assert_eq!(f.gateway.payment("AD-PAY-1").unwrap().refunded, 400);

    let too_much = client
        .execute(&refund(&acquirement, "AD-REFUND-2", "700"))
        .await;
    assert_eq!(refused(too_much), "REFUND_AMOUNT_EXCEED");
    let unknown = client
        .execute(&refund("NO-SUCH-PAYMENT", "AD-REFUND-3", "1"))
        .await;
    assert_eq!(refused(unknown), "ORDER_NOT_EXIST");
    assert_eq!(f.gateway.payment("AD-PAY-1").unwrap().refunded, 400);
}

#[tokio::test]
async fn pay_cancel_closes_the_days_payment_by_either_id_and_refuses_an_old_one() {
    let f = fixture().await;
    let client = f.client();
    let acquirement = paid(&f, "AD-PAY-2", "500").await;
    let by_acquirement = AutoDebitPayCancelRequest::new(MERCHANT_ID).acquirement_id(&acquirement);
    client.execute(&by_acquirement).await.unwrap();
    assert_eq!(
        f.gateway.payment("AD-PAY-2").unwrap().state,
        alipayhk_gateway::PaymentState::Cancelled
    );

    // A payment never made, by the merchant's ID: cancelled, it can never be made.
    let never_made = AutoDebitPayCancelRequest::new(MERCHANT_ID).merchant_trans_id("AD-PAY-3");
    client.execute(&never_made).await.unwrap();
    let code = f.gateway.issue_payment_code(USER, "ALIPAY_HK");
    let pay = PayRequest::new(PaymentOrder::new().order_amount(hkd("100")))
        .payment_request_id("AD-PAY-3")
        .payment_amount(hkd("100"))
        .payment_method(PaymentMethod::new().payment_method_id(code));
    assert_eq!(refused(client.execute(&pay).await), "ORDER_IS_CLOSED");

    paid(&f, "AD-PAY-4", "500").await;
    f.gateway.age_payment("AD-PAY-4");
    let old = AutoDebitPayCancelRequest::new(MERCHANT_ID).merchant_trans_id("AD-PAY-4");
    assert_eq!(refused(client.execute(&old).await), "PROCESS_FAIL");
}

#[tokio::test]
async fn an_after_fault_on_a_v1_route_is_resolved_by_re_sending() {
    let f = fixture().await;
    let acquirement = paid(&f, "AD-PAY-5", "1000").await;
    // The refund happens, then the answer is U; the re-send is answered from the record.
    let fault = Fault::After {
        code: "UNKNOWN_EXCEPTION".into(),
        status: "U".into(),
        message: None,
    };
    f.gateway.faults().script("AD-REFUND-5", fault, Some(1));
    let resolved = f
        .client()
        .execute_resolving_unknown(&refund(&acquirement, "AD-REFUND-5", "250"), quick())
        .await
        .unwrap();
    assert!(matches!(resolved, Resolved::Done(_)), "{resolved:?}");
    assert_eq!(f.gateway.payment("AD-PAY-5").unwrap().refunded, 250);
}

#[tokio::test]
async fn a_corrupted_v1_signature_is_caught_and_the_re_send_changes_nothing() {
    let f = fixture().await;
    let acquirement = paid(&f, "AD-PAY-6", "1000").await;
    // Keyed by the v1 body's merchantRefundId: the transport layer reads inside the envelope.
    f.gateway
        .faults()
        .script("AD-REFUND-6", Fault::CorruptSignature, Some(1));
    let request = refund(&acquirement, "AD-REFUND-6", "250");
    let answer = f.client().execute(&request).await;
    assert!(
        matches!(
            answer,
            Err(Error::Protocol(alipayhk::runtime::ProtocolError::Envelope(
                _
            )))
        ),
        "{answer:?}"
    );
    f.client().execute(&request).await.unwrap();
    assert_eq!(f.gateway.payment("AD-PAY-6").unwrap().refunded, 250);
}

#[tokio::test]
async fn an_omitted_v1_signature_is_not_trusted() {
    let f = fixture().await;
    f.gateway
        .faults()
        .script("*", Fault::OmitSignature, Some(1));
    let answer = f.client().execute(&prepare(&["USER_POINTS"])).await;
    assert!(
        matches!(
            answer,
            Err(Error::Protocol(
                alipayhk::runtime::ProtocolError::SignatureMissing
            ))
        ),
        "{answer:?}"
    );
}
