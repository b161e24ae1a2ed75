//! Exactly once, tried the way AlipayHK and a production merchant break it, over 127.0.0.1
//! with a real server: a handler slower than its lease while AlipayHK re-delivers, a handler
//! that answers `U`, one that hangs, one superseded by another delivery, a full inbox, a
//! shutdown mid-handler, a store that fails to record, AlipayHK hanging up mid-claim.

mod flaky;
mod harness;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use alipayhk::runtime::notifications::{
    Claim, FenceToken, InMemoryStore, Inbox, InboxLimits, NotificationKey, NotificationStore,
    SqliteStore,
};
use alipayhk::runtime::server::ServerConfig;
use alipayhk::runtime::server::{ServeLimits, serve};
use alipayhk::runtime::{Client, KeyRole, PrivateKey};
use alipayhk::webhooks::router;
use flaky::Flaky;
use harness::{CLIENT_ID, Merchant, bill, serve_on, status_of};

#[tokio::test]
async fn a_handler_slower_than_its_lease_runs_once_while_alipayhk_re_delivers() {
    // The reproduction: a 2 s lease, a 5 s handler, the delivery abandoned at 1 s and
    // re-delivered at 3 s. The lease is renewed while the handler runs, so the re-delivery
    // finds it in progress instead of taking it over.
    let store = InMemoryStore::default().with_lease(Duration::from_secs(2));
    let side = serve_on(Inbox::new(store)).await;
    let abandoned = side
        .alipayhk(Duration::from_secs(1))
        .execute(&bill("SLOW-1"))
        .await;
    assert_eq!(status_of(&abandoned), "U", "{abandoned:?}");
    tokio::time::sleep(Duration::from_secs(2)).await;
    let again = side
        .alipayhk(Duration::from_secs(1))
        .execute(&bill("SLOW-1"))
        .await;
    assert_eq!(status_of(&again), "U", "in progress: {again:?}");
    assert_eq!(side.merchant.runs_of("SLOW-1"), 1);
    // Once it has finished, a re-delivery gets its S, and it never ran a second time.
    let alipayhk = side.alipayhk(Duration::from_secs(10));
    let mut last = alipayhk.execute(&bill("SLOW-1")).await;
    for _ in 0..60 {
        if status_of(&last) == "S" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
        last = alipayhk.execute(&bill("SLOW-1")).await;
    }
    assert_eq!(status_of(&last), "S", "{last:?}");
    assert_eq!(side.merchant.runs_of("SLOW-1"), 1);
}

#[tokio::test]
async fn an_unknown_answer_is_not_final_and_the_re_delivery_runs_the_handler_again() {
    let side = serve_on(Inbox::new(InMemoryStore::default())).await;
    let alipayhk = side.alipayhk(Duration::from_secs(5));
    let first = alipayhk.execute(&bill("UNKNOWN-1")).await;
    assert_eq!(status_of(&first), "U", "{first:?}");
    let second = alipayhk.execute(&bill("UNKNOWN-1")).await;
    assert_eq!(status_of(&second), "S", "{second:?}");
    let third = alipayhk.execute(&bill("UNKNOWN-1")).await;
    assert_eq!(third.unwrap(), second.unwrap());
    assert_eq!(side.merchant.runs_of("UNKNOWN-1"), 2);
    // Each run had its own, growing token.
    let runs = side.merchant.runs.lock().unwrap().clone();
    assert_eq!(runs[0].1, FenceToken::new(1));
    assert_eq!(runs[1].1, FenceToken::new(2));
}

#[tokio::test]
async fn a_hung_handler_is_stopped_at_its_deadline_and_the_re_delivery_runs_it() {
    let limits = InboxLimits::default().handler_deadline(Duration::from_millis(500));
    let side = serve_on(Inbox::with_limits(InMemoryStore::default(), limits)).await;
    let alipayhk = side.alipayhk(Duration::from_secs(5));
    let hung = alipayhk.execute(&bill("HANG-1")).await;
    assert_eq!(status_of(&hung), "U", "{hung:?}");
    assert_eq!(side.inbox.running(), 0, "the hung handler's slot is free");
    let again = alipayhk.execute(&bill("HANG-1")).await;
    assert_eq!(status_of(&again), "S", "{again:?}");
    assert_eq!(side.merchant.runs_of("HANG-1"), 2);
}

