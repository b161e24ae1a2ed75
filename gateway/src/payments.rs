//! Payments: a state machine per `paymentRequestId`. `pay` takes a payment with a payment code
//! the gateway issued (each pays once, within a minute), paid at once or, with a `processing`
//! fault, in process (`U` `PAYMENT_IN_PROCESS`) until its time passes (`ledger.rs` settles
//! it); `inquiryPayment` reports it; `cancelPayment` cancels one not made yet (it can then
//! never be made), one in process (it then never becomes paid) or one within
//! [`CANCEL_WINDOW`], and answers SUCCESS again for one already cancelled; `refund` refuses
//! more than was paid across a payment's refunds; `codeConsult` names the wallet of a code the
//! gateway issued.
//!
//! pay is idempotent on `paymentRequestId` by its own state, not by a recorded answer: a
//! re-send asking the same (amount, payment code) is answered with the payment as it is now
//! (paid, in process, cancelled) and never charges again, and one asking anything else is
//! refused (`REPEAT_REQ_INCONSISTENT`). The other endpoints' identical re-sends are answered
//! from the replay record (`state.rs`).

use std::time::{Duration, Instant};

use alipayhk::runtime::server::failure;
use alipayhk::*;

use crate::faults::{Fault, Stage};
use crate::records::{
    CANCEL_WINDOW, PAYMENT_CODE_LIFETIME, Payment, PaymentCode, PaymentState, Settling,
};
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
        self.payments_now().get(payment_request_id).cloned()
    }

    /// Ages a payment past the cancel window, as if it were made a day ago.
    pub fn age_payment(&self, payment_request_id: &str) {
        if let Some(payment) = self.payments_now().get_mut(payment_request_id) {
            payment.paid = back(payment.paid, CANCEL_WINDOW);
        }
    }

    pub(crate) fn take_payment(&self, request: &PayRequest) -> Result<PayResponse, ResultInfo> {
        let (Some(request_id), Some(asked), Some(method)) = (
            &request.payment_request_id,
            &request.payment_amount,
            &request.payment_method,
        ) else {
            return Err(failure(
                "PARAM_ILLEGAL",
                "paymentRequestId, paymentAmount and paymentMethod are required",
            ));
        };
        let value = minor_units(asked)?;
        let code = method.payment_method_id.as_deref().unwrap_or_default();
        // Held until the payment is recorded: two copies of one pay racing make one payment.
        let mut payments = self.payments_now();
        if let Some(payment) = payments.get(request_id.as_str()) {
            return self.answer_again(request_id.as_str(), payment, value, code);
        }
        if lock(&self.cancelled_unmade).contains(request_id.as_str()) {
            return Err(failure("ORDER_IS_CLOSED", "this payment was cancelled"));
        }
        let mut codes = lock(&self.payment_codes);
        let Some(entry) = codes.get_mut(code).filter(|c| !c.used) else {
            return Err(failure("INVALID_CODE", "unknown or used payment code"));
        };
        if entry.issued.elapsed() > PAYMENT_CODE_LIFETIME {
            return Err(failure("EXPIRED_CODE", "the payment code expired"));
        }
        entry.used = true;
        let (user_id, site) = (entry.user_id.clone(), entry.site.clone());
        drop(codes);
        let (now, created) = (Instant::now(), EpochMillis::now());
        let mut payment = Payment {
            payment_id: self.next_id(),
            state: PaymentState::Paid,
            currency: CURRENCY.to_owned(),
            amount: value,
            payment_code: code.to_owned(),
            charges: 1,
            refunded: 0,
            refunds: Default::default(),
            user_id,
            paid_at: created.to_rfc3339(),
            created_at: created.to_rfc3339(),
            paid: now,
            settling: None,
        };
        // Only a new payment takes a `processing` fault: a re-send answers from the state.
        let processing = self
            .faults()
            .take(Some(request_id.as_str()), Stage::Payment)
            .into_iter()
            .find_map(|fault| match fault {
                Fault::Processing { millis } => Some(millis),
                _ => None,
            });
        let answer = if let Some(millis) = processing {
            payment.state = PaymentState::Processing;
            payment.charges = 0;
            // A time past what an Instant holds never comes: the payment stays in process.
            payment.settling = now
                .checked_add(Duration::from_millis(millis))
                .map(|at| Settling {
                    at,
                    at_epoch: EpochMillis(
                        created
                            .0
                            .saturating_add(i64::try_from(millis).unwrap_or(i64::MAX)),
                    ),
                });
            if let (Some(url), Some(settling)) = (&request.payment_notify_url, &payment.settling) {
                // The notice of the payment as it will be paid, held until then.
                let paid = Payment {
                    paid_at: settling.at_epoch.to_rfc3339(),
                    ..payment.clone()
                };
                self.queue_payment_notice(url, request_id.as_str(), &paid, Some(settling.at));
            }
            Err(in_process())
        } else {
            if let Some(url) = &request.payment_notify_url {
                self.queue_payment_notice(url, request_id.as_str(), &payment, None);
            }
            Ok(paid_answer(request_id.as_str(), &payment, &site))
        };
        payments.insert(request_id.to_string(), payment);
        answer
    }

    /// The answer to a pay re-sent under a `paymentRequestId` that has a payment: the
    /// payment's state now if it asks the same (amount and payment code), never a second
    /// charge; `REPEAT_REQ_INCONSISTENT` if it asks anything else.
    fn answer_again(
        &self,
        request_id: &str,
        payment: &Payment,
        value: u64,
        code: &str,
    ) -> Result<PayResponse, ResultInfo> {
        if payment.amount != value || payment.payment_code != code {
            return Err(failure(
                "REPEAT_REQ_INCONSISTENT",
                "this paymentRequestId was used for another amount or payment code",
            ));
        }
        match payment.state {
            PaymentState::Processing => Err(in_process()),
            PaymentState::Cancelled => {
                Err(failure("ORDER_IS_CLOSED", "this payment was cancelled"))
            }
            PaymentState::Paid => {
                let site = lock(&self.payment_codes)
                    .get(&payment.payment_code)
                    .map(|c| c.site.clone())
                    .unwrap_or_default();
                Ok(paid_answer(request_id, payment, &site))
            }
        }
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
        let mut answer = answer
            .payment_id(payment.payment_id.clone())
            .payment_amount(amount(payment.amount))
            .customer_id(payment.user_id.clone());
        // Only a payment that was paid (even if cancelled since) has a payment time.
        if payment.charges > 0 {
            answer = answer.payment_time(payment.paid_at.clone());
        }
        Ok(match payment.state {
            PaymentState::Paid => {
                answer.payment_result(payment_result("SUCCESS", PaymentResultStatus::S, "Success"))
            }
            PaymentState::Processing => answer.payment_result(payment_result(
                IN_PROCESS,
                PaymentResultStatus::U,
                IN_PROCESS_MESSAGE,
            )),
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
        let mut payments = self.payments_now();
        match payments.get_mut(id) {
            // Never made: it never will be.
            None => {
                lock(&self.cancelled_unmade).insert(id.to_owned());
            }
            Some(payment) if payment.state == PaymentState::Cancelled => {}
            // In process: it never becomes paid, and no money moved.
            Some(payment) if payment.state == PaymentState::Processing => {
                payment.state = PaymentState::Cancelled;
                payment.settling = None;
            }
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
        let mut payments = self.payments_now();
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
        if payment.state == PaymentState::Processing {
            return Err(failure(
                "PROCESS_FAIL",
                "the payment is still in process: nothing was paid to refund yet",
            ));
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

/// The code a payment in process is answered with: `U` from pay, in inquiryPayment's
/// `paymentResult`. No stored page names it; the client treats any `U` as unknown.
const IN_PROCESS: &str = "PAYMENT_IN_PROCESS";
const IN_PROCESS_MESSAGE: &str = "The payment is in process: inquire until it is final.";

/// pay's answer for a payment in process.
fn in_process() -> ResultInfo {
    ResultInfo::new(IN_PROCESS, ResultStatus::Unknown, IN_PROCESS_MESSAGE)
}

/// pay's `S` answer for `payment`, paid with a code of `site`'s wallet: the same for the pay
/// that paid it and every re-send of that pay.
fn paid_answer(request_id: &str, payment: &Payment, site: &str) -> PayResponse {
    PayResponse::new(success())
        .payment_request_id(request_id)
        .payment_id(payment.payment_id.clone())
        .payment_amount(amount(payment.amount))
        .actual_payment_amount(amount(payment.amount))
        .payment_time(payment.paid_at.clone())
        .payment_create_time(payment.created_at.clone())
        .psp_customer_info(
            PspCustomerInfo::new()
                .psp_name(site)
                .psp_customer_id(payment.user_id.clone()),
        )
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
