//! Both halves of the v1 envelope on a generated endpoint (`prepareForRedirect`), without a
//! network: what the client accepts as an answer (`Client::read_response`), what the serving
//! side accepts as a request (`server::verify_head_body_request`), and what a re-send keeps.
//! Every refusal is a typed error, never a success read from unverified bytes.

use std::time::{Duration, SystemTime};

use alipayhk::runtime::head_body::{Direction, EnvelopeError, Outgoing, Received};
use alipayhk::runtime::reqwest::header::HeaderMap;
use alipayhk::runtime::server::{
    Rejection, ServerConfig, sign_head_body_response, verify_head_body_request,
};
use alipayhk::runtime::{
    Client, Endpoint, Error, HeadBody, KeyRole, PrivateKey, Protocol, ProtocolError, UnknownReason,
};
use alipayhk::{
    PrepareForRedirectAuthSite, PrepareForRedirectRequest, PrepareForRedirectResultCode,
    PrepareForRedirectTerminalType,
};

const CLIENT_ID: &str = "V1_CLIENT";

struct Sides {
    merchant: PrivateKey,
    platform: PrivateKey,
    client: Client,
    /// The platform's serving side: verifies the merchant, signs answers.
    platform_side: ServerConfig,
}

fn sides() -> Sides {
    let merchant = PrivateKey::generate(KeyRole::MerchantPrivate).unwrap();
    let platform = PrivateKey::generate(KeyRole::PlatformPrivate).unwrap();
    let client = Client::builder()
        .base_url("http://127.0.0.1:9")
        .client_id(CLIENT_ID)
        .merchant_key(merchant.clone())
        .platform_key(platform.public_key())
        .build()
        .unwrap();
    let platform_side = ServerConfig::new(platform.clone(), merchant.public_key(), CLIENT_ID);
    Sides {
        merchant,
        platform,
        client,
        platform_side,
    }
}

fn protocol() -> HeadBody {
    match PrepareForRedirectRequest::PROTOCOL {
        Protocol::HeadBody(protocol) => protocol,
        Protocol::Headers => panic!("prepareForRedirect is a v1 endpoint"),
    }
}

fn request() -> PrepareForRedirectRequest {
    PrepareForRedirectRequest::new(
        "2160120012345678",
        PrepareForRedirectAuthSite::AlipayHk,
        "https://merchant.example/back",
        vec!["USER_POINTS".to_owned()],
        PrepareForRedirectTerminalType::Wap,
    )
}

const ANSWER: &[u8] = br#"{"resultInfo":{"resultStatus":"S","resultCode":"SUCCESS","resultCodeId":"00000000","resultMsg":"success"},"authSiteUrl":"https://wallet.example/authorize?x=1"}"#;

fn read(
    s: &Sides,
    status: u16,
    body: &[u8],
) -> Result<alipayhk::PrepareForRedirectResponse, Error<PrepareForRedirectResultCode>> {
    s.client
        .read_response::<PrepareForRedirectRequest>(status, &HeaderMap::new(), body)
}

fn expect_envelope<T: std::fmt::Debug>(
    result: Result<T, Error<PrepareForRedirectResultCode>>,
) -> EnvelopeError {
    match result {
        Err(Error::Protocol(ProtocolError::Envelope(error))) => error,
        other => panic!("expected an envelope error, got {other:?}"),
    }
}

#[test]
fn a_signed_answer_is_read_and_any_changed_byte_of_it_is_refused() {
    let s = sides();
    let signed = sign_head_body_response(&s.platform_side, &protocol(), "m-1", ANSWER);
    let answer = read(&s, 200, &signed).expect("a signed answer");
    assert_eq!(answer.auth_site_url, "https://wallet.example/authorize?x=1");

    let text = String::from_utf8(signed.clone()).unwrap();
    // A space after a colon changes no JSON value, only the signed bytes.
    let spaced = text.replacen("\"authSiteUrl\":", "\"authSiteUrl\": ", 1);
    let changed = text.replacen("x=1", "x=2", 1);
    for tampered in [spaced, changed] {
        assert!(matches!(
            expect_envelope(read(&s, 200, tampered.as_bytes())),
            EnvelopeError::BadSignature { .. }
        ));
    }
}