#[tokio::test]
async fn past_max_handlers_a_delivery_is_answered_u_without_being_claimed() {
    let limits = InboxLimits::default().max_handlers(1);
    let side = serve_on(Inbox::with_limits(InMemoryStore::default(), limits)).await;
    *side.merchant.slow.lock().unwrap() = Duration::from_millis(800);
    let busy = side.alipayhk(Duration::from_secs(5));
    let slow = tokio::spawn(async move { busy.execute(&bill("SLOW-2")).await });
    tokio::time::sleep(Duration::from_millis(200)).await;
    let alipayhk = side.alipayhk(Duration::from_secs(5));
    let refused = alipayhk.execute(&bill("B-2")).await;
    assert_eq!(status_of(&refused), "U", "{refused:?}");
    assert_eq!(side.merchant.runs_of("B-2"), 0);
    assert_eq!(status_of(&slow.await.unwrap()), "S");
    // Not claimed, so nothing stands in the way of the re-delivery.
    assert_eq!(status_of(&alipayhk.execute(&bill("B-2")).await), "S");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_stopped_handler_is_awaited_before_its_claim_is_released() {
    // The handler blocks its thread past its deadline: the abort cannot stop it at once, and
    // its claim must not be released (for the re-delivery to run it beside itself) until it
    // has ended.
    let limits = InboxLimits::default().handler_deadline(Duration::from_millis(300));
    let store = InMemoryStore::default().with_lease(Duration::from_secs(8));
    let side = serve_on(Inbox::with_limits(store, limits)).await;
    let first_client = side.alipayhk(Duration::from_secs(10));
    let first = tokio::spawn(async move { first_client.execute(&bill("BLOCK-1")).await });
    // AlipayHK re-delivers while the first run is still inside its blocking effect.
    let alipayhk = side.alipayhk(Duration::from_secs(10));
    for _ in 0..20 {
        tokio::time::sleep(Duration::from_millis(100)).await;
        if status_of(&alipayhk.execute(&bill("BLOCK-1")).await) == "S" {
            break;
        }
    }
    assert_eq!(status_of(&first.await.unwrap()), "U");
    assert_eq!(
        side.merchant.most_in_effect.load(Ordering::SeqCst),
        1,
        "the re-delivery ran beside the stopped handler"
    );
    assert_eq!(side.merchant.runs_of("BLOCK-1"), 2);
}

#[tokio::test]
async fn shutdown_mid_handler_waits_for_it_and_loses_nothing() {
    let mut side = serve_on(Inbox::new(InMemoryStore::default())).await;
    *side.merchant.slow.lock().unwrap() = Duration::from_millis(1500);
    let alipayhk = side.alipayhk(Duration::from_secs(10));
    let delivery = tokio::spawn(async move { alipayhk.execute(&bill("SLOW-3")).await });
    tokio::time::sleep(Duration::from_millis(300)).await;
    // The deploy: stop accepting, wait for connections, then for the handlers.
    side.stop.take().unwrap().send(()).unwrap();
    side.server.await.unwrap().unwrap();
    let shutdown = side.inbox.shutdown(Duration::from_secs(10)).await;
    assert_eq!(shutdown.abandoned, 0);
    // The delivery in flight was answered S, and recorded.
    assert_eq!(status_of(&delivery.await.unwrap()), "S");
    assert_eq!(side.merchant.runs_of("SLOW-3"), 1);
    let key = NotificationKey::new(CLIENT_ID, "pointsBillNotify", &["SLOW-3"]);
    assert!(matches!(
        side.inbox.store().claim(&key).await.unwrap(),
        Claim::Answered(_)
    ));
}

#[tokio::test]
async fn shutdown_past_its_grace_releases_the_claim_for_the_next_instance() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("n.db");
    let side = serve_on(Inbox::new(SqliteStore::open(&path).unwrap())).await;
    *side.merchant.slow.lock().unwrap() = Duration::from_secs(30);
    let alipayhk = side.alipayhk(Duration::from_secs(1));
    let cut = alipayhk.execute(&bill("SLOW-4")).await;
    assert_eq!(status_of(&cut), "U");
    let shutdown = side.inbox.shutdown(Duration::from_millis(200)).await;
    assert_eq!(shutdown.abandoned, 1);
    // After shutdown, this instance answers U without claiming.
    let closed = side
        .alipayhk(Duration::from_secs(5))
        .execute(&bill("B-5"))
        .await;
    assert_eq!(status_of(&closed), "U");
    // The next instance on the same file runs it at once: the claim was released, not left
    // to run out.
    let next = serve_on(Inbox::new(SqliteStore::open(&path).unwrap())).await;
    *next.merchant.slow.lock().unwrap() = Duration::ZERO;
    let key = NotificationKey::new(CLIENT_ID, "pointsBillNotify", &["SLOW-4"]);
    let first = side.merchant.runs.lock().unwrap()[0].1;
    assert!(matches!(next.inbox.store().claim(&key).await.unwrap(), Claim::New(t) if t > first));
}

