//! A `switchStatus` whose answer was lost or `U`, settled by `Resolver` from the spec's
//! `reached` rule on the local gateway: the template is read with `templateDetail`, and the
//! change is sent again only when the read shows it did not happen. `switchStatus` is not
//! idempotent (a second change to the status the first set is refused), so a blind re-send
//! would report a change that happened as failed.

mod support;

use std::sync::Arc;
use std::time::Duration;

use alipayhk::runtime::resolve::{
    Evidence, MemoryIntentStore, Outcome, ResolvePolicy, Resolver, Settlement,
};
use alipayhk::{SwitchStatusRequest, TemplateResultCode, TemplateStatus, TemplateTargetStatus};
use alipayhk_gateway::{Fault, MERCHANT_ID, TEMPLATE_CODE};
use support::{Fixture, fixture};

fn quick() -> ResolvePolicy {
    ResolvePolicy {
        deadline: Duration::from_millis(1500),
        cancel_window: Duration::from_millis(1500),
        initial_backoff: Duration::from_millis(20),
        max_backoff: Duration::from_millis(100),
    }
}

fn store() -> Arc<MemoryIntentStore> {
    Arc::new(MemoryIntentStore::new().with_lease(Duration::from_secs(2)))
}

fn resolver(f: &Fixture, store: Arc<MemoryIntentStore>) -> Resolver<Arc<MemoryIntentStore>> {
    let client = f
        .builder()
        .timeout(Duration::from_millis(400))
        .build()
        .unwrap();
    Resolver::new(client, store)
        .policy(quick())
        .register::<SwitchStatusRequest>()
}

/// The change to `status`, naming the merchant only as the newest page does
/// (`merchantAccountId`): the read carries it into `templateDetail`'s `merchantId`.
fn switch(status: TemplateTargetStatus) -> SwitchStatusRequest {
    SwitchStatusRequest::new(TEMPLATE_CODE, status, MERCHANT_ID)
}

fn status(f: &Fixture) -> TemplateStatus {
    f.gateway.template(TEMPLATE_CODE).unwrap().status
}

#[tokio::test]
async fn a_change_answered_u_after_it_happened_is_read_not_sent_again() {
    let f = fixture().await;
    let after = Fault::After {
        code: "UNKNOWN_EXCEPTION".into(),
        status: "U".into(),
        message: None,
    };
    f.gateway.faults().script(TEMPLATE_CODE, after, Some(1));
    let outcome = resolver(&f, store())
        .execute(&switch(TemplateTargetStatus::Paused))
        .await
        .unwrap();
    // Sent again, it would have been refused as STATE_MACHINE_ILLEGAL (paused to paused).
    match outcome {
        Outcome::Done(Evidence::Inquired(detail)) => {
            assert_eq!(detail.status, Some(TemplateStatus::Paused));
        }
        other => panic!("expected done by the read, got {other:?}"),
    }
    assert_eq!(status(&f), TemplateStatus::Paused);
}

#[tokio::test]
async fn a_change_that_never_happened_is_sent_again_once_the_read_shows_it() {
    let f = fixture().await;
    let before = Fault::Result {
        code: "SYSTEM_ERROR".into(),
        status: "U".into(),
        message: None,
    };
    f.gateway.faults().script(TEMPLATE_CODE, before, Some(1));
    let outcome = resolver(&f, store())
        .execute(&switch(TemplateTargetStatus::Paused))
        .await
        .unwrap();
    assert!(
        matches!(outcome, Outcome::Done(Evidence::Answered(_))),
        "{outcome:?}"
    );
    assert_eq!(status(&f), TemplateStatus::Paused);
}

#[tokio::test]
async fn a_change_whose_answer_was_lost_is_settled_by_the_read() {
    let f = fixture().await;
    for (fault, target, reached) in [
        (
            Fault::Drop,
            TemplateTargetStatus::Paused,
            TemplateStatus::Paused,
        ),
        (
            Fault::Delay { millis: 900 },
            TemplateTargetStatus::Valid,
            TemplateStatus::Valid,
        ),
    ] {
        f.gateway.faults().script(TEMPLATE_CODE, fault, Some(1));
        let outcome = resolver(&f, store())
            .execute(&switch(target))
            .await
            .unwrap();
        assert!(
            matches!(outcome, Outcome::Done(Evidence::Inquired(_))),
            "{outcome:?}"
        );
        assert_eq!(status(&f), reached);
    }
}

#[tokio::test]
async fn an_illegal_change_fails_with_its_code_and_is_not_reported_done() {
    let f = fixture().await;
    // valid to valid is not a transition: refused, and the template is not valid "because of"
    // this call, so it is reported failed, not done by a read.
    let outcome = resolver(&f, store())
        .execute(&switch(TemplateTargetStatus::Valid))
        .await
        .unwrap();
    match outcome {
        Outcome::Failed { code, .. } => assert_eq!(code, TemplateResultCode::StateMachineIllegal),
        other => panic!("expected failed, got {other:?}"),
    }
}

#[tokio::test]
async fn the_same_change_later_is_a_new_call_not_an_answer_from_the_record() {
    let f = fixture().await;
    let r = resolver(&f, store());
    for target in [
        TemplateTargetStatus::Paused,
        TemplateTargetStatus::Valid,
        TemplateTargetStatus::Paused,
    ] {
        let outcome = r.execute(&switch(target)).await.unwrap();
        assert!(
            matches!(outcome, Outcome::Done(Evidence::Answered(_))),
            "{outcome:?}"
        );
    }
    assert_eq!(status(&f), TemplateStatus::Paused);
}

#[tokio::test]
async fn a_change_that_died_mid_procedure_is_resumed_by_a_new_resolver() {
    let f = fixture().await;
    let shared = store();
    // The change happens; its answer comes after the first resolver is gone.
    let slow = Fault::Delay { millis: 600 };
    f.gateway.faults().script(TEMPLATE_CODE, slow, Some(1));
    let first = resolver(&f, shared.clone());
    let running =
        tokio::spawn(async move { first.execute(&switch(TemplateTargetStatus::Paused)).await });
    tokio::time::sleep(Duration::from_millis(200)).await;
    running.abort();
    assert!(running.await.unwrap_err().is_cancelled());

    tokio::time::sleep(Duration::from_millis(2100)).await;
    let report = resolver(&f, shared).resume().await.unwrap();
    assert_eq!(report.len(), 1, "{report:?}");
    assert!(
        matches!(report[0].settlement, Settlement::Done(_)),
        "{report:?}"
    );
    assert_eq!(status(&f), TemplateStatus::Paused);
}
