//! The gateway's pay as a resolver must find it: idempotent on paymentRequestId (a re-send is
//! answered from the payment's state and never charges again; other content under a used ID
//! is refused), a payment that stays in process for a while (`processing`), answers lost after
//! the payment was made (`after`, `delay`, `drop`), and the ledger that counts every charge.

use std::time::Duration;

use alipayhk::runtime::{Client, Error, PrivateKey, ResultStatus};
use alipayhk::*;
use alipayhk_gateway::{
    Fault, GatewayConfig, LedgerEntry, LedgerOutcome, PaymentState, RunningGateway, start,
};

const USER: &str = "2160220000000002";

/// A gateway and a client whose timeout (300 ms) a `delay` fault can outlast.
async fn gateway_and_client() -> (RunningGateway, Client) {
    let config = GatewayConfig::generated("TEST_CLIENT").expect("keys");
    let merchant_key = config.merchant_key.clone().expect("generated");
    let gateway = start(config).await.expect("gateway");
    let client = Client::builder()
        .base_url(gateway.url())
        .client_id("TEST_CLIENT")
        .merchant_key(PrivateKey::merchant(&merchant_key.to_pkcs8_pem()).expect("key"))
        .platform_key(gateway.platform_public_key.clone())
        .timeout(Duration::from_millis(300))
        .build()
        .expect("client");
    (gateway, client)
}

fn hkd(value: &str) -> PaymentAmount {
    PaymentAmount::new().currency("HKD").value(value)
}

