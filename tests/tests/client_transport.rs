//! The client against hostile or broken servers on 127.0.0.1, written at the TCP level so
//! each can misbehave exactly: redirects, endless bodies, silence, hang-ups. And settings
//! that could never be sent are refused by `build()`, never reported as "may have happened".

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use alipayhk::runtime::{
    BuildError, Client, ClientBuilder, Error, KeyRole, PrivateKey, ProtocolError, UnknownReason,
};
use alipayhk::{UpdatePassRequest, UpdatePassStatus, UpdatePassUpdateDetailType};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

fn request() -> UpdatePassRequest {
    UpdatePassRequest::new(
        "2160120000000001",
        "2020091119027102160530200000039",
        UpdatePassStatus::Update,
        UpdatePassUpdateDetailType::UpdateMemberCard,
    )
    .user_id("2160220000000002")
}

fn builder(url: &str) -> ClientBuilder {
    Client::builder()
        .base_url(url)
        .client_id("2160TESTCLIENT")
        .merchant_key(PrivateKey::generate(KeyRole::MerchantPrivate).unwrap())
        .platform_key(
            PrivateKey::generate(KeyRole::PlatformPrivate)
                .unwrap()
                .public_key(),
        )
        .timeout(Duration::from_secs(3))
}

/// Reads one request head and its body (by Content-Length); `None` when the peer hung up.
async fn read_request(socket: &mut TcpStream) -> Option<String> {
    let mut data = Vec::new();
    let mut buf = [0u8; 8192];
    loop {
        let n = socket.read(&mut buf).await.ok()?;
        if n == 0 {
            return None;
        }
        data.extend_from_slice(&buf[..n]);
        let text = String::from_utf8_lossy(&data).to_string();
        if let Some(end) = text.find("\r\n\r\n") {
            let length = text[..end]
                .lines()
                .find_map(|l| {
                    l.to_ascii_lowercase()
                        .strip_prefix("content-length:")
                        .map(|v| v.trim().parse::<usize>().unwrap_or(0))
                })
                .unwrap_or(0);
            if data.len() >= end + 4 + length {
                return Some(text[..end].to_owned());
            }
        }
    }
}

/// A server that hands each connection to `answer`, and counts the requests it read.
async fn server<F, Fut>(answer: F) -> (String, Arc<AtomicUsize>)
where
    F: Fn(TcpStream, Arc<AtomicUsize>) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = ()> + Send + 'static,
{
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let count = Arc::new(AtomicUsize::new(0));
    let seen = count.clone();
    let answer = Arc::new(answer);
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            tokio::spawn(answer(socket, seen.clone()));
        }
    });
    (url, count)
}

/// One updatePass call that must fail; its error.
async fn failed_call(builder: ClientBuilder) -> Error<alipayhk::PassResultCode> {
    builder
        .build()
        .unwrap()
        .execute(&request())
        .await
        .unwrap_err()
}

