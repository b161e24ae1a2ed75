//! A conditional requirement can decide on a field of an object the message holds (issue 33):
//! notifyPayment's page requires `paymentId` and `paymentAmount` when the payment succeeded,
//! which is `paymentResult.resultStatus`. The generated validator checks exactly that.

use alipayhk::runtime::serde_json::{self, json};
use alipayhk::{NotifyPaymentRequest, Validate};

fn notification(status: &str, with_payment: bool) -> NotifyPaymentRequest {
    let mut body = json!({
        "paymentResult": {"resultCode": "SUCCESS", "resultStatus": status, "resultMessage": "success"},
        "paymentRequestId": "PAY-1"
    });
    if with_payment {
        body["paymentId"] = json!("2026120700001");
        body["paymentAmount"] = json!({"currency": "HKD", "value": "500"});
    }
    serde_json::from_value(body).unwrap()
}

#[test]
fn a_successful_payment_without_its_id_and_amount_is_refused() {
    let error = notification("S", false).validate().unwrap_err();
    let text = error.to_string();
    assert!(text.contains("paymentId"), "{text}");
    assert!(text.contains("paymentAmount"), "{text}");
}

#[test]
fn a_successful_payment_with_them_and_a_failed_one_without_them_are_valid() {
    notification("S", true).validate().unwrap();
    notification("F", false).validate().unwrap();
}
