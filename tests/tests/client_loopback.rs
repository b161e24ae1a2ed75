//! The client against a real HTTP server on 127.0.0.1 that checks request signatures exactly
//! as the gateway does and signs (or, on purpose, mis-signs) its responses.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use alipayhk::runtime::encrypt::{BodyCipher, RsaAesEcb};
use alipayhk::runtime::retry::RetryPolicy;
use alipayhk::runtime::sign::{self, SignatureHeader};
use alipayhk::runtime::{
    Client, Error, KeyRole, PrivateKey, ProtocolError, PublicKey, UnknownReason,
};
use alipayhk::{PassResultCode, UpdatePassRequest, UpdatePassStatus, UpdatePassUpdateDetailType};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

const CLIENT_ID: &str = "2160TESTCLIENT";

/// What the server received, after checking its signature.
#[derive(Debug, Clone)]
struct Received {
    headers: Vec<(String, String)>,
    /// The body as JSON, after decryption when it was encrypted.
    json: serde_json::Value,
}

/// How the server answers one request.
#[derive(Clone)]
struct Reply {
    body: String,
    sign: bool,
    tamper: bool,
    only_signature: bool,
    delay: Duration,
    encrypt: bool,
}

fn reply(body: &str) -> Reply {
    Reply {
        body: body.into(),
        sign: true,
        tamper: false,
        only_signature: false,
        delay: Duration::ZERO,
        encrypt: false,
    }
}

const SUCCESS: &str =
    r#"{"result":{"resultCode":"SUCCESS","resultStatus":"S","resultMessage":"Success"}}"#;
const NOT_EXIST: &str = r#"{"result":{"resultCode":"PASS_HAS_NOT_EXIST","resultStatus":"F","resultMessage":"no pass"}}"#;
const UNKNOWN: &str = r#"{"result":{"resultCode":"UNKNOWN_EXCEPTION","resultStatus":"U","resultMessage":"try later"}}"#;

struct Gateway {
    url: String,
    received: Arc<Mutex<Vec<Received>>>,
    merchant: Arc<PrivateKey>,
    platform: Arc<PrivateKey>,
}

/// Starts a server answering requests with `replies` in turn (the last one repeats).
async fn gateway(replies: Vec<Reply>) -> Gateway {
    let merchant = Arc::new(PrivateKey::generate(KeyRole::MerchantPrivate).unwrap());
    let platform = Arc::new(PrivateKey::generate(KeyRole::PlatformPrivate).unwrap());
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let received = Arc::new(Mutex::new(Vec::new()));
    let (m, p, r) = (merchant.clone(), platform.clone(), received.clone());
    tokio::spawn(async move {
        let mut count = 0;
        loop {
            let (mut socket, _) = listener.accept().await.unwrap();
            let plan = replies[count.min(replies.len() - 1)].clone();
            count += 1;
            let (m, p, r) = (m.clone(), p.clone(), r.clone());
            tokio::spawn(async move {
                let Some((head, body)) = read_request(&mut socket).await else {
                    return;
                };
                let (path, headers) = parse_head(&head);
                let header = |name: &str| {
                    headers
                        .iter()
                        .find(|(k, _)| k.eq_ignore_ascii_case(name))
                        .map(|(_, v)| v.clone())
                };
                // Check the request as the gateway would: path without query, raw body bytes.
                let signature = SignatureHeader::parse(&header("signature").unwrap()).unwrap();
                sign::SignedContent {
                    method: "POST",
                    path: path.split('?').next().unwrap(),
                    client_id: &header("client-id").unwrap(),
                    time: &header("request-time").unwrap(),
                    body: &body,
                }
                .verify(&m.public_key(), &signature.signature)
                .expect("the client's signature verifies at the gateway");
                let plain = match header("encrypt") {
                    Some(encrypt) => RsaAesEcb.decrypt(&p, &encrypt, &body).unwrap().to_vec(),
                    None => body.clone(),
                };
                r.lock().unwrap().push(Received {
                    headers: headers.clone(),
                    json: serde_json::from_slice(&plain).unwrap(),
                });
                tokio::time::sleep(plan.delay).await;
                let (out_body, encrypt) = if plan.encrypt {
                    let sealed = RsaAesEcb.encrypt(&m.public_key(), "1", plan.body.as_bytes());
                    (sealed.body, Some(sealed.header))
                } else {
                    (plan.body.clone().into_bytes(), None)
                };
                let time = "2026-11-26T12:00:00+08:00";
                let mut extra = String::new();
                if plan.sign {
                    let sig = sign::SignedContent {
                        method: "POST",
                        path: &path,
                        client_id: CLIENT_ID,
                        time,
                        body: &out_body,
                    }
                    .sign(&p);
                    extra.push_str(&format!(
                        "Signature: {}\r\n",
                        SignatureHeader::new("1", sig).to_header_value()
                    ));
                    if !plan.only_signature {
                        extra.push_str(&format!("Response-Time: {time}\r\n"));
                    }
                }
                if let Some(encrypt) = encrypt {
                    extra.push_str(&format!("Encrypt: {encrypt}\r\n"));
                }
                let mut out_body = out_body;
                if plan.tamper {
                    let at = out_body.len() / 2;
                    out_body[at] ^= 0x20;
                }
                let response = format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: application/json; charset=UTF-8\r\nClient-Id: {CLIENT_ID}\r\n{extra}Content-Length: {}\r\n\r\n",
                    out_body.len()
                );
                let _ = socket.write_all(response.as_bytes()).await;
                let _ = socket.write_all(&out_body).await;
            });
        }
    });
    Gateway {
        url,
        received,
        merchant,
        platform,
    }
}

