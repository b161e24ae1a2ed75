//! The wallet form: the console plays the user, issuing what their AlipayHK app would show: an
//! authorisation code (for `applyToken`, then the A. Points inquiry) or a payment code (for
//! `pay` and `codeConsult`), from AlipayHK's wallet or AlipayCN's.

use std::sync::Arc;

use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::Console;

/// The wallet form: whose code, and which.
#[derive(Deserialize)]
pub(super) struct WalletForm {
    user: String,
    kind: String,
}

pub(super) async fn issue(
    State(console): State<Arc<Console>>,
    Form(form): Form<WalletForm>,
) -> Response {
    let user = form.user.trim();
    if !user.starts_with("2160") || !user.bytes().all(|b| b.is_ascii_digit()) {
        return (
            StatusCode::BAD_REQUEST,
            "an AlipayHK user ID is digits starting 2160",
        )
            .into_response();
    }
    let gateway = &console.gateway;
    let code = match form.kind.as_str() {
        "auth_code" => gateway.issue_auth_code(user),
        "payment_code_hk" => gateway.issue_payment_code(user, "ALIPAY_HK"),
        "payment_code_cn" => gateway.issue_payment_code(user, "ALIPAY_CN"),
        other => {
            return (StatusCode::BAD_REQUEST, format!("no such code: {other}")).into_response();
        }
    };
    console.record_issued(form.kind, user.to_owned(), code);
    Redirect::to("/console").into_response()
}