fn pay(request_id: &str, code: &str, value: &str) -> PayRequest {
    PayRequest::new(PaymentOrder::new().order_amount(hkd(value)))
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

fn failed_code<C: std::fmt::Debug, R: std::fmt::Debug>(answer: Result<R, Error<C>>) -> String {
    match answer {
        Err(Error::Failed { result, .. }) => result.result_code,
        other => panic!("expected F, got {other:?}"),
    }
}

/// The code of a `U` answer, or `None` for an unknown outcome without one (a timeout).
fn unknown_code<C: std::fmt::Debug, R: std::fmt::Debug>(
    answer: Result<R, Error<C>>,
) -> Option<String> {
    match answer {
        Err(Error::Unknown { result, .. }) => result.map(|r| r.result_code),
        other => panic!("expected an unknown outcome, got {other:?}"),
    }
}

/// inquiryPayment's `paymentResult`: (status, code).
async fn inquired(client: &Client, request_id: &str) -> (PaymentResultStatus, String) {
    let report = client.execute(&inquiry(request_id)).await.expect("inquiry");
    let result = report.payment_result.expect("paymentResult");
    (
        result.result_status.expect("a status"),
        result.result_code.expect("a code"),
    )
}

fn entry(gateway: &RunningGateway, request_id: &str) -> LedgerEntry {
    gateway
        .payment_ledger()
        .into_iter()
        .find(|e| e.payment_request_id == request_id)
        .expect("in the ledger")
}

#[tokio::test]
async fn a_pay_re_sent_after_a_u_is_answered_with_the_same_payment_and_charges_once() {
    let (gateway, client) = gateway_and_client().await;
    let code = gateway.issue_payment_code(USER, "ALIPAY_HK");
    let after = Fault::After {
        code: "UNKNOWN_EXCEPTION".into(),
        status: "U".into(),
        message: None,
    };
    gateway.faults().script("PAY-A", after, Some(1));

    let first = client.execute(&pay("PAY-A", &code, "2500")).await;
    assert_eq!(unknown_code(first).as_deref(), Some("UNKNOWN_EXCEPTION"));
    let again = client.execute(&pay("PAY-A", &code, "2500")).await.unwrap();
    let third = client.execute(&pay("PAY-A", &code, "2500")).await.unwrap();

    let payment = gateway.payment("PAY-A").unwrap();
    assert_eq!(again.result.result_status, ResultStatus::Success);
    assert_eq!(
        again.payment_id.as_deref(),
        Some(payment.payment_id.as_str())
    );
    assert_eq!(third.payment_id, again.payment_id);
    assert_eq!((payment.state, payment.charges), (PaymentState::Paid, 1));
    let ledger = entry(&gateway, "PAY-A");
    assert_eq!((ledger.outcome, ledger.charges), (LedgerOutcome::Paid, 1));
    assert_eq!(ledger.payment_code.as_deref(), Some(code.as_str()));
    assert_eq!(gateway.charges_by_user()[USER], 1);
}

#[tokio::test]
async fn other_content_under_a_used_payment_request_id_is_refused() {
    let (gateway, client) = gateway_and_client().await;
    let code = gateway.issue_payment_code(USER, "ALIPAY_HK");
    client.execute(&pay("PAY-B", &code, "100")).await.unwrap();

    let more = client.execute(&pay("PAY-B", &code, "999")).await;
    assert_eq!(failed_code(more), "REPEAT_REQ_INCONSISTENT");
    let other = gateway.issue_payment_code(USER, "ALIPAY_HK");
    let other_code = client.execute(&pay("PAY-B", &other, "100")).await;
    assert_eq!(failed_code(other_code), "REPEAT_REQ_INCONSISTENT");

    // The refusals charged nothing, and left the other code unused.
    assert_eq!(entry(&gateway, "PAY-B").charges, 1);
    client.execute(&pay("PAY-C", &other, "100")).await.unwrap();
    // Two orders, two charges: only the user's total tells a double payment apart.
    assert_eq!(gateway.charges_by_user()[USER], 2);
}

#[tokio::test]
async fn a_payment_in_process_is_inquired_as_u_and_becomes_paid_when_its_time_passes() {
    let (gateway, client) = gateway_and_client().await;
    let code = gateway.issue_payment_code(USER, "ALIPAY_HK");
    gateway
        .faults()
        .script("PAY-P", Fault::Processing { millis: 400 }, Some(1));

    let first = client.execute(&pay("PAY-P", &code, "700")).await;
    assert_eq!(unknown_code(first).as_deref(), Some("PAYMENT_IN_PROCESS"));
    assert_eq!(
        inquired(&client, "PAY-P").await,
        (PaymentResultStatus::U, "PAYMENT_IN_PROCESS".to_owned())
    );
    let again = client.execute(&pay("PAY-P", &code, "700")).await;
    assert_eq!(unknown_code(again).as_deref(), Some("PAYMENT_IN_PROCESS"));
    let ledger = entry(&gateway, "PAY-P");
    assert_eq!(
        (ledger.outcome, ledger.charges),
        (LedgerOutcome::Processing, 0)
    );
    // The code is taken: it cannot pay another order meanwhile.
    let elsewhere = client.execute(&pay("PAY-Q", &code, "700")).await;
    assert_eq!(failed_code(elsewhere), "INVALID_CODE");

    tokio::time::sleep(Duration::from_millis(500)).await;

    assert_eq!(
        inquired(&client, "PAY-P").await,
        (PaymentResultStatus::S, "SUCCESS".to_owned())
    );
    let paid = client.execute(&pay("PAY-P", &code, "700")).await.unwrap();
    assert_eq!(
        paid.payment_id.as_deref(),
        Some(gateway.payment("PAY-P").unwrap().payment_id.as_str())
    );
    let ledger = entry(&gateway, "PAY-P");
    assert_eq!((ledger.outcome, ledger.charges), (LedgerOutcome::Paid, 1));
}

#[tokio::test]
async fn a_payment_cancelled_in_process_is_never_paid() {
    let (gateway, client) = gateway_and_client().await;
    let code = gateway.issue_payment_code(USER, "ALIPAY_HK");
    gateway
        .faults()
        .script("PAY-X", Fault::Processing { millis: 200 }, Some(1));
    let first = client.execute(&pay("PAY-X", &code, "300")).await;
    assert_eq!(unknown_code(first).as_deref(), Some("PAYMENT_IN_PROCESS"));
    let refund = RefundRequest::new("ACQUIRER", "PSP", "PAY-X", "RF-X", hkd("1"), hkd("1"));
    assert_eq!(failed_code(client.execute(&refund).await), "PROCESS_FAIL");

    client.execute(&cancel("PAY-X")).await.unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;

    assert_eq!(
        inquired(&client, "PAY-X").await,
        (PaymentResultStatus::F, "ORDER_IS_CLOSED".to_owned())
    );
    let late = client.execute(&pay("PAY-X", &code, "300")).await;
    assert_eq!(failed_code(late), "ORDER_IS_CLOSED");
    assert_eq!(
        gateway.payment("PAY-X").unwrap().state,
        PaymentState::Cancelled
    );
    let ledger = entry(&gateway, "PAY-X");
    assert_eq!(
        (ledger.outcome, ledger.charges),
        (LedgerOutcome::CancelledWhileProcessing, 0)
    );
    assert_eq!(gateway.charges_by_user().get(USER), Some(&0));
}

#[tokio::test]
async fn the_ledger_lists_payments_cancelled_after_paid_and_before_made() {
    let (gateway, client) = gateway_and_client().await;
    let code = gateway.issue_payment_code(USER, "ALIPAY_HK");
    client.execute(&pay("PAY-L1", &code, "100")).await.unwrap();
    client.execute(&cancel("PAY-L1")).await.unwrap();
    client.execute(&cancel("PAY-L2")).await.unwrap();
    let fresh = gateway.issue_payment_code(USER, "ALIPAY_HK");
    let late = client.execute(&pay("PAY-L2", &fresh, "100")).await;
    assert_eq!(failed_code(late), "ORDER_IS_CLOSED");
    // Re-sent after its cancel, the payment that was paid answers closed, not its old S.
    let again = client.execute(&pay("PAY-L1", &code, "100")).await;
    assert_eq!(failed_code(again), "ORDER_IS_CLOSED");

    let ledger = gateway.payment_ledger();

    let outcomes: Vec<_> = ledger
        .iter()
        .map(|e| {
            (
                e.payment_request_id.as_str(),
                e.outcome,
                e.charges,
                e.amount,
            )
        })
        .collect();
    assert_eq!(
        outcomes,
        [
            ("PAY-L1", LedgerOutcome::CancelledAfterPaid, 1, Some(100)),
            ("PAY-L2", LedgerOutcome::CancelledUnmade, 0, None),
        ]
    );
}

#[tokio::test]
async fn a_pay_answered_late_or_cut_off_was_made_and_a_re_send_finds_it() {
    let (gateway, client) = gateway_and_client().await;
    for (id, fault) in [
        ("PAY-D", Fault::Delay { millis: 800 }),
        ("PAY-E", Fault::Drop),
    ] {
        let code = gateway.issue_payment_code(USER, "ALIPAY_HK");
        gateway.faults().script(id, fault, Some(1));

        let lost = client.execute(&pay(id, &code, "100")).await;

        assert!(matches!(lost, Err(Error::Unknown { .. })), "{id}: {lost:?}");
        let made = gateway
            .payment(id)
            .expect("made before the answer was lost");
        let again = client.execute(&pay(id, &code, "100")).await.unwrap();
        assert_eq!(again.payment_id.as_deref(), Some(made.payment_id.as_str()));
        assert_eq!(entry(&gateway, id).charges, 1, "{id}");
    }
}
