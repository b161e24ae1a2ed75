//! Every call is a `tracing` span with what AlipayHK support asks for: the endpoint, the
//! attempt, `Request-Time`, `Tracer-Id`, the outcome and the duration; a re-send is a second
//! span with `attempt=2`.

use std::io::Write;
use std::sync::{Arc, Mutex};

use alipayhk::{UpdatePassRequest, UpdatePassStatus, UpdatePassUpdateDetailType};
use alipayhk_gateway::Fault;

mod support;

use support::{fixture, quick};

/// Collects what the subscriber writes.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test(flavor = "current_thread")]
async fn each_attempt_is_a_span_with_its_tracer_id_and_outcome() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .with_max_level(tracing::Level::INFO)
        .finish();
    // Current-thread runtime: the guard covers every poll of the calls below.
    let _guard = tracing::subscriber::set_default(subscriber);

    let f = fixture().await;
    let pass = "2020091119027102160530200000039";
    f.gateway.faults().script(
        pass,
        Fault::Result {
            code: "SYSTEM_ERROR".into(),
            status: "U".into(),
            message: None,
        },
        Some(1),
    );
    let request = UpdatePassRequest::new(
        "2160120000000001",
        pass,
        UpdatePassStatus::Update,
        UpdatePassUpdateDetailType::UpdateMemberCard,
    )
    .user_id("2160220000000002");
    f.client()
        .execute_resolving_unknown(&request, quick())
        .await
        .unwrap();

    let text = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    let finished: Vec<&str> = text
        .lines()
        .filter(|l| l.contains("call finished"))
        .collect();
    assert_eq!(finished.len(), 2, "{text}");
    for (line, attempt, outcome) in [(finished[0], 1, "unknown"), (finished[1], 2, "S")] {
        assert!(
            line.contains(&format!(
                "alipayhk.call{{endpoint=\"updatePass\" attempt={attempt} request_time="
            )),
            "{line}"
        );
        assert!(
            line.contains("tracer_id="),
            "the gateway's Tracer-Id is recorded: {line}"
        );
        assert!(line.contains(&format!("outcome=\"{outcome}\"")), "{line}");
        assert!(line.contains("duration_ms="), "{line}");
    }
}