async fn read_request(socket: &mut tokio::net::TcpStream) -> Option<(String, Vec<u8>)> {
    let mut buffer = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        let n = socket.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buffer.extend_from_slice(&chunk[..n]);
        if let Some(end) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8(buffer[..end].to_vec()).ok()?;
            let length: usize = head
                .lines()
                .find_map(|l| {
                    l.to_ascii_lowercase()
                        .strip_prefix("content-length:")
                        .map(|v| v.trim().parse().unwrap())
                })
                .unwrap_or(0);
            while buffer.len() < end + 4 + length {
                let n = socket.read(&mut chunk).await.ok()?;
                if n == 0 {
                    return None;
                }
                buffer.extend_from_slice(&chunk[..n]);
            }
            return Some((head, buffer[end + 4..end + 4 + length].to_vec()));
        }
    }
}

fn parse_head(head: &str) -> (String, Vec<(String, String)>) {
    let mut lines = head.lines();
    let path = lines.next().unwrap().split(' ').nth(1).unwrap().to_owned();
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
        .collect();
    (path, headers)
}

fn client(gateway: &Gateway) -> alipayhk::runtime::ClientBuilder {
    Client::builder()
        .base_url(&gateway.url)
        .client_id(CLIENT_ID)
        .merchant_key(PrivateKey::merchant(&gateway.merchant.to_pkcs8_pem()).unwrap())
        .platform_key(gateway.platform.public_key())
        .timeout(Duration::from_secs(5))
}

fn request() -> UpdatePassRequest {
    UpdatePassRequest::new(
        "2160120000000001",
        "2020091119027102160530200000039",
        UpdatePassStatus::Update,
        UpdatePassUpdateDetailType::UpdateMemberCard,
    )
    .user_id("2160220000000002")
}

#[tokio::test]
async fn success_is_signed_verified_and_parsed() {
    let gw = gateway(vec![reply(SUCCESS)]).await;
    let response = client(&gw)
        .build()
        .unwrap()
        .execute(&request())
        .await
        .unwrap();
    assert_eq!(response.result_info.result_code, "SUCCESS");
    let received = gw.received.lock().unwrap().clone();
    assert_eq!(received.len(), 1);
    assert_eq!(
        received[0].json["passId"],
        "2020091119027102160530200000039"
    );
    let content_type = received[0]
        .headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("content-type"))
        .unwrap();
    assert_eq!(content_type.1, "application/json; charset=UTF-8");
}

#[tokio::test]
async fn failure_carries_the_typed_code_signed_or_not() {
    for sign in [true, false] {
        let gw = gateway(vec![Reply {
            sign,
            ..reply(NOT_EXIST)
        }])
        .await;
        match client(&gw).build().unwrap().execute(&request()).await {
            Err(Error::Failed { code, result }) => {
                assert_eq!(code, PassResultCode::PassHasNotExist);
                assert_eq!(result.result_message.as_deref(), Some("no pass"));
            }
            other => panic!("expected Failed, got {other:?}"),
        }
    }
}

#[tokio::test]
async fn unsigned_success_tampering_partial_headers_and_wrong_key_are_rejected() {
    let cases: Vec<(Reply, &str)> = vec![
        (
            Reply {
                sign: false,
                ..reply(SUCCESS)
            },
            "SignatureMissing",
        ),
        (
            Reply {
                tamper: true,
                ..reply(SUCCESS)
            },
            "SignatureInvalid",
        ),
        (
            Reply {
                only_signature: true,
                ..reply(SUCCESS)
            },
            "SignaturePartial",
        ),
    ];
    for (plan, expected) in cases {
        let gw = gateway(vec![plan]).await;
        let error = client(&gw)
            .build()
            .unwrap()
            .execute(&request())
            .await
            .unwrap_err();
        assert!(
            format!("{error:?}").contains(expected),
            "expected {expected}, got {error:?}"
        );
        assert!(
            error.outcome_unknown(),
            "an untrusted response leaves the outcome unknown"
        );
    }
    let gw = gateway(vec![reply(SUCCESS)]).await;
    let stranger = PrivateKey::generate(KeyRole::PlatformPrivate)
        .unwrap()
        .public_key();
    let error = client(&gw)
        .platform_key(stranger)
        .build()
        .unwrap()
        .execute(&request())
        .await
        .unwrap_err();
    assert!(
        matches!(error, Error::Protocol(ProtocolError::SignatureInvalid(_))),
        "{error:?}"
    );
}

