//! The payments family against the local gateway over loopback: a payment's state machine
//! (pay, inquire, cancel, refund), each refusal with its code, idempotency on the request IDs,
//! codeConsult for the codes the gateway issued, and notifyPayment delivered to the merchant's
//! webhook router, once per payment (for a payment in process, once it is paid). The gateway's
//! own `tests/payment_resolution.rs` covers pay's re-sends, `processing` and the ledger.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use alipayhk::runtime::notifications::{Delivery, InMemoryStore, Inbox};
use alipayhk::runtime::server::{ServeLimits, ServerConfig, serve};
use alipayhk::runtime::{Error, PrivateKey, Resolved, ResultInfo, ResultStatus};
use alipayhk::webhooks::{Webhooks, router};
use alipayhk::*;
use alipayhk_gateway::{Fault, LedgerOutcome, PaymentState};

mod support;

use support::{CLIENT_ID, Fixture, fixture, quick};

const USER: &str = "2160220000000002";

fn failed_code<C: std::fmt::Debug + Clone, R: std::fmt::Debug>(result: Result<R, Error<C>>) -> C {
    match result {
        Err(Error::Failed { code, .. }) => code,
        other => panic!("expected F, got {other:?}"),
    }
}

fn amount(currency: &str, value: &str) -> PaymentAmount {
    PaymentAmount::new().currency(currency).value(value)
}

fn hkd(value: &str) -> PaymentAmount {
    amount("HKD", value)
}

fn pay(request_id: &str, code: &str, value: &str) -> PayRequest {
    PayRequest::new(
        PaymentOrder::new()
            .reference_order_id(format!("ORDER-{request_id}"))
            .order_description("Wrist strap")
            .order_amount(hkd(value)),
    )
    .product_code(PaymentProductCode::InStorePayment)
    .payment_request_id(request_id)
    .payment_amount(hkd(value))
    .payment_method(
        PaymentMethod::new()
            .payment_method_type(PaymentMethodType::ConnectWallet)
            .payment_method_id(code),
    )
}

fn inquiry(request_id: &str) -> InquiryPaymentRequest {
    InquiryPaymentRequest::new("ACQUIRER", "PSP", request_id)
}

fn cancel(request_id: &str) -> CancelPaymentRequest {
    CancelPaymentRequest::new("ACQUIRER", "PSP", request_id)
}

fn refund(request_id: &str, refund_id: &str, value: &str) -> RefundRequest {
    RefundRequest::new(
        "ACQUIRER",
        "PSP",
        request_id,
        refund_id,
        hkd(value),
        hkd(value),
    )
}

async fn paid(f: &Fixture, request_id: &str, value: &str) -> PayResponse {
    let code = f.gateway.issue_payment_code(USER, "ALIPAY_HK");
    f.client()
        .execute(&pay(request_id, &code, value))
        .await
        .unwrap()
}

#[tokio::test]
async fn pay_then_inquire_reports_the_payment() {
    let f = fixture().await;
    let answer = paid(&f, "PAY-1", "50000").await;
    let payment_id = answer.payment_id.clone().expect("a paymentId");
    assert_eq!(answer.payment_amount, Some(hkd("50000")));

    let report = f.client().execute(&inquiry("PAY-1")).await.unwrap();

    let result = report.payment_result.expect("the payment's result");
    assert_eq!(
        (result.result_code.as_deref(), result.result_status),
        (Some("SUCCESS"), Some(PaymentResultStatus::S))
    );
    assert_eq!(report.payment_id, Some(payment_id));
    assert_eq!(report.payment_amount, Some(hkd("50000")));
    let unknown = f.client().execute(&inquiry("PAY-NEVER")).await;
    assert_eq!(
        failed_code(unknown),
        InquiryPaymentResultCode::OrderNotExist
    );
}

