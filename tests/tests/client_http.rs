//! The client's HTTP settings on the wire, over 127.0.0.1: the `User-Agent`, a
//! `reqwest::Client` of the merchant's own (whose calls the client's timeout still bounds), and
//! an egress proxy, which sees the signed request instead of the gateway.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use alipayhk::runtime::{
    BuildError, Client, ClientBuilder, DEFAULT_USER_AGENT, KeyRole, PrivateKey, reqwest,
};
use alipayhk::{UpdatePassRequest, UpdatePassStatus, UpdatePassUpdateDetailType};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

fn request() -> UpdatePassRequest {
    UpdatePassRequest::new(
        "2160120000000001",
        "2020091119027102160530200000039",
        UpdatePassStatus::Closed,
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

/// A listener on 127.0.0.1 that records each request head and answers `503` (or, when
/// `silent`, never answers). Returns its address and the heads.
async fn recorder(silent: bool) -> (String, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap().to_string();
    let heads = Arc::new(Mutex::new(Vec::new()));
    let seen = heads.clone();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let seen = seen.clone();
            tokio::spawn(async move {
                let mut data = Vec::new();
                let mut buf = [0u8; 4096];
                while !data.windows(4).any(|w| w == b"\r\n\r\n") {
                    match socket.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => data.extend_from_slice(&buf[..n]),
                    }
                }
                let text = String::from_utf8_lossy(&data);
                let head = text.split("\r\n\r\n").next().unwrap_or_default().to_owned();
                seen.lock().unwrap().push(head);
                if silent {
                    tokio::time::sleep(Duration::from_secs(30)).await;
                } else {
                    let _ = socket
                        .write_all(b"HTTP/1.1 503 Service Unavailable\r\ncontent-length: 0\r\n\r\n")
                        .await;
                }
            });
        }
    });
    (address, heads)
}

fn header<'a>(head: &'a str, name: &str) -> Option<&'a str> {
    head.lines().find_map(|line| {
        let (key, value) = line.split_once(':')?;
        key.eq_ignore_ascii_case(name).then(|| value.trim())
    })
}

#[tokio::test]
async fn the_user_agent_is_ours_unless_set() {
    let (address, heads) = recorder(false).await;
    let url = format!("http://{address}");
    let _ = builder(&url).build().unwrap().execute(&request()).await;
    let _ = builder(&url)
        .user_agent("merchant-points/2.1")
        .build()
        .unwrap()
        .execute(&request())
        .await;
    let heads = heads.lock().unwrap().clone();
    assert_eq!(heads.len(), 2);
    assert_eq!(header(&heads[0], "user-agent"), Some(DEFAULT_USER_AGENT));
    assert!(DEFAULT_USER_AGENT.starts_with("alipayhk-rs/"));
    assert_eq!(header(&heads[1], "user-agent"), Some("merchant-points/2.1"));
}

#[tokio::test]
async fn a_client_of_our_own_sends_and_the_timeout_still_bounds_it() {
    let (address, heads) = recorder(true).await;
    // No timeout of its own, a header of its own, and no redirects, as the docs ask.
    let mut defaults = reqwest::header::HeaderMap::new();
    defaults.insert("x-egress-zone", "hk-1".parse().unwrap());
    let own = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .default_headers(defaults)
        .build()
        .unwrap();
    let client = builder(&format!("http://{address}"))
        .http_client(own)
        .timeout(Duration::from_millis(500))
        .build()
        .unwrap();
    let started = Instant::now();
    let error = client.execute(&request()).await.unwrap_err();
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    assert!(
        error.outcome_unknown(),
        "a request that reached the gateway: {error:?}"
    );
    let heads = heads.lock().unwrap().clone();
    assert_eq!(header(&heads[0], "x-egress-zone"), Some("hk-1"));
    assert!(header(&heads[0], "signature").is_some_and(|s| s.contains("signature=")));
}

#[tokio::test]
async fn an_egress_proxy_carries_the_signed_request() {
    let (proxy_address, heads) = recorder(false).await;
    // Nothing listens at the gateway address: only the proxy can answer.
    let gateway = "http://127.0.0.1:9";
    let client = builder(gateway)
        .proxy(reqwest::Proxy::all(format!("http://{proxy_address}")).unwrap())
        .build()
        .unwrap();
    let _ = client.execute(&request()).await;
    let heads = heads.lock().unwrap().clone();
    assert_eq!(heads.len(), 1, "the proxy saw the call");
    assert!(
        heads[0].starts_with(
            "POST http://127.0.0.1:9/api/open/alipay/v1/ipass/pass/manage/updatePass HTTP/1.1"
        ),
        "{}",
        heads[0]
    );
    assert!(header(&heads[0], "signature").is_some());
}

#[test]
fn settings_of_a_passed_client_are_refused_beside_it() {
    for builder in [
        builder("https://open.alipay.hk").user_agent("x"),
        builder("https://open.alipay.hk")
            .proxy(reqwest::Proxy::all("http://127.0.0.1:3128").unwrap()),
    ] {
        let error = builder
            .http_client(reqwest::Client::new())
            .build()
            .unwrap_err();
        assert!(matches!(error, BuildError::Setting { .. }), "{error:?}");
        assert!(error.to_string().contains("http_client"), "{error}");
    }
}

#[test]
fn keys_are_cheap_to_clone_and_clones_sign_alike() {
    let key = PrivateKey::generate(KeyRole::MerchantPrivate).unwrap();
    let copy = key.clone();
    let content = alipayhk::runtime::sign::SignedContent {
        method: "POST",
        path: "/p",
        client_id: "C",
        time: "T",
        body: b"{}",
    };
    assert_eq!(content.sign(&key), content.sign(&copy));
    assert_eq!(format!("{copy:?}"), format!("{key:?}"));
}
