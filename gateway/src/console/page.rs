//! The console page and its forms.

use std::sync::Arc;

use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::{Console, Entry};
use crate::faults::Scripted;
use crate::notify::{DELIVERY_TIMEOUT, deliver};
use crate::state::{MERCHANT_ID, TEMPLATE_CODE};

/// A pass as the page lists it.
struct PassRow {
    id: String,
    state: String,
    updates: u32,
    data: String,
}

/// A payment, as the state table shows it.
struct PaymentRow {
    request_id: String,
    payment_id: String,
    state: String,
    amount: String,
    refunded: String,
}

/// A record of the newer families, as the state table shows it: what it is, its key, its
/// state.
struct RecordRow {
    kind: &'static str,
    key: String,
    state: String,
}

/// The records of the newer families: voucher templates, performance cards, orders,
/// products and payment information.
fn family_records(gateway: &crate::Gateway) -> Vec<RecordRow> {
    let mut rows = Vec::new();
    for (id, template) in gateway.voucher_templates() {
        let state = format!(
            "{} {}, {} redeemed, {} left",
            template.info.name,
            template.status.as_str(),
            template.redeemed,
            template.remaining
        );
        rows.push(RecordRow {
            kind: "voucher template",
            key: id,
            state,
        });
    }
    for ((order, user), card) in gateway.performance_cards() {
        let state = format!(
            "{}, {} update(s)",
            card.statuses.join(" → "),
            card.updates_applied
        );
        let key = format!("{order} / {user}");
        rows.push(RecordRow {
            kind: "performance card",
            key,
            state,
        });
    }
    for (id, order) in gateway.orders() {
        let state = format!("{} ({} sync(s))", order.statuses.join(" → "), order.syncs);
        rows.push(RecordRow {
            kind: "order",
            key: id,
            state,
        });
    }
    for (id, content) in gateway.contents() {
        let state = if content.listed { "listed" } else { "delisted" };
        let state = format!("{state} ({} sync(s))", content.syncs);
        rows.push(RecordRow {
            kind: "product",
            key: id,
            state,
        });
    }
    for (open_id, info) in gateway.latest_payment_infos() {
        let fields: Vec<_> = info.fields.keys().map(String::as_str).collect();
        let state = format!("{} ({} sync(s))", fields.join(", "), info.syncs);
        rows.push(RecordRow {
            kind: "payment info",
            key: open_id,
            state,
        });
    }
    rows
}

#[derive(Template)]
#[template(path = "console.html")]
struct ConsolePage {
    client_id: String,
    merchant_id: &'static str,
    template_code: &'static str,
    entries: Vec<Entry>,
    passes: Vec<PassRow>,
    templates: Vec<(String, String)>,
    tokens: usize,
    points: Vec<(String, u64)>,
    payments: Vec<PaymentRow>,
    records: Vec<RecordRow>,
    issued: Vec<(String, String, String)>,
    faults: Vec<(String, String, String)>,
    names: &'static [&'static str],
    sent: Vec<(String, String, String)>,
}

pub(super) async fn show(State(console): State<Arc<Console>>) -> Response {
    let gateway = &console.gateway;
    let page = ConsolePage {
        client_id: console.notify.client_id.clone(),
        merchant_id: MERCHANT_ID,
        template_code: TEMPLATE_CODE,
        entries: console.log.entries(),
        passes: gateway
            .passes()
            .into_iter()
            .map(|(id, pass)| PassRow {
                id,
                state: format!("{:?}", pass.state),
                updates: pass.updates_applied,
                data: serde_json::to_string(&pass.data).unwrap_or_default(),
            })
            .collect(),
        templates: gateway
            .templates()
            .into_iter()
            .map(|(code, template)| (code, template.status.as_str().to_owned()))
            .collect(),
        tokens: gateway.tokens_issued(),
        points: gateway.points_balances().into_iter().collect(),
        payments: gateway
            .payments()
            .into_iter()
            .map(|(request_id, payment)| PaymentRow {
                request_id,
                payment_id: payment.payment_id,
                state: format!("{:?}", payment.state),
                amount: format!("{} {}", payment.currency, payment.amount),
                refunded: format!(
                    "{} in {} refund(s)",
                    payment.refunded,
                    payment.refunds.len()
                ),
            })
            .collect(),
        records: family_records(gateway),
        issued: console
            .issued
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .iter()
            .rev()
            .cloned()
            .collect(),
        faults: gateway
            .faults()
            .scripted()
            .into_iter()
            .map(|(key, scripted)| {
                let times = scripted
                    .times
                    .map_or("every request".to_owned(), |n| n.to_string());
                (key, format!("{:?}", scripted.fault), times)
            })
            .collect(),
        names: alipayhk::webhooks::Notification::NAMES,
        sent: console
            .sent
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .iter()
            .rev()
            .cloned()
            .collect(),
    };
    match page.render() {
        Ok(html) => Html(html).into_response(),
        Err(error) => (StatusCode::INTERNAL_SERVER_ERROR, error.to_string()).into_response(),
    }
}

/// The fault form: the same fields as a `--faults` file entry.
#[derive(Deserialize)]
pub(super) struct FaultForm {
    key: String,
    kind: String,
    #[serde(default)]
    code: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    millis: String,
    #[serde(default)]
    times: String,
}

pub(super) async fn script_fault(
    State(console): State<Arc<Console>>,
    Form(form): Form<FaultForm>,
) -> Response {
    let mut fault = serde_json::json!({ "kind": form.kind });
    if matches!(form.kind.as_str(), "result" | "after") {
        fault["code"] = form.code.trim().into();
        fault["status"] = form.status.trim().into();
    }
    if matches!(form.kind.as_str(), "delay" | "processing") {
        fault["millis"] = form.millis.trim().parse::<u64>().unwrap_or(0).into();
    }
    if let Ok(times) = form.times.trim().parse::<u32>() {
        fault["times"] = times.into();
    }
    match serde_json::from_value::<Scripted>(fault) {
        Ok(scripted) => {
            let key = if form.key.trim().is_empty() {
                "*"
            } else {
                form.key.trim()
            };
            console
                .gateway
                .faults()
                .script(key, scripted.fault, scripted.times);
            Redirect::to("/console").into_response()
        }
        Err(error) => (StatusCode::BAD_REQUEST, format!("not a fault: {error}")).into_response(),
    }
}

/// The notification form.
#[derive(Deserialize)]
pub(super) struct NotifyForm {
    name: String,
    url: String,
    body: String,
}

pub(super) async fn send_notification(
    State(console): State<Arc<Console>>,
    Form(form): Form<NotifyForm>,
) -> Response {
    let verdict = match serde_json::from_str(&form.body) {
        Err(error) => format!("not sent: the body is not JSON: {error}"),
        Ok(body) => match alipayhk::webhooks::Notification::parse(&form.name, body) {
            Err(error) => format!("not sent: {error}"),
            Ok(notification) => {
                let url = form.url.trim().trim_end_matches('/');
                match console
                    .notify
                    .client_builder(url)
                    .and_then(|b| b.timeout(DELIVERY_TIMEOUT).build())
                {
                    Err(error) => format!("not sent: {error}"),
                    Ok(client) => deliver(&client, &notification).await.to_string(),
                }
            }
        },
    };
    console.record_sent(form.name, form.url, verdict);
    Redirect::to("/console").into_response()
}
