//! Payments: a state machine per `paymentRequestId`. `pay` takes a payment with a payment code
//! the gateway issued (each pays once, within a minute); `inquiryPayment` reports it;
//! `cancelPayment` cancels one not made yet (it can then never be made) or one within
//! [`CANCEL_WINDOW`], and answers SUCCESS again for one already cancelled; `refund` refuses
//! more than was paid across a payment's refunds; `codeConsult` names the wallet of a code the
//! gateway issued. A different request under a used ID is refused (`REPEAT_REQ_INCONSISTENT`);
//! the same request again is answered from the replay record (`state.rs`).

use std::time::{Duration, Instant};

use alipayhk::runtime::server::failure;
use alipayhk::*;

use crate::records::{CANCEL_WINDOW, PAYMENT_CODE_LIFETIME, Payment, PaymentCode, PaymentState};
use crate::state::{Gateway, lock, success};

/// The currency the gateway's merchants are paid in.
const CURRENCY: &str = "HKD";

/// `{currency, value}` as minor units, or why not. The spec infers both fields' requirement
/// (no stored page lists Amount's fields), so the types let either be absent; an amount
/// without them is not one the gateway can take, and is refused as an illegal parameter.
pub(crate) fn minor_units(amount: &PaymentAmount) -> Result<u64, ResultInfo> {
    let (Some(currency), Some(value)) = (&amount.currency, &amount.value) else {
        return Err(failure(
            "PARAM_ILLEGAL",
            "an amount needs its currency and its value",
        ));
    };
    if currency != CURRENCY {
        return Err(failure(
            "CURRENCY_NOT_SUPPORT",
            format!("the gateway takes {CURRENCY}, not {currency}"),
        ));
    }
    value
        .parse::<u64>()
        .ok()
        .filter(|v| *v > 0 && value.bytes().all(|b| b.is_ascii_digit()))
        .ok_or_else(|| {
            failure(
                "PARAM_ILLEGAL",
                "an amount's value is a positive number of minor units, in digits",
            )
        })
}

fn amount(value: u64) -> PaymentAmount {
    PaymentAmount::new()
        .currency(CURRENCY)
        .value(value.to_string())
}

/// A payment's result: `code` with `status` and `message`.
pub(crate) fn payment_result(
    code: &str,
    status: PaymentResultStatus,
    message: &str,
) -> PaymentResult {
    PaymentResult::new()
        .result_code(code)
        .result_status(status)
        .result_message(message)
}

impl Gateway {
    /// Issues a payment code for `user_id`, as their wallet would show it; `site` is what
    /// codeConsult answers for it (`ALIPAY_HK`, `ALIPAY_CN`).
    pub fn issue_payment_code(&self, user_id: &str, site: &str) -> String {
        let code = format!("281{}", self.next_id());
        lock(&self.payment_codes).insert(
            code.clone(),
            PaymentCode {
                user_id: user_id.to_owned(),
                site: site.to_owned(),
                issued: Instant::now(),
                used: false,
            },
        );
        code
    }

    /// Ages an issued payment code past its lifetime.
    pub fn expire_payment_code(&self, code: &str) {
        if let Some(entry) = lock(&self.payment_codes).get_mut(code) {
            entry.issued = back(entry.issued, PAYMENT_CODE_LIFETIME);
        }
    }

    /// A payment as it is now, by `paymentRequestId`.
    pub fn payment(&self, payment_request_id: &str) -> Option<Payment> {
        lock(&self.payments).get(payment_request_id).cloned()
    }

    /// Ages a payment past the cancel window, as if it were made a day ago.
    pub fn age_payment(&self, payment_request_id: &str) {
        if let Some(payment) = lock(&self.payments).get_mut(payment_request_id) {
            payment.paid = back(payment.paid, CANCEL_WINDOW);
        }
    }

    pub(crate) fn take_payment(&self, request: &PayRequest) -> Result<PayResponse, ResultInfo> {
        let (Some(request_id), Some(paid), Some(method)) = (
            &request.payment_request_id,
            &request.payment_amount,
            &request.payment_method,
        ) else {
            return Err(failure(
                "PARAM_ILLEGAL",
                "paymentRequestId, paymentAmount and paymentMethod are required",
            ));
        };
        let value = minor_units(paid)?;
        let mut payments = lock(&self.payments);
        if payments.contains_key(request_id.as_str()) {
            return Err(failure(
                "REPEAT_REQ_INCONSISTENT",
                "this paymentRequestId paid for another request",
            ));
        }
        if lock(&self.cancelled_unmade).contains(request_id.as_str()) {
            return Err(failure("ORDER_IS_CLOSED", "this payment was cancelled"));
        }
        let code = method.payment_method_id.as_deref().unwrap_or_default();
        let mut codes = lock(&self.payment_codes);
        let Some(entry) = codes.get_mut(code).filter(|c| !c.used) else {
            return Err(failure("INVALID_CODE", "unknown or used payment code"));
        };
        if entry.issued.elapsed() > PAYMENT_CODE_LIFETIME {
            return Err(failure("EXPIRED_CODE", "the payment code expired"));
        }
        entry.used = true;
        let payment = Payment {
            payment_id: self.next_id(),
            state: PaymentState::Paid,
            currency: CURRENCY.to_owned(),
            amount: value,
            refunded: 0,
            refunds: Default::default(),
            user_id: entry.user_id.clone(),
            paid_at: EpochMillis::now().to_rfc3339(),
            paid: Instant::now(),
        };
        let response = PayResponse::new(success())
            .payment_request_id(request_id.clone())
            .payment_id(payment.payment_id.clone())
            .payment_amount(amount(value))
            .actual_payment_amount(amount(value))
            .payment_time(payment.paid_at.clone())
            .payment_create_time(payment.paid_at.clone())
            .psp_customer_info(
                PspCustomerInfo::new()
                    .psp_name(entry.site.clone())
                    .psp_customer_id(entry.user_id.clone()),
            );
        if let Some(url) = &request.payment_notify_url {
            self.queue_payment_notice(url, request_id, &payment);
        }
        payments.insert(request_id.to_string(), payment);
        Ok(response)
    }

