//! The v1 head/body envelope at the local gateway, byte for byte: one changed byte inside
//! `request` fails the signature, an envelope signed for another endpoint's function and a
//! header-signed request at a v1 path are refused, each with an unsigned `response` envelope;
//! and the inbound accountBinding (Bills & Utilities, v1) that the gateway's notifier sends
//! as AlipayHK is accepted by the generated webhook router. The v1 endpoints' behaviour is in
//! `v1_family_e2e.rs`.

use std::sync::{Arc, Mutex};

use alipayhk::runtime::head_body::{Direction, Received};
use alipayhk::runtime::notifications::{Delivery, InMemoryStore, Inbox};
use alipayhk::runtime::server::ServerConfig;
use alipayhk::runtime::{Endpoint, PrivateKey, ResultInfo, ResultStatus};
use alipayhk::webhooks::{Notification, Webhooks};
use alipayhk::*;
use alipayhk_gateway::MERCHANT_ID;
use alipayhk_gateway::notify::{Verdict, deliver};

mod support;

use support::{CLIENT_ID, Fixture, fixture};

const USER: &str = "2160220000000002";

fn prepare() -> PrepareForRedirectRequest {
    PrepareForRedirectRequest::new(
        MERCHANT_ID,
        PrepareForRedirectAuthSite::AlipayHk,
        "https://merchant.example/points/back",
        vec!["USER_POINTS".to_owned()],
        PrepareForRedirectTerminalType::Wap,
    )
}

