//! The console at `/console`: the gateway's request log (why a request was refused, and the
//! exact content a refused signature had to cover), its state, and forms to script a fault, to
//! send a notification and to play the user's wallet (an authorisation code for `applyToken`,
//! a payment code for `pay`), so a merchant in any language can drive every flow. Server-rendered HTML (askama, escaped), no script, no external
//! asset; served on the gateway's own port, beside the API and outside its signature check.

mod log;
mod page;
mod wallet;

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::routing::{get, post};

pub(crate) use log::LOGGED;
pub use log::{Entry, LOG_CAPACITY, RequestLog, visible};

use crate::notify::NotifyKeys;
use crate::state::Gateway;

/// How many sent notifications the console lists.
const SENT_CAPACITY: usize = 50;

/// What the console reads and changes.
#[derive(Debug)]
pub(crate) struct Console {
    pub(crate) gateway: Arc<Gateway>,
    pub(crate) log: Arc<RequestLog>,
    pub(crate) notify: NotifyKeys,
    /// The notifications sent from the console, newest last: name, URL and verdict.
    pub(crate) sent: Mutex<VecDeque<(String, String, String)>>,
    /// The codes the wallet form issued, newest last: what, for whom, the code.
    pub(crate) issued: Mutex<VecDeque<(String, String, String)>>,
}

impl Console {
    pub(crate) fn new(gateway: Arc<Gateway>, log: Arc<RequestLog>, notify: NotifyKeys) -> Self {
        Self {
            gateway,
            log,
            notify,
            sent: Mutex::new(VecDeque::new()),
            issued: Mutex::new(VecDeque::new()),
        }
    }

    fn record_sent(&self, name: String, url: String, verdict: String) {
        remember(&self.sent, (name, url, verdict));
    }

    fn record_issued(&self, what: String, user: String, code: String) {
        remember(&self.issued, (what, user, code));
    }
}

/// Keeps `row`, and the [`SENT_CAPACITY`] rows before it.
fn remember(rows: &Mutex<VecDeque<(String, String, String)>>, row: (String, String, String)) {
    let mut rows = rows.lock().unwrap_or_else(|e| e.into_inner());
    if rows.len() == SENT_CAPACITY {
        rows.pop_front();
    }
    rows.push_back(row);
}

/// The console's routes: `GET /console`, and the forms' `POST /console/faults`,
/// `POST /console/notify` and `POST /console/wallet`, which answer by redirecting back to the
/// page.
pub(crate) fn routes(console: Arc<Console>) -> Router {
    Router::new()
        .route("/console", get(page::show))
        .route("/console/faults", post(page::script_fault))
        .route("/console/notify", post(page::send_notification))
        .route("/console/wallet", post(wallet::issue))
        // Browsers ask for it; it is not an API request to log as refused.
        .route(
            "/favicon.ico",
            get(|| async { axum::http::StatusCode::NO_CONTENT }),
        )
        .with_state(console)
}