#[tokio::test]
async fn a_handler_that_cannot_renew_is_stopped_before_its_claim_runs_out() {
    // This instance cannot renew: its claim would run out while the handler is still busy,
    // and a re-delivery take the notification over with a larger token. The handler is
    // stopped at three quarters of the lease instead, before it writes anything.
    let store = Flaky {
        inner: InMemoryStore::default().with_lease(Duration::from_millis(600)),
        fail_renewals: true,
        fail_completes: AtomicUsize::new(0),
    };
    let side = serve_on(Inbox::new(store)).await;
    *side.merchant.slow.lock().unwrap() = Duration::from_millis(1500);
    let first_client = side.alipayhk(Duration::from_secs(10));
    let first = tokio::spawn(async move { first_client.execute(&bill("SLOW-5")).await });
    tokio::time::sleep(Duration::from_millis(900)).await;
    *side.merchant.slow.lock().unwrap() = Duration::ZERO;
    let second = side
        .alipayhk(Duration::from_secs(10))
        .execute(&bill("SLOW-5"))
        .await;
    assert_eq!(status_of(&second), "S", "{second:?}");
    // The first was stopped: it wrote nothing (not even a superseded write), and its answer
    // is not recorded over the second's.
    let first = first.await.unwrap();
    assert_eq!(status_of(&first), "U", "{first:?}");
    assert_eq!(side.merchant.superseded_writes.load(Ordering::SeqCst), 0);
    assert_eq!(side.merchant.runs_of("SLOW-5"), 2);
    assert_eq!(
        side.merchant.ledger.lock().unwrap()["SLOW-5"],
        FenceToken::new(2)
    );
    let replay = side
        .alipayhk(Duration::from_secs(5))
        .execute(&bill("SLOW-5"))
        .await;
    assert_eq!(replay.unwrap(), second.unwrap());
}

#[tokio::test]
async fn a_failed_complete_is_retried_and_the_answer_recorded() {
    let store = Flaky {
        inner: InMemoryStore::default(),
        fail_renewals: false,
        fail_completes: AtomicUsize::new(2),
    };
    let side = serve_on(Inbox::new(store)).await;
    let alipayhk = side.alipayhk(Duration::from_secs(10));
    let first = alipayhk.execute(&bill("B-6")).await.unwrap();
    let key = NotificationKey::new(CLIENT_ID, "pointsBillNotify", &["B-6"]);
    assert!(matches!(
        side.inbox.store().claim(&key).await.unwrap(),
        Claim::Answered(_)
    ));
    assert_eq!(alipayhk.execute(&bill("B-6")).await.unwrap(), first);
    assert_eq!(side.merchant.runs_of("B-6"), 1);
}

