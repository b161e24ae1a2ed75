//! The payments ledger: where every `paymentRequestId` the gateway saw ended, and how many
//! times money was taken for it, so a simulation can prove a resolver never charged twice.
//! Also where payments in process become paid: lazily, on every access to the payments
//! ([`Gateway::payments_now`]), so no timer task is needed and a test that looks after the
//! time has passed sees the payment as AlipayHK would have made it by then. (Its notice does
//! not wait for an access: `payment_notices.rs` sends it at that moment, after such an access
//! of its own.)

use std::collections::{BTreeMap, HashMap};
use std::sync::MutexGuard;
use std::time::Instant;

use crate::records::{Payment, PaymentState};
use crate::state::{Gateway, lock};

/// Where a `paymentRequestId` ended, as [`Gateway::payment_ledger`] reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LedgerOutcome {
    /// Paid, and not cancelled (refunds aside): money was taken once.
    Paid,
    /// In process: the payment code is taken, no money yet.
    Processing,
    /// Paid, then cancelled: money was taken once, and went back.
    CancelledAfterPaid,
    /// Cancelled while in process: the code was taken, money never was.
    CancelledWhileProcessing,
    /// Cancelled before any pay arrived for it: it can never be paid.
    CancelledUnmade,
}

/// One `paymentRequestId` in the ledger.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LedgerEntry {
    /// The merchant's ID for the payment.
    pub payment_request_id: String,
    /// Where it ended.
    pub outcome: LedgerOutcome,
    /// The amount asked, in minor units (`None`: cancelled before any pay arrived).
    pub amount: Option<u64>,
    /// The payment code (`paymentMethodId`) it was paid with.
    pub payment_code: Option<String>,
    /// The user the code belongs to.
    pub user_id: Option<String>,
    /// How many times money was taken for it: each move into paid counts (0 or 1, unless the
    /// gateway itself is wrong).
    pub charges: u32,
}

impl Gateway {
    /// The payments, with every payment in process whose time has passed made paid first.
    /// Every access to the payments goes through here, so none sees a stale state.
    pub(crate) fn payments_now(&self) -> MutexGuard<'_, HashMap<String, Payment>> {
        let mut payments = lock(&self.payments);
        let now = Instant::now();
        for payment in payments.values_mut() {
            let due = payment.state == PaymentState::Processing
                && payment.settling.as_ref().is_some_and(|s| s.at <= now);
            if !due {
                continue;
            }
            let Some(settling) = payment.settling.take() else {
                continue;
            };
            payment.state = PaymentState::Paid;
            payment.charges += 1;
            // Paid at the moment its time passed, not when someone next looked.
            payment.paid = settling.at;
            payment.paid_at = settling.at_epoch.to_rfc3339();
        }
        payments
    }

    /// Every `paymentRequestId` the gateway has seen (paid, in process or cancelled, and those
    /// cancelled before any pay arrived), in ID order, with where it ended and how many times
    /// money was taken for it.
    pub fn payment_ledger(&self) -> Vec<LedgerEntry> {
        let payments = self.payments_now();
        let mut ledger: BTreeMap<&str, LedgerEntry> = payments
            .iter()
            .map(|(id, payment)| {
                let outcome = match (payment.state, payment.charges) {
                    (PaymentState::Paid, _) => LedgerOutcome::Paid,
                    (PaymentState::Processing, _) => LedgerOutcome::Processing,
                    (PaymentState::Cancelled, 0) => LedgerOutcome::CancelledWhileProcessing,
                    (PaymentState::Cancelled, _) => LedgerOutcome::CancelledAfterPaid,
                };
                let entry = LedgerEntry {
                    payment_request_id: id.clone(),
                    outcome,
                    amount: Some(payment.amount),
                    payment_code: Some(payment.payment_code.clone()),
                    user_id: Some(payment.user_id.clone()),
                    charges: payment.charges,
                };
                (id.as_str(), entry)
            })
            .collect();
        let unmade = lock(&self.cancelled_unmade);
        for id in unmade.iter() {
            ledger.insert(
                id,
                LedgerEntry {
                    payment_request_id: id.clone(),
                    outcome: LedgerOutcome::CancelledUnmade,
                    amount: None,
                    payment_code: None,
                    user_id: None,
                    charges: 0,
                },
            );
        }
        ledger.into_values().collect()
    }

    /// How many times each user was charged, across all their payments: a merchant that paid
    /// one order twice under two `paymentRequestId`s shows as one charge too many here, where
    /// each entry of the ledger alone looks right.
    pub fn charges_by_user(&self) -> BTreeMap<String, u32> {
        let mut charges = BTreeMap::new();
        for payment in self.payments_now().values() {
            *charges.entry(payment.user_id.clone()).or_default() += payment.charges;
        }
        charges
    }
}