/// POSTs `body` with `headers` to `path` on the gateway; the status and the body.
async fn post_raw(
    f: &Fixture,
    path: &str,
    headers: &[(&'static str, String)],
    body: Vec<u8>,
) -> (u16, Vec<u8>) {
    let mut request = reqwest::Client::new()
        .post(format!("{}{path}", f.gateway.url()))
        .body(body);
    for (name, value) in headers {
        request = request.header(*name, value);
    }
    let answer = request.send().await.unwrap();
    (
        answer.status().as_u16(),
        answer.bytes().await.unwrap().to_vec(),
    )
}

/// The result of an unsigned v1 refusal; panics if the answer is signed or not an envelope.
fn unsigned_refusal(body: &[u8]) -> ResultInfo {
    let received = Received::parse(Direction::Response, body).expect("a v1 response envelope");
    assert!(!received.is_signed(), "a refusal is not signed");
    let body: serde_json::Value = serde_json::from_slice(received.body()).unwrap();
    serde_json::from_value(body["resultInfo"].clone()).unwrap()
}

#[tokio::test]
async fn one_changed_byte_inside_request_fails_the_signature() {
    let f = fixture().await;
    let signed = f.client().prepare(&prepare()).unwrap();
    let text = String::from_utf8(signed.body.clone()).unwrap();
    // A space after the first colon inside `request`: the same JSON, other bytes.
    let at = text.find("\"request\":").unwrap() + "\"request\":".len();
    let colon = at + text[at..].find(':').unwrap();
    let mut body = text.into_bytes();
    body.insert(colon + 1, b' ');
    let (status, answer) = post_raw(&f, signed.path, &signed.headers, body).await;
    let result = unsigned_refusal(&answer);
    assert_eq!(result.result_code, "INVALID_SIGNATURE", "{status}");
    assert_eq!(result.result_status, ResultStatus::Failure);

    // The untouched envelope is served.
    let (_, answer) = post_raw(&f, signed.path, &signed.headers, signed.body).await;
    assert!(
        Received::parse(Direction::Response, &answer)
            .unwrap()
            .is_signed()
    );
}

#[tokio::test]
async fn an_envelope_for_another_function_is_refused() {
    let f = fixture().await;
    // Signed properly, for cancelByAuthInfo (the same SHA1withRSA family), sent to refund.
    let signed = f
        .client()
        .prepare(&AutoDebitCancelByAuthInfoRequest::new(
            MERCHANT_ID,
            "AGREEMENT-9",
        ))
        .unwrap();
    let (_, answer) = post_raw(
        &f,
        <AutoDebitRefundRequest as Endpoint>::PATH,
        &signed.headers,
        signed.body,
    )
    .await;
    let result = unsigned_refusal(&answer);
    assert_eq!(result.result_code, "PARAM_ILLEGAL");
    assert!(
        result
            .result_message
            .unwrap_or_default()
            .contains("function"),
        "the refusal says why"
    );
}

#[tokio::test]
async fn a_header_signed_request_at_a_v1_path_is_refused() {
    let f = fixture().await;
    let header_signed = f
        .client()
        .prepare(&ApplyTokenRequest::new(ApplyTokenGrantType::AuthorizationCode).auth_code("X"))
        .unwrap();
    let (_, answer) = post_raw(
        &f,
        <PrepareForRedirectRequest as Endpoint>::PATH,
        &header_signed.headers,
        header_signed.body,
    )
    .await;
    // Not an envelope: refused before any handler, unsigned.
    assert_eq!(unsigned_refusal(&answer).result_code, "PARAM_ILLEGAL");
}

/// The merchant's bill accounts, bound by accountBinding.
#[derive(Default)]
struct Bills {
    bound: Mutex<Vec<(String, String)>>,
}

impl Webhooks for Bills {
    async fn account_binding(
        &self,
        request: AccountBindingRequest,
        _delivery: Delivery,
    ) -> Result<AccountBindingResponse, ResultInfo> {
        let user = request.user_id.map(|u| u.to_string()).unwrap_or_default();
        let account = request.account_id.unwrap_or_default();
        self.bound.lock().unwrap().push((account, user));
        Ok(AccountBindingResponse::new(ResultInfo::new(
            "SUCCESS",
            ResultStatus::Success,
            "bound",
        )))
    }
}

#[tokio::test]
async fn the_gateway_notifier_sends_account_binding_as_a_v1_request_the_webhook_router_accepts() {
    let f = fixture().await;
    let bills = Arc::new(Bills::default());
    let server = ServerConfig::new(
        PrivateKey::merchant(f.merchant_pem()).unwrap(),
        f.gateway.platform_public_key.clone(),
        CLIENT_ID,
    );
    let prefix = "/merchant";
    let app = axum::Router::new().nest(
        prefix,
        webhooks::router(bills.clone(), Inbox::new(InMemoryStore::default()), server),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });

    let binding = AccountBindingRequest::new(
        MERCHANT_ID,
        "TELECOM",
        "MOBILE_SERVICE",
        AccountBindingSource::Normal,
        "1780849297416",
    )
    .account_id("88781108")
    .user_id(USER);
    let notifier = f
        .gateway
        .notifier(&format!("http://{addr}{prefix}"))
        .unwrap();
    let verdict = deliver(&notifier, &Notification::AccountBinding(binding)).await;
    assert_eq!(
        verdict,
        Verdict::Answered {
            status: ResultStatus::Success,
            code: "SUCCESS".into(),
            message: None,
        }
    );
    assert_eq!(
        *bills.bound.lock().unwrap(),
        [("88781108".to_owned(), USER.to_owned())]
    );

    // A header-signed body at the v1 webhook path is refused before the handler.
    let header_signed = f
        .client()
        .prepare(&ApplyTokenRequest::new(ApplyTokenGrantType::AuthorizationCode).auth_code("X"))
        .unwrap();
    let mut request = reqwest::Client::new()
        .post(format!(
            "http://{addr}{prefix}{}",
            <AccountBindingRequest as Endpoint>::PATH
        ))
        .body(header_signed.body);
    for (name, value) in &header_signed.headers {
        request = request.header(*name, value);
    }
    let answer = request.send().await.unwrap().bytes().await.unwrap();
    assert_ne!(
        unsigned_refusal(&answer).result_status,
        ResultStatus::Success
    );
    assert_eq!(bills.bound.lock().unwrap().len(), 1);
}