#[tokio::test]
async fn alipayhk_hanging_up_during_the_claim_leaves_no_orphan_claim() {
    // SQLite claims on the blocking pool; AlipayHK gives up after a few milliseconds, often
    // before the claim is back. The claim runs detached, so its holder runs the handler and
    // records the answer, instead of leaving a claim nobody holds until its lease ends.
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(dir.path().join("n.db"))
        .unwrap()
        .with_lease(Duration::from_secs(3600));
    let side = serve_on(Inbox::new(store)).await;
    let impatient = side.alipayhk(Duration::from_millis(5));
    for n in 0..20 {
        let _ = impatient.execute(&bill(&format!("B-7-{n}"))).await;
    }
    let alipayhk = side.alipayhk(Duration::from_secs(10));
    for n in 0..20 {
        let bill_no = format!("B-7-{n}");
        let mut outcome = alipayhk.execute(&bill(&bill_no)).await;
        for _ in 0..50 {
            if status_of(&outcome) == "S" {
                break;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
            outcome = alipayhk.execute(&bill(&bill_no)).await;
        }
        assert_eq!(status_of(&outcome), "S", "{bill_no}: {outcome:?}");
        assert_eq!(side.merchant.runs_of(&bill_no), 1, "{bill_no}");
    }
}

#[tokio::test]
async fn a_body_nested_deeper_than_json_values_go_still_cannot_run_twice() {
    // An unknown field nested 200 deep: deeper than serde_json reads into a `Value`. The key
    // is read from the typed notification, so it is never lost and the handler never runs
    // unguarded.
    let side = serve_on(Inbox::new(InMemoryStore::default())).await;
    let deep = format!("{}1{}", "[".repeat(200), "]".repeat(200));
    let text = serde_json::to_value(bill("B-8")).unwrap().to_string();
    let text = format!("{},\"extension\":{deep}}}", &text[..text.len() - 1]);
    let post = || async {
        use alipayhk::runtime::sign::{SignatureHeader, SignedContent};
        let time = alipayhk::runtime::EpochMillis::now()
            .as_millis()
            .to_string();
        let platform = PrivateKey::parse(&side.platform_pem, KeyRole::PlatformPrivate).unwrap();
        let signature = SignedContent {
            method: "POST",
            path: "/points/bill/notify",
            client_id: CLIENT_ID,
            time: &time,
            body: text.as_bytes(),
        }
        .sign(&platform);
        let response = reqwest::Client::new()
            .post(format!("{}/points/bill/notify", side.url))
            .header("Client-Id", CLIENT_ID)
            .header("Request-Time", &time)
            .header(
                "Signature",
                SignatureHeader::new("1", signature).to_header_value(),
            )
            .body(text.clone())
            .send()
            .await
            .unwrap();
        let answer: serde_json::Value =
            serde_json::from_slice(&response.bytes().await.unwrap()).unwrap();
        answer["result"]["resultStatus"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let first = post().await;
    let second = post().await;
    assert!(side.merchant.runs_of("B-8") <= 1, "{first} {second}");
    if side.merchant.runs_of("B-8") == 1 {
        assert_eq!((first.as_str(), second.as_str()), ("S", "S"));
    } else {
        // Unreadable to our types: U, so AlipayHK keeps it, and never F.
        assert_eq!((first.as_str(), second.as_str()), ("U", "U"));
    }
}

#[tokio::test]
async fn serve_takes_the_longest_timeouts_without_overflowing() {
    let inbox = Inbox::with_limits(
        InMemoryStore::with_retention(Duration::MAX).with_lease(Duration::MAX),
        InboxLimits::default()
            .handler_deadline(Duration::MAX)
            .store_timeout(Duration::MAX),
    );
    let platform = PrivateKey::generate(KeyRole::PlatformPrivate).unwrap();
    let merchant_key = PrivateKey::generate(KeyRole::MerchantPrivate).unwrap();
    let merchant_public = merchant_key.public_key();
    let config = ServerConfig::new(merchant_key, platform.public_key(), CLIENT_ID);
    let app = router(Arc::new(Merchant::default()), inbox, config);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let limits = ServeLimits::default()
        .idle_timeout(Duration::MAX)
        .header_read_timeout(Duration::from_secs(3600))
        .shutdown_grace(Duration::MAX);
    tokio::spawn(serve(listener, app, limits, std::future::pending()));
    let alipayhk = Client::builder()
        .base_url(&url)
        .client_id(CLIENT_ID)
        .merchant_key(platform)
        .platform_key(merchant_public)
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap();
    assert_eq!(status_of(&alipayhk.execute(&bill("B-9")).await), "S");
}
