//! notifyPayment: after a payment succeeds, the gateway tells the `paymentNotifyUrl` the pay
//! request named, as AlipayHK does: signed with the platform's key, and delivered again until
//! the merchant answers `S` ([`deliver_until_success`]). `pay` queues a notice on the state (for
//! a payment in process, one that waits until it is paid, and is dropped if it never is);
//! the task `start` runs beside the server signs and delivers it, so `pay` answers at once.

use std::sync::Arc;
use std::time::Instant;

use alipayhk::webhooks::Notification;
use alipayhk::{NotifyPaymentRequest, PaymentAmount, PaymentResultStatus};
use tokio::sync::mpsc;

use crate::notify::{NotifyKeys, Verdict, deliver_until_success};
use crate::payments::payment_result;
use crate::records::{Payment, PaymentNotice, PaymentState};
use crate::state::{Gateway, lock};

impl Gateway {
    /// Queues the notice of a successful payment (`id`, its `paymentRequestId`) for `url`,
    /// when a delivery task runs; for a payment in process, `due` is when it becomes paid: the
    /// notice waits until then and goes only if it was paid. Only loopback URLs: the gateway
    /// never reaches past this machine.
    pub(crate) fn queue_payment_notice(
        &self,
        url: &str,
        id: &str,
        payment: &Payment,
        due: Option<Instant>,
    ) {
        let path = <NotifyPaymentRequest as alipayhk::runtime::Endpoint>::PATH;
        let base_url = url.strip_suffix(path).unwrap_or(url).trim_end_matches('/');
        let loopback = ["http://127.0.0.1:", "http://localhost:", "http://[::1]:"]
            .iter()
            .any(|prefix| base_url.starts_with(prefix));
        if !loopback {
            tracing::warn!(url, "paymentNotifyUrl is not on this machine; not notified");
            return;
        }
        let amount = PaymentAmount::new()
            .currency(payment.currency.clone())
            .value(payment.amount.to_string());
        let body = NotifyPaymentRequest::new(
            payment_result("SUCCESS", PaymentResultStatus::S, "Success"),
            id,
        )
        .payment_id(payment.payment_id.clone())
        .payment_amount(amount.clone())
        .pay_to_amount(amount)
        .customer_id(payment.user_id.clone())
        .payment_time(payment.paid_at.clone());
        if let Some(queue) = self.payment_notices.get() {
            let _ = queue.send(PaymentNotice {
                base_url: base_url.to_owned(),
                body,
                due,
            });
        }
    }

    /// The verdict of the last delivery of each payment notice, by `paymentRequestId`.
    pub fn payment_notices_delivered(&self) -> Vec<(String, String)> {
        lock(&self.notices_delivered).clone()
    }
}

/// Starts delivering the notices `gateway` queues, each in its own task, re-delivered
/// `speed` times faster than AlipayHK's schedule. The task ends when the gateway is dropped.
pub(crate) fn spawn_delivery(
    gateway: &Arc<Gateway>,
    keys: NotifyKeys,
    speed: f64,
) -> tokio::task::JoinHandle<()> {
    let (sender, mut queue) = mpsc::unbounded_channel::<PaymentNotice>();
    let _ = gateway.payment_notices.set(sender);
    let state = Arc::downgrade(gateway);
    tokio::spawn(async move {
        while let Some(notice) = queue.recv().await {
            let client = match keys
                .client_builder(&notice.base_url)
                .and_then(|builder| builder.build())
            {
                Ok(client) => client,
                Err(error) => {
                    tracing::warn!(%error, "cannot notify {}", notice.base_url);
                    continue;
                }
            };
            let state = state.clone();
            tokio::spawn(async move {
                let id = notice.body.payment_request_id.to_string();
                if let Some(due) = notice.due {
                    tokio::time::sleep_until(due.into()).await;
                    // Reading the payment settles it; one cancelled in process is never paid,
                    // and never notified.
                    let paid = state
                        .upgrade()
                        .and_then(|gateway| gateway.payment(&id))
                        .is_some_and(|payment| payment.state == PaymentState::Paid);
                    if !paid {
                        return;
                    }
                }
                let notification = Notification::NotifyPayment(notice.body);
                let verdict: Verdict =
                    deliver_until_success(&client, &notification, speed, |_, _| {}).await;
                if let Some(gateway) = state.upgrade() {
                    lock(&gateway.notices_delivered).push((id, verdict.to_string()));
                }
            });
        }
    })
}