#[test]
fn an_answer_signed_by_another_key_or_for_another_call_is_refused() {
    let s = sides();
    let stranger = ServerConfig::new(
        PrivateKey::generate(KeyRole::PlatformPrivate).unwrap(),
        s.merchant.public_key(),
        CLIENT_ID,
    );
    let forged = sign_head_body_response(&stranger, &protocol(), "m-1", ANSWER);
    assert!(matches!(
        expect_envelope(read(&s, 200, &forged)),
        EnvelopeError::BadSignature { .. }
    ));

    let other_function = HeadBody {
        function: "alipay.intl.oauth.auth.applyToken",
        ..protocol()
    };
    let misdirected = sign_head_body_response(&s.platform_side, &other_function, "m-1", ANSWER);
    assert!(matches!(
        expect_envelope(read(&s, 200, &misdirected)),
        EnvelopeError::WrongFunction { .. }
    ));

    let other_client = ServerConfig::new(s.platform.clone(), s.merchant.public_key(), "SOMEONE");
    let not_ours = sign_head_body_response(&other_client, &protocol(), "m-1", ANSWER);
    assert!(matches!(
        expect_envelope(read(&s, 200, &not_ours)),
        EnvelopeError::WrongClient
    ));
}

#[test]
fn an_unsigned_success_is_refused_and_an_unsigned_failure_is_read() {
    let s = sides();
    let unsigned = |body: &[u8]| {
        Outgoing {
            direction: Direction::Response,
            protocol: protocol(),
            client_id: CLIENT_ID,
            msg_id: "m-1",
            time: "2024-06-13T10:33:41+08:00",
            body,
        }
        .unsigned()
    };
    assert!(matches!(
        read(&s, 200, &unsigned(ANSWER)),
        Err(Error::Protocol(ProtocolError::SignatureMissing))
    ));
    let refusal =
        br#"{"resultInfo":{"resultStatus":"F","resultCode":"INVALID_SIGNATURE","resultMsg":"no"}}"#;
    match read(&s, 200, &unsigned(refusal)) {
        Err(Error::Failed { code, .. }) => {
            assert_eq!(code, PrepareForRedirectResultCode::InvalidSignature)
        }
        other => panic!("expected INVALID_SIGNATURE, got {other:?}"),
    }
}