#[tokio::test]
async fn a_redirect_is_an_error_and_never_followed() {
    // Where a followed redirect would go: it must see nothing.
    let (elsewhere, elsewhere_count) = server(|mut socket, count| async move {
        if read_request(&mut socket).await.is_some() {
            count.fetch_add(1, Ordering::SeqCst);
        }
    })
    .await;
    for status in [301, 302, 303, 307, 308] {
        let target = elsewhere.clone();
        let (url, _) = server(move |mut socket, _| {
            let target = target.clone();
            async move {
                read_request(&mut socket).await;
                let head = format!(
                    "HTTP/1.1 {status} Moved\r\nLocation: {target}/steal\r\nContent-Length: 0\r\n\r\n"
                );
                let _ = socket.write_all(head.as_bytes()).await;
            }
        })
        .await;
        let error = failed_call(builder(&url)).await;
        match &error {
            Error::Protocol(ProtocolError::Redirected {
                status: got,
                location: Some(location),
            }) => {
                assert_eq!(*got, status);
                assert!(location.ends_with("/steal"));
            }
            other => panic!("{status}: expected Redirected, got {other:?}"),
        }
        assert!(error.to_string().contains("not followed"), "{error}");
    }
    assert_eq!(elsewhere_count.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn an_endless_body_is_cut_at_the_limit_without_being_buffered() {
    let written = Arc::new(AtomicUsize::new(0));
    let total = written.clone();
    let (url, _) = server(move |mut socket, _| {
        let total = total.clone();
        async move {
            read_request(&mut socket).await;
            let head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n";
            if socket.write_all(head.as_bytes()).await.is_err() {
                return;
            }
            // Up to 400 MB, 64 KiB at a time, until the client hangs up.
            let chunk = format!("10000\r\n{}\r\n", "x".repeat(0x10000));
            for _ in 0..6_400 {
                if socket.write_all(chunk.as_bytes()).await.is_err() {
                    return;
                }
                total.fetch_add(0x10000, Ordering::SeqCst);
            }
        }
    })
    .await;
    let error = failed_call(builder(&url).max_response_body(1 << 20)).await;
    assert!(
        matches!(
            error,
            Error::Protocol(ProtocolError::BodyTooLarge { limit: 1048576 })
        ),
        "{error:?}"
    );
    // The server got to write the limit plus what the sockets buffer, not 400 MB.
    tokio::time::sleep(Duration::from_millis(200)).await;
    let sent = written.load(Ordering::SeqCst);
    assert!(sent < 64 << 20, "{sent} bytes were accepted");

    // A declared length past the limit is refused before reading.
    let (url, _) = server(|mut socket, _| async move {
        read_request(&mut socket).await;
        let head = "HTTP/1.1 200 OK\r\nContent-Length: 104857600\r\n\r\n";
        let _ = socket.write_all(head.as_bytes()).await;
        tokio::time::sleep(Duration::from_secs(2)).await;
    })
    .await;
    let error = failed_call(builder(&url)).await;
    assert!(
        matches!(error, Error::Protocol(ProtocolError::BodyTooLarge { .. })),
        "{error:?}"
    );
}

#[tokio::test]
async fn not_sent_and_unknown_are_told_apart() {
    // Nobody listening: refused, not sent, the io::Error kept as the source.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let error = failed_call(builder(&url)).await;
    assert!(matches!(error, Error::Connect(_)), "{error:?}");
    assert!(!error.outcome_unknown());
    assert_eq!(
        error.io_error_kind(),
        Some(std::io::ErrorKind::ConnectionRefused)
    );

    // The request arrived, then the connection dropped: it may have been performed.
    let (url, count) = server(|mut socket, count| async move {
        if read_request(&mut socket).await.is_some() {
            count.fetch_add(1, Ordering::SeqCst);
        }
    })
    .await;
    let error = failed_call(builder(&url)).await;
    assert!(
        matches!(
            error,
            Error::Unknown {
                reason: UnknownReason::ConnectionLost,
                source: Some(_),
                ..
            }
        ),
        "{error:?}"
    );
    assert!(error.outcome_unknown());
    assert_eq!(count.load(Ordering::SeqCst), 1);

    // The request arrived and no answer came: unknown, by timeout.
    let (url, _) = server(|mut socket, _| async move {
        read_request(&mut socket).await;
        tokio::time::sleep(Duration::from_secs(5)).await;
    })
    .await;
    let error = failed_call(builder(&url).timeout(Duration::from_millis(300))).await;
    assert!(
        matches!(
            error,
            Error::Unknown {
                reason: UnknownReason::Timeout,
                ..
            }
        ),
        "{error:?}"
    );
}

#[test]
fn settings_that_could_never_be_sent_are_refused_by_build() {
    for (url, says) in [
        ("open.alipay.hk", "no scheme"),
        ("https://open.alipay.hk/a b", "whitespace"),
        ("http://open.alipay.hk", "loopback"),
    ] {
        match builder(url).build() {
            Err(BuildError::BaseUrl { reason, .. }) => assert!(reason.contains(says), "{reason}"),
            other => panic!("{url}: expected BaseUrl, got {other:?}"),
        }
    }
    assert!(
        builder("http://open.alipay.hk")
            .allow_insecure_http(true)
            .build()
            .is_ok()
    );
    for (client_id, key_version) in [("2160\r\nX-Evil: 1", "1"), ("2160", "1,signature=AAAA")] {
        let error = builder("https://open.alipay.hk")
            .client_id(client_id)
            .key_version(key_version)
            .build()
            .unwrap_err();
        assert!(matches!(error, BuildError::Setting { .. }), "{error:?}");
    }
}

#[test]
fn response_time_skew_is_checked_only_when_asked() {
    let merchant = PrivateKey::generate(KeyRole::MerchantPrivate).unwrap();
    let platform = PrivateKey::generate(KeyRole::PlatformPrivate).unwrap();
    let client = |skew: Option<Duration>| {
        Client::builder()
            .base_url("http://127.0.0.1:9")
            .client_id("2160TESTCLIENT")
            .merchant_key(PrivateKey::merchant(&merchant.to_pkcs8_pem()).unwrap())
            .platform_key(platform.public_key())
            .max_response_skew(skew)
            .build()
            .unwrap()
    };
    let body = br#"{"result":{"resultCode":"SUCCESS","resultStatus":"S","resultMessage":"ok"}}"#;
    let ten_minutes_ago = (alipayhk::runtime::EpochMillis::now().as_millis() - 600_000).to_string();
    let signature = alipayhk::runtime::sign::SignedContent {
        method: "POST",
        path: <UpdatePassRequest as alipayhk::runtime::Endpoint>::PATH,
        client_id: "2160TESTCLIENT",
        time: &ten_minutes_ago,
        body,
    }
    .sign(&platform);
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert("response-time", ten_minutes_ago.parse().unwrap());
    headers.insert(
        "signature",
        alipayhk::runtime::SignatureHeader::new("1", signature)
            .to_header_value()
            .parse()
            .unwrap(),
    );
    // Off by default: a genuine answer is not refused for a clock's sake.
    assert!(
        client(None)
            .read_response::<UpdatePassRequest>(200, &headers, body)
            .is_ok()
    );
    let error = client(Some(Duration::from_secs(60)))
        .read_response::<UpdatePassRequest>(200, &headers, body)
        .unwrap_err();
    assert!(
        matches!(error, Error::Protocol(ProtocolError::Stale(_))),
        "{error:?}"
    );
    assert!(
        error.to_string().contains("Response-Time is 600"),
        "{error}"
    );
}