#[tokio::test]
async fn pay_refuses_bad_codes_currencies_amounts_and_reused_ids() {
    let f = fixture().await;
    let client = f.client();
    let refused = |r| async move { failed_code(r) };

    let unknown = client.execute(&pay("PAY-2", "281000000", "100")).await;
    assert_eq!(refused(unknown).await, PayResultCode::InvalidCode);

    let expired = f.gateway.issue_payment_code(USER, "ALIPAY_HK");
    f.gateway.expire_payment_code(&expired);
    let late = client.execute(&pay("PAY-3", &expired, "100")).await;
    assert_eq!(refused(late).await, PayResultCode::ExpiredCode);

    let code = f.gateway.issue_payment_code(USER, "ALIPAY_HK");
    let mut dollars = pay("PAY-4", &code, "100");
    dollars.payment_amount = Some(amount("USD", "100"));
    let dollars = client.execute(&dollars).await;
    assert_eq!(refused(dollars).await, PayResultCode::CurrencyNotSupport);
    // The spec only infers that an amount has its currency and value (no stored page lists
    // Amount's fields), so the types let one go out without them: the gateway refuses it.
    let mut bare = pay("PAY-4", &code, "100");
    bare.payment_amount = Some(PaymentAmount::new().value("100"));
    assert!(
        bare.validate().is_ok(),
        "an inferred requirement only warns"
    );
    let bare = client.execute(&bare).await;
    assert_eq!(refused(bare).await, PayResultCode::ParamIllegal);
    let cents = client.execute(&pay("PAY-4", &code, "12.50")).await;
    assert_eq!(refused(cents).await, PayResultCode::ParamIllegal);

    // A code pays once; a paymentRequestId names one payment, which the same pay again
    // answers (charging nothing more), and a pay asking anything else is refused.
    let first = client.execute(&pay("PAY-4", &code, "100")).await.unwrap();
    let again = client.execute(&pay("PAY-5", &code, "100")).await;
    assert_eq!(refused(again).await, PayResultCode::InvalidCode);
    let resent = client.execute(&pay("PAY-4", &code, "100")).await.unwrap();
    assert_eq!(resent.payment_id, first.payment_id);
    assert_eq!(f.gateway.payment("PAY-4").unwrap().charges, 1);
    let fresh = f.gateway.issue_payment_code(USER, "ALIPAY_HK");
    let reused = client.execute(&pay("PAY-4", &fresh, "999")).await;
    assert_eq!(refused(reused).await, PayResultCode::RepeatReqInconsistent);
}

#[tokio::test]
async fn a_payment_whose_answer_was_unknown_is_resolved_and_paid_once() {
    let f = fixture().await;
    let code = f.gateway.issue_payment_code(USER, "ALIPAY_HK");
    f.gateway.faults().script(
        "PAY-6",
        Fault::After {
            code: "UNKNOWN_EXCEPTION".into(),
            status: "U".into(),
            message: None,
        },
        Some(1),
    );
    let request = pay("PAY-6", &code, "2500");

    let resolved = f
        .client()
        .execute_resolving_unknown(&request, quick())
        .await
        .unwrap();

    let Resolved::Done(answer) = resolved else {
        panic!("{resolved:?}")
    };
    let payment = f.gateway.payment("PAY-6").unwrap();
    assert_eq!(answer.payment_id, Some(payment.payment_id.into()));
    assert_eq!(payment.amount, 2500, "paid once");
}

#[tokio::test]
async fn refunds_never_exceed_the_payment_and_each_refund_id_refunds_once() {
    let f = fixture().await;
    let client = f.client();
    paid(&f, "PAY-7", "5000").await;

    let first = client
        .execute(&refund("PAY-7", "RF-1", "2000"))
        .await
        .unwrap();
    let again = client
        .execute(&refund("PAY-7", "RF-1", "2000"))
        .await
        .unwrap();
    assert_eq!(first.refund_id, again.refund_id, "the same refund");
    let past = client.execute(&refund("PAY-7", "RF-2", "3001")).await;
    assert_eq!(failed_code(past), RefundResultCode::RefundAmountExceed);
    let changed = client.execute(&refund("PAY-7", "RF-1", "100")).await;
    assert_eq!(
        failed_code(changed),
        RefundResultCode::RepeatReqInconsistent
    );
    let nowhere = client.execute(&refund("PAY-NEVER", "RF-3", "1")).await;
    assert_eq!(failed_code(nowhere), RefundResultCode::OrderNotExist);
    let mut dollars = refund("PAY-7", "RF-6", "1");
    dollars.refund_amount = amount("USD", "1");
    let dollars = client.execute(&dollars).await;
    assert_eq!(failed_code(dollars), RefundResultCode::ParamIllegal);
    let fraction = client.execute(&refund("PAY-7", "RF-7", "0.5")).await;
    assert_eq!(failed_code(fraction), RefundResultCode::ParamIllegal);
    client
        .execute(&refund("PAY-7", "RF-4", "3000"))
        .await
        .unwrap();

    let payment = f.gateway.payment("PAY-7").unwrap();
    assert_eq!((payment.refunded, payment.refunds.len()), (5000, 2));
}

