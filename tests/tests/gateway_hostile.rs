//! The gateway against hostile peers on 127.0.0.1: impostors that would spend a test's
//! scripted faults, replayed requests, slow-header (slowloris) and idle connections past the
//! cap. The 20,000-connection figure is measured by `scripts/soak.sh`, not here.

use std::time::Duration;

use alipayhk::runtime::request_time::Freshness;
use alipayhk::runtime::server::ServeLimits;
use alipayhk::runtime::{Error, KeyRole, PrivateKey, ProtocolError, RequestTimeFormat};
use alipayhk::{UpdatePassRequest, UpdatePassStatus, UpdatePassUpdateDetailType};
use alipayhk_gateway::{Fault, GatewayConfig};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

mod support;

use support::{CLIENT_ID, Fixture, fixture};

const PASS: &str = "2020091119027102160530200000039";

fn update() -> UpdatePassRequest {
    UpdatePassRequest::new(
        "2160120000000001",
        PASS,
        UpdatePassStatus::Update,
        UpdatePassUpdateDetailType::UpdateMemberCard,
    )
    .user_id("2160220000000002")
}

/// A fixture whose gateway runs with `limits` and `freshness`.
async fn fixture_with(limits: ServeLimits, freshness: Freshness) -> Fixture {
    let mut config = GatewayConfig::generated(CLIENT_ID).unwrap();
    config.limits = limits;
    config.freshness = freshness;
    support::fixture_from(config).await
}

#[tokio::test]
async fn an_impostor_does_not_use_up_a_scripted_fault() {
    let f = fixture().await;
    f.gateway
        .gateway
        .faults()
        .script(PASS, Fault::OmitSignature, Some(1));
    // Same pass, signed with a key the gateway does not trust: refused, fault untouched.
    let impostor = f
        .builder()
        .merchant_key(PrivateKey::generate(KeyRole::MerchantPrivate).unwrap())
        .build()
        .unwrap();
    let refused = impostor.execute(&update()).await.unwrap_err();
    assert!(
        matches!(&refused, Error::Failed { result, .. } if result.result_code == "INVALID_SIGNATURE"),
        "{refused:?}"
    );
    // The signed request still gets the fault it was scripted for.
    let error = f.client().execute(&update()).await.unwrap_err();
    assert!(
        matches!(error, Error::Protocol(ProtocolError::SignatureMissing)),
        "{error:?}"
    );
}

#[tokio::test]
async fn a_captured_request_replayed_past_the_window_is_refused() {
    let window = Freshness {
        max_skew: Duration::from_secs(300),
        max_age: Duration::from_millis(700),
    };
    let f = fixture_with(ServeLimits::default(), window).await;
    // Millisecond times, so the window can be shorter than a second.
    let client = f
        .builder()
        .request_time_format(RequestTimeFormat::EpochMillis)
        .build()
        .unwrap();
    let captured = client.prepare(&update()).unwrap();
    client
        .send::<UpdatePassRequest>(&captured)
        .await
        .expect("the original is accepted");
    tokio::time::sleep(Duration::from_millis(900)).await;
    let replay = client
        .send::<UpdatePassRequest>(&captured)
        .await
        .unwrap_err();
    match replay {
        Error::Failed { result, .. } => {
            assert_eq!(result.result_code, "INVALID_SIGNATURE");
            assert!(
                result
                    .result_message
                    .as_deref()
                    .unwrap_or_default()
                    .contains("old"),
                "{result:?}"
            );
        }
        other => panic!("expected INVALID_SIGNATURE, got {other:?}"),
    }
}

#[tokio::test]
async fn a_slow_header_connection_is_closed_by_the_header_timeout() {
    let limits = ServeLimits::default().header_read_timeout(Duration::from_millis(800));
    let f = fixture_with(limits, Freshness::default()).await;
    let mut socket = TcpStream::connect(f.gateway.addr).await.unwrap();
    let head = b"POST /api/open/alipay/v1/ipass/pass/manage/updatePass HTTP/1.1\r\nHost: x\r\n";
    let started = tokio::time::Instant::now();
    let mut closed = false;
    // One byte every 100 ms, for at most 5 s.
    for byte in head.iter().cycle().take(50) {
        if socket.write_all(&[*byte]).await.is_err() {
            closed = true;
            break;
        }
        // Any answer (an error status, or the end of the stream) ends the connection.
        let mut buf = [0u8; 256];
        if tokio::time::timeout(Duration::from_millis(100), socket.read(&mut buf))
            .await
            .is_ok()
        {
            closed = true;
            break;
        }
    }
    assert!(closed, "the connection was still open after 5 s");
    assert!(started.elapsed() < Duration::from_secs(3));
}

#[tokio::test]
async fn past_the_connection_cap_idle_connections_make_room_for_a_real_request() {
    let limits = ServeLimits::default().max_connections(8);
    let f = fixture_with(limits, Freshness::default()).await;
    let mut idle: Vec<TcpStream> = Vec::new();
    for _ in 0..40 {
        idle.push(TcpStream::connect(f.gateway.addr).await.unwrap());
    }
    let answer = f.client().execute(&update()).await.unwrap();
    assert_eq!(answer.result_info.result_code, "SUCCESS");
    // Most idle connections were closed to make room (looked at for up to 3 s).
    let mut open = idle;
    let mut closed = 0;
    for _ in 0..30 {
        let mut still = Vec::new();
        for mut socket in open {
            let mut buf = [0u8; 1];
            match tokio::time::timeout(Duration::from_millis(5), socket.read(&mut buf)).await {
                Ok(Ok(0) | Err(_)) => closed += 1,
                _ => still.push(socket),
            }
        }
        open = still;
        if closed >= 30 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(
        closed >= 30,
        "only {closed} of 40 idle connections were closed"
    );
}

#[tokio::test]
async fn a_silent_connection_is_closed_by_the_idle_timeout_but_a_slow_answer_is_not() {
    let limits = ServeLimits::default()
        .idle_timeout(Duration::from_millis(500))
        .header_read_timeout(Duration::from_secs(10));
    let f = fixture_with(limits, Freshness::default()).await;
    let mut silent = TcpStream::connect(f.gateway.addr).await.unwrap();
    let mut buf = [0u8; 16];
    let closed = tokio::time::timeout(Duration::from_secs(3), silent.read(&mut buf)).await;
    assert!(
        matches!(closed, Ok(Ok(0) | Err(_))),
        "still open after 3 s: {closed:?}"
    );

    // A handler that takes three idle periods is not an idle peer.
    f.gateway
        .gateway
        .faults()
        .script(PASS, Fault::Delay { millis: 1500 }, Some(1));
    let answer = f
        .builder()
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap()
        .execute(&update())
        .await
        .unwrap();
    assert_eq!(answer.result_info.result_code, "SUCCESS");
}