#[test]
fn what_is_not_an_envelope_is_a_protocol_error_or_a_server_error() {
    let s = sides();
    assert!(matches!(
        expect_envelope(read(&s, 200, br#"{"result":{"resultStatus":"S"}}"#)),
        EnvelopeError::NotEnvelope { .. }
    ));
    assert!(matches!(
        read(&s, 502, b"<html>bad gateway</html>"),
        Err(Error::Unknown {
            reason: UnknownReason::ServerError(502),
            ..
        })
    ));
}

#[test]
fn the_serving_side_refuses_every_broken_request_by_type() {
    let s = sides();
    let config = &s.platform_side;
    let now = SystemTime::now();
    let sent = s.client.prepare(&request()).unwrap().body;
    let verified = verify_head_body_request(config, &protocol(), &sent, now).expect("verifies");
    assert_eq!(verified.caller.client_id, CLIENT_ID);
    let body: serde_json::Value = serde_json::from_slice(&verified.body).unwrap();
    assert_eq!(body["authMerchantId"], "2160120012345678");
    assert!(!verified.msg_id.is_empty());

    let text = String::from_utf8(sent.clone()).unwrap();
    let refused = |bytes: &[u8], at: SystemTime| {
        verify_head_body_request(config, &protocol(), bytes, at).unwrap_err()
    };
    let spaced = text.replacen("\"body\":", "\"body\": ", 1);
    assert_eq!(refused(spaced.as_bytes(), now), Rejection::InvalidSignature);
    let unsigned = text.split(",\"signature\"").next().unwrap().to_owned() + "}";
    assert_eq!(refused(unsigned.as_bytes(), now), Rejection::Unsigned);
    let stranger = text.replacen(CLIENT_ID, "SOMEONE", 1);
    assert_eq!(refused(stranger.as_bytes(), now), Rejection::UnknownClient);
    assert!(matches!(
        refused(&sent, now + Duration::from_secs(26 * 3600)),
        Rejection::Stale(_)
    ));
    let other = HeadBody {
        function: "alipay.intl.oauth.auth.applyToken",
        ..protocol()
    };
    assert!(matches!(
        verify_head_body_request(config, &other, &sent, now).unwrap_err(),
        Rejection::Envelope(EnvelopeError::WrongFunction { .. })
    ));
    assert!(matches!(
        refused(b"{\"request\":[]}", now),
        Rejection::Envelope(EnvelopeError::NotEnvelope { .. })
    ));
    for rejection in [Rejection::InvalidSignature, Rejection::Unsigned] {
        assert_eq!(rejection.code(), "INVALID_SIGNATURE");
    }
}

#[test]
fn a_resend_keeps_its_body_and_message_id_with_a_fresh_signature() {
    let s = sides();
    let first = s.client.prepare(&request()).unwrap();
    std::thread::sleep(Duration::from_millis(1100));
    let again = s.client.resign(&first);
    let (a, b) = (
        Received::parse(Direction::Request, &first.body).unwrap(),
        Received::parse(Direction::Request, &again.body).unwrap(),
    );
    assert_eq!(a.body(), b.body());
    assert_eq!(a.head().req_msg_id, b.head().req_msg_id);
    assert_ne!(a.head().req_time, b.head().req_time);
    b.verify(&protocol(), &s.merchant.public_key()).unwrap();
    // A fresh request is a fresh message.
    let other = s.client.prepare(&request()).unwrap();
    let c = Received::parse(Direction::Request, &other.body).unwrap();
    assert_ne!(a.head().req_msg_id, c.head().req_msg_id);
}

/// A platform on 127.0.0.1 that answers every `prepareForRedirect` with a signed success:
/// to the request's own `reqMsgId`, or, with `replay`, to a recorded `m-recorded`.
async fn platform(s: &Sides, replay: bool) -> Client {
    let config = std::sync::Arc::new(ServerConfig::new(
        s.platform.clone(),
        s.merchant.public_key(),
        CLIENT_ID,
    ));
    let path = PrepareForRedirectRequest::PATH;
    let app = axum::Router::new().route(
        path,
        axum::routing::post(move |body: axum::body::Bytes| async move {
            let config = config.clone();
            let received = Received::parse(Direction::Request, &body).unwrap();
            let sent = received.head().req_msg_id.clone().unwrap();
            let answered = if replay { "m-recorded" } else { sent.as_str() };
            sign_head_body_response(&config, &protocol(), answered, ANSWER)
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let at = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    Client::builder()
        .base_url(format!("http://{at}"))
        .client_id(CLIENT_ID)
        .merchant_key(s.merchant.clone())
        .platform_key(s.platform.public_key())
        .build()
        .unwrap()
}

#[tokio::test]
async fn a_signed_answer_to_another_message_is_refused() {
    let s = sides();
    let answer = platform(&s, false).await.execute(&request()).await;
    assert_eq!(
        answer.expect("its own answer").auth_site_url,
        "https://wallet.example/authorize?x=1"
    );
    let replayed = platform(&s, true).await.execute(&request()).await;
    assert!(matches!(
        expect_envelope(replayed),
        EnvelopeError::WrongMessage
    ));
}

#[test]
fn an_answer_older_than_the_allowed_skew_is_refused_when_asked() {
    let s = sides();
    let old = Outgoing {
        direction: Direction::Response,
        protocol: protocol(),
        client_id: CLIENT_ID,
        msg_id: "m-1",
        time: "2024-06-13T10:33:41+08:00",
        body: ANSWER,
    }
    .seal(&s.platform)
    .unwrap();
    // Off by default: read.
    read(&s, 200, &old).expect("no skew asked for");
    let strict = Client::builder()
        .base_url("http://127.0.0.1:9")
        .client_id(CLIENT_ID)
        .merchant_key(s.merchant.clone())
        .platform_key(s.platform.public_key())
        .max_response_skew(Some(Duration::from_secs(300)))
        .build()
        .unwrap();
    let read = strict.read_response::<PrepareForRedirectRequest>(200, &HeaderMap::new(), &old);
    assert!(
        matches!(read, Err(Error::Protocol(ProtocolError::Stale(_)))),
        "{read:?}"
    );
}

/// A handler's answer that is not a JSON object (an empty body, a framework's text error) is
/// never signed as the body: the caller reads a signed `U`.
#[test]
fn the_serving_side_signs_only_an_object_as_the_body() {
    let s = sides();
    for answer in [
        &b""[..],
        b"Failed to deserialize the JSON body",
        b"[1]",
        b"{}x",
    ] {
        let signed = sign_head_body_response(&s.platform_side, &protocol(), "m-1", answer);
        let received = Received::parse(Direction::Response, &signed).expect("an envelope");
        received
            .verify(&protocol(), &s.platform.public_key())
            .unwrap();
        let body: serde_json::Value = serde_json::from_slice(received.body()).unwrap();
        assert_eq!(body["resultInfo"]["resultCode"], "UNKNOWN_EXCEPTION");
        assert!(matches!(read(&s, 200, &signed), Err(Error::Unknown { .. })));
    }
}