#[tokio::test]
async fn cancel_is_idempotent_closes_unmade_payments_and_keeps_its_window() {
    let f = fixture().await;
    let client = f.client();
    paid(&f, "PAY-8", "800").await;

    client.execute(&cancel("PAY-8")).await.unwrap();
    client.execute(&cancel("PAY-8")).await.unwrap();
    assert_eq!(
        f.gateway.payment("PAY-8").unwrap().state,
        PaymentState::Cancelled
    );
    let report = client.execute(&inquiry("PAY-8")).await.unwrap();
    let result = report.payment_result.unwrap();
    assert_eq!(result.result_status, Some(PaymentResultStatus::F));
    let refunded = client.execute(&refund("PAY-8", "RF-5", "100")).await;
    assert_eq!(failed_code(refunded), RefundResultCode::OrderStatusInvalid);

    // Cancelled before it was made: it can never be made.
    client.execute(&cancel("PAY-9")).await.unwrap();
    let code = f.gateway.issue_payment_code(USER, "ALIPAY_HK");
    let late = client.execute(&pay("PAY-9", &code, "100")).await;
    assert_eq!(failed_code(late), PayResultCode::OrderIsClosed);

    // A payment refunded in part is refunded the rest of the way, not cancelled.
    paid(&f, "PAY-13", "100").await;
    client
        .execute(&refund("PAY-13", "RF-8", "10"))
        .await
        .unwrap();
    let partly = client.execute(&cancel("PAY-13")).await;
    assert_eq!(failed_code(partly), CancelPaymentResultCode::ProcessFail);

    // Past the window, a payment is refunded instead.
    paid(&f, "PAY-10", "100").await;
    f.gateway.age_payment("PAY-10");
    let old = client.execute(&cancel("PAY-10")).await;
    assert_eq!(failed_code(old), CancelPaymentResultCode::ProcessFail);
}

#[tokio::test]
async fn code_consult_names_the_wallet_of_codes_the_gateway_issued() {
    let f = fixture().await;
    let client = f.client();
    let cn = f.gateway.issue_payment_code(USER, "ALIPAY_CN");

    let answer = client.execute(&CodeConsultRequest::new(&cn)).await.unwrap();

    assert_eq!(answer.psp_site_name, "ALIPAY_CN");
    let unknown = client.execute(&CodeConsultRequest::new("281999")).await;
    assert_eq!(failed_code(unknown), CodeConsultResultCode::InvalidCode);
    f.gateway.expire_payment_code(&cn);
    let expired = client.execute(&CodeConsultRequest::new(&cn)).await;
    assert_eq!(failed_code(expired), CodeConsultResultCode::ExpiredCode);
}

/// The merchant's side: the payments it recorded, once each.
#[derive(Default)]
struct Till {
    recorded: Mutex<Vec<String>>,
}

impl Webhooks for Till {
    async fn notify_payment(
        &self,
        notice: NotifyPaymentRequest,
        _delivery: Delivery,
    ) -> Result<NotifyPaymentResponse, ResultInfo> {
        assert_eq!(
            notice.payment_result.result_status,
            Some(PaymentResultStatus::S)
        );
        self.recorded
            .lock()
            .unwrap()
            .push(notice.payment_request_id.to_string());
        Ok(NotifyPaymentResponse::new(ResultInfo::new(
            "SUCCESS",
            ResultStatus::Success,
            "recorded",
        )))
    }
}