    pub(crate) fn report_payment(
        &self,
        request: &InquiryPaymentRequest,
    ) -> Result<InquiryPaymentResponse, ResultInfo> {
        let id = &request.payment_request_id;
        let answer = InquiryPaymentResponse::new(success()).payment_request_id(id.clone());
        if lock(&self.cancelled_unmade).contains(id.as_str()) {
            return Ok(answer.payment_result(closed()));
        }
        let Some(payment) = self.payment(id.as_str()) else {
            return Err(failure(
                "ORDER_NOT_EXIST",
                "no payment has this paymentRequestId",
            ));
        };
        let answer = answer
            .payment_id(payment.payment_id.clone())
            .payment_amount(amount(payment.amount))
            .customer_id(payment.user_id.clone())
            .payment_time(payment.paid_at.clone());
        Ok(match payment.state {
            PaymentState::Paid => {
                answer.payment_result(payment_result("SUCCESS", PaymentResultStatus::S, "Success"))
            }
            PaymentState::Cancelled => answer.payment_result(closed()),
        })
    }

    pub(crate) fn void_payment(
        &self,
        request: &CancelPaymentRequest,
    ) -> Result<CancelPaymentResponse, ResultInfo> {
        self.cancel_payment_by_request_id(request.payment_request_id.as_str())?;
        Ok(CancelPaymentResponse::new(success()))
    }

    /// Cancels the payment of `id` (a `paymentRequestId`): cancelPayment and HK Auto Debit's
    /// payCancel share this state machine.
    pub(crate) fn cancel_payment_by_request_id(&self, id: &str) -> Result<(), ResultInfo> {
        let mut payments = lock(&self.payments);
        match payments.get_mut(id) {
            // Never made: it never will be.
            None => {
                lock(&self.cancelled_unmade).insert(id.to_owned());
            }
            Some(payment) if payment.state == PaymentState::Cancelled => {}
            Some(payment) if payment.refunded > 0 => {
                return Err(failure(
                    "PROCESS_FAIL",
                    "the payment was refunded in part: refund the rest instead",
                ));
            }
            Some(payment) if payment.paid.elapsed() > CANCEL_WINDOW => {
                return Err(failure(
                    "PROCESS_FAIL",
                    "the payment is past the cancel window: refund it instead",
                ));
            }
            Some(payment) => payment.state = PaymentState::Cancelled,
        }
        Ok(())
    }

    pub(crate) fn refund_payment(
        &self,
        request: &RefundRequest,
    ) -> Result<RefundResponse, ResultInfo> {
        // A refund is in the payment's currency: any other (or none) is an illegal parameter
        // here, not an unsupported currency (refund's codes have none).
        let amounts = [&request.refund_amount, &request.refund_from_amount];
        if amounts
            .iter()
            .any(|a| a.currency.as_deref() != Some(CURRENCY))
        {
            return Err(failure(
                "PARAM_ILLEGAL",
                format!("the payment was in {CURRENCY}: refund in {CURRENCY}"),
            ));
        }
        let value = minor_units(&request.refund_amount)?;
        let mut payments = lock(&self.payments);
        let Some(payment) = payments.get_mut(request.payment_request_id.as_str()) else {
            return Err(failure(
                "ORDER_NOT_EXIST",
                "no payment has this paymentRequestId",
            ));
        };
        let refund_request_id = request.refund_request_id.to_string();
        if payment.refunds.contains_key(&refund_request_id) {
            return Err(failure(
                "REPEAT_REQ_INCONSISTENT",
                "this refundRequestId refunded another amount",
            ));
        }
        if payment.state == PaymentState::Cancelled {
            return Err(failure("ORDER_STATUS_INVALID", "the payment was cancelled"));
        }
        if payment.refunded + value > payment.amount {
            return Err(failure(
                "REFUND_AMOUNT_EXCEED",
                format!(
                    "{} of {} is refunded already; {value} more exceeds the payment",
                    payment.refunded, payment.amount
                ),
            ));
        }
        let refund_id = self.next_id();
        payment.refunded += value;
        payment
            .refunds
            .insert(refund_request_id, (refund_id.clone(), value));
        Ok(RefundResponse::new(success())
            .refund_id(refund_id)
            .refund_time(EpochMillis::now().to_rfc3339()))
    }

    pub(crate) fn consult_code(
        &self,
        request: &CodeConsultRequest,
    ) -> Result<CodeConsultResponse, ResultInfo> {
        let codes = lock(&self.payment_codes);
        let Some(entry) = codes.get(&request.code_value) else {
            return Err(failure("INVALID_CODE", "the gateway issued no such code"));
        };
        if entry.issued.elapsed() > PAYMENT_CODE_LIFETIME {
            return Err(failure("EXPIRED_CODE", "the payment code expired"));
        }
        Ok(CodeConsultResponse::new(success(), entry.site.clone()))
    }
}

/// The payment result of a payment that was cancelled.
fn closed() -> PaymentResult {
    payment_result(
        "ORDER_IS_CLOSED",
        PaymentResultStatus::F,
        "The payment was cancelled.",
    )
}

fn back(instant: Instant, by: Duration) -> Instant {
    instant
        .checked_sub(by + Duration::from_secs(1))
        .unwrap_or(instant)
}