#[tokio::test]
async fn unknown_status_and_timeout_are_unknown_outcomes_resolved_by_resending_the_same_body() {
    let gw = gateway(vec![
        reply(UNKNOWN),
        Reply {
            delay: Duration::from_secs(3),
            ..reply(SUCCESS)
        },
        reply(SUCCESS),
    ])
    .await;
    let client = client(&gw).timeout(Duration::from_secs(1)).build().unwrap();
    let error = client.execute(&request()).await.unwrap_err();
    assert!(
        matches!(
            error,
            Error::Unknown {
                reason: UnknownReason::StatusUnknown,
                ..
            }
        ),
        "{error:?}"
    );
    let error = client.execute(&request()).await.unwrap_err();
    assert!(
        matches!(
            error,
            Error::Unknown {
                reason: UnknownReason::Timeout,
                result: None,
                ..
            }
        ),
        "{error:?}"
    );

    let gw = gateway(vec![reply(UNKNOWN), reply(UNKNOWN), reply(SUCCESS)]).await;
    let policy = RetryPolicy {
        max_attempts: 5,
        initial_backoff: Duration::from_millis(10),
        max_backoff: Duration::from_millis(50),
    };
    let client = crate::client(&gw).build().unwrap();
    client
        .execute_resolving_unknown(&request(), policy)
        .await
        .unwrap();
    let received = gw.received.lock().unwrap().clone();
    assert_eq!(received.len(), 3);
    assert!(
        received.iter().all(|r| r.json == received[0].json),
        "every attempt sends the same body"
    );
}

#[tokio::test]
async fn a_definitive_failure_is_not_resent() {
    let gw = gateway(vec![reply(NOT_EXIST)]).await;
    let result = client(&gw)
        .build()
        .unwrap()
        .execute_resolving_unknown(&request(), RetryPolicy::default())
        .await;
    assert!(matches!(result, Err(Error::Failed { .. })));
    assert_eq!(gw.received.lock().unwrap().len(), 1);
}

#[tokio::test]
async fn an_invalid_request_never_reaches_the_server() {
    let gw = gateway(vec![reply(SUCCESS)]).await;
    let invalid = UpdatePassRequest::new(
        "2160120000000001",
        "p",
        UpdatePassStatus::Update,
        UpdatePassUpdateDetailType::UpdateMemberCard,
    );
    let error = client(&gw)
        .build()
        .unwrap()
        .execute(&invalid)
        .await
        .unwrap_err();
    assert!(
        matches!(error, Error::Invalid(ref e) if e.violations.len() == 1),
        "{error:?}"
    );
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert!(gw.received.lock().unwrap().is_empty());
}

#[tokio::test]
async fn encrypted_request_and_encrypted_response_round_trip() {
    let gw = gateway(vec![Reply {
        encrypt: true,
        ..reply(SUCCESS)
    }])
    .await;
    let response = client(&gw)
        .encrypt_requests(true)
        .encrypt_key_version("3")
        .build()
        .unwrap()
        .execute(&request())
        .await
        .unwrap();
    assert_eq!(response.result_info.result_code, "SUCCESS");
    let received = gw.received.lock().unwrap().clone();
    assert_eq!(
        received[0].json["merchantId"], "2160120000000001",
        "the server decrypted the body"
    );
    let header = |name: &str| {
        received[0]
            .headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.clone())
    };
    assert_eq!(header("content-type").unwrap(), "text/plain; charset=UTF-8");
    // The wrapping key's version is its own; the signature keeps the signing key's.
    assert!(
        header("encrypt")
            .unwrap()
            .starts_with("algorithm=RSA_AES,keyVersion=3,symmetricKey=")
    );
    assert!(
        header("signature")
            .unwrap()
            .starts_with("algorithm=RSA256,keyVersion=1,")
    );
}

#[tokio::test]
async fn an_unreachable_gateway_is_a_connect_error_safe_to_retry() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let merchant = PrivateKey::generate(KeyRole::MerchantPrivate).unwrap();
    let platform = PrivateKey::generate(KeyRole::PlatformPrivate)
        .unwrap()
        .public_key();
    let client = Client::builder()
        .base_url(url)
        .client_id(CLIENT_ID)
        .merchant_key(merchant)
        .platform_key(platform)
        .build()
        .unwrap();
    let error = client.execute(&request()).await.unwrap_err();
    assert!(matches!(error, Error::Connect(_)), "{error:?}");
    assert!(!error.outcome_unknown());
}

#[test]
fn the_merchant_key_cannot_double_as_the_platform_key() {
    let merchant = PrivateKey::generate(KeyRole::MerchantPrivate).unwrap();
    let own_public = PublicKey::platform(&merchant.public_key().to_pem()).unwrap();
    let error = Client::builder()
        .client_id(CLIENT_ID)
        .platform_key(own_public)
        .merchant_key(merchant)
        .build()
        .unwrap_err();
    assert!(error.to_string().contains("your own public key"), "{error}");
}