#[tokio::test]
async fn a_payment_is_notified_to_its_notify_url_through_the_webhook_router() {
    let f = fixture().await;
    let till = Arc::new(Till::default());
    let keys = ServerConfig::new(
        PrivateKey::merchant(f.merchant_pem()).unwrap(),
        f.gateway.platform_public_key.clone(),
        CLIENT_ID,
    );
    let app = axum::Router::new().nest(
        "/merchant",
        router(till.clone(), Inbox::new(InMemoryStore::default()), keys),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}/merchant", listener.local_addr().unwrap());
    tokio::spawn(serve(
        listener,
        app,
        ServeLimits::default(),
        std::future::pending(),
    ));
    let code = f.gateway.issue_payment_code(USER, "ALIPAY_HK");
    let request = pay("PAY-11", &code, "4200")
        .payment_notify_url(format!("{base}/v1/payments/notifyPayment"));

    f.client().execute(&request).await.unwrap();

    for _ in 0..250 {
        if !f.gateway.payment_notices_delivered().is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let delivered = f.gateway.payment_notices_delivered();
    assert_eq!(delivered.len(), 1, "{delivered:?}");
    assert!(delivered[0].1.starts_with("answered S"), "{delivered:?}");
    assert_eq!(*till.recorded.lock().unwrap(), vec!["PAY-11".to_owned()]);
    // A notify URL off this machine is never called.
    let code = f.gateway.issue_payment_code(USER, "ALIPAY_HK");
    let away = pay("PAY-12", &code, "1").payment_notify_url("https://merchant.example/notify");
    f.client().execute(&away).await.unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(f.gateway.payment_notices_delivered().len(), 1);
}

#[tokio::test]
async fn a_payment_in_process_is_notified_when_paid_and_never_if_cancelled_first() {
    let f = fixture().await;
    let till = Arc::new(Till::default());
    let base = f.serve_webhooks(till.clone()).await;
    for id in ["PAY-15", "PAY-16"] {
        let processing = Fault::Processing { millis: 300 };
        f.gateway.faults().script(id, processing, Some(1));
        let code = f.gateway.issue_payment_code(USER, "ALIPAY_HK");
        let request = pay(id, &code, "100").payment_notify_url(base.clone());
        let answer = f.client().execute(&request).await;
        assert!(matches!(answer, Err(Error::Unknown { .. })), "{answer:?}");
    }
    f.client().execute(&cancel("PAY-16")).await.unwrap();

    // No one asks about PAY-15: the notice goes out when it is paid, all the same.
    for _ in 0..250 {
        if !f.gateway.payment_notices_delivered().is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(*till.recorded.lock().unwrap(), vec!["PAY-15".to_owned()]);
    let ledger = f.gateway.payment_ledger();
    let charges: Vec<_> = ledger.iter().map(|e| (e.outcome, e.charges)).collect();
    assert_eq!(
        charges,
        [
            (LedgerOutcome::Paid, 1),
            (LedgerOutcome::CancelledWhileProcessing, 0)
        ]
    );
}

/// A merchant whose first answer is `U`: AlipayHK delivers again.
#[derive(Default)]
struct FlakyTill {
    calls: Mutex<u32>,
}

impl Webhooks for FlakyTill {
    async fn notify_payment(
        &self,
        _notice: NotifyPaymentRequest,
        _delivery: Delivery,
    ) -> Result<NotifyPaymentResponse, ResultInfo> {
        let mut calls = self.calls.lock().unwrap();
        *calls += 1;
        if *calls == 1 {
            return Err(ResultInfo::new(
                "UNKNOWN_EXCEPTION",
                ResultStatus::Unknown,
                "busy",
            ));
        }
        Ok(NotifyPaymentResponse::new(ResultInfo::new(
            "SUCCESS",
            ResultStatus::Success,
            "recorded",
        )))
    }
}

#[tokio::test]
async fn a_payment_notice_answered_u_is_delivered_again_until_s() {
    let mut config = alipayhk_gateway::GatewayConfig::generated(CLIENT_ID).unwrap();
    // AlipayHK's schedule (2 minutes first), a million times faster.
    config.redelivery_speed = 1_000_000.0;
    let f = support::fixture_from(config).await;
    let till = Arc::new(FlakyTill::default());
    let base = f.serve_webhooks(till.clone()).await;
    let code = f.gateway.issue_payment_code(USER, "ALIPAY_HK");

    f.client()
        .execute(&pay("PAY-14", &code, "100").payment_notify_url(base))
        .await
        .unwrap();

    for _ in 0..250 {
        if !f.gateway.payment_notices_delivered().is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let delivered = f.gateway.payment_notices_delivered();
    assert_eq!(delivered.len(), 1, "{delivered:?}");
    assert!(delivered[0].1.starts_with("answered S"), "{delivered:?}");
    assert_eq!(
        *till.calls.lock().unwrap(),
        2,
        "delivered again after the U"
    );
}
