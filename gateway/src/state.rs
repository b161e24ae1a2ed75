//! The gateway's state, and what every endpoint does before its own behaviour: the scripted
//! results it answers first and the replay of idempotent re-sends. A leaf: the behaviour
//! (`passes.rs`, `templates.rs`, `tokens.rs`) and the `Api` dispatch (`api.rs`) build on it.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Mutex, OnceLock};

use alipayhk::runtime::Endpoint;
use alipayhk::*;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::faults::{Fault, FaultBook, Stage, fault_key};
use crate::records::{
    Agreement, AuthCode, AuthSession, CircleStoreRecord, MallBill, Pass, Payment, PaymentCode,
    PaymentInfo, PaymentNotice, PerformanceCard, SyncedContent, SyncedOrder, Template,
    VoucherTemplate,
};

/// The merchant and template the default gateway knows.
pub const MERCHANT_ID: &str = "2160120000000001";
/// The template the default gateway holds, valid.
pub const TEMPLATE_CODE: &str = "2020090400000000000000000012345";

/// The gateway's state: passes, templates, authorisation codes, faults, the answers given to
/// idempotent requests, and a count of the requests that arrived.
#[derive(Debug, Default)]
pub struct Gateway {
    pub(crate) passes: Mutex<HashMap<String, Pass>>,
    /// (merchantId, templateCode, bizSerialId) → passId, createPass's idempotency key.
    /// createPass's idempotency key (merchantId, templateCode, bizSerialId) to the pass made.
    pub(crate) created: Mutex<HashMap<(MerchantId, TemplateCode, BizSerialId), String>>,
    pub(crate) templates: Mutex<HashMap<String, Template>>,
    pub(crate) auth_codes: Mutex<HashMap<String, AuthCode>>,
    pub(crate) refresh_tokens: Mutex<HashMap<String, String>>,
    /// Access token → user ID, for the A. Points inquiry.
    pub(crate) access_tokens: Mutex<HashMap<String, String>>,
    /// User ID → A. Points held; a user the gateway knows has an entry.
    pub(crate) points: Mutex<HashMap<String, u64>>,
    /// (operation, bizNo) the points calls used.
    pub(crate) biz_nos: Mutex<HashSet<(String, String)>>,
    pub(crate) payment_codes: Mutex<HashMap<String, PaymentCode>>,
    /// paymentRequestId → the payment.
    pub(crate) payments: Mutex<HashMap<String, Payment>>,
    /// paymentRequestIds cancelled before any payment was made: they can never pay.
    pub(crate) cancelled_unmade: Mutex<HashSet<String>>,
    /// Where `pay` queues notifyPayment notices, once a delivery task runs.
    pub(crate) payment_notices: OnceLock<tokio::sync::mpsc::UnboundedSender<PaymentNotice>>,
    pub(crate) notices_delivered: Mutex<Vec<(String, String)>>,
    /// Cashless voucher templates by `templateId` (`vouchers.rs`); IDs grow, so this is
    /// creation order.
    pub(crate) voucher_templates: Mutex<BTreeMap<String, VoucherTemplate>>,
    /// (endpoint, requestId) of the requests that took effect: a `requestId` names one
    /// request, and a different request under it is refused (an identical re-send is replayed
    /// before it gets that far).
    pub(crate) request_ids: Mutex<HashSet<(String, String)>>,
    /// The transaction records malls can query (`auto_earn.rs`).
    pub(crate) mall_bills: Mutex<Vec<MallBill>>,
    /// Mall group → the stores collected for it, by their PMS IDs (or transaction number).
    pub(crate) circle_stores: Mutex<HashMap<String, BTreeMap<String, CircleStoreRecord>>>,
    /// (merchantBizNo, user) → the performance notification (`performance.rs`).
    pub(crate) performance_cards: Mutex<HashMap<(String, String), PerformanceCard>>,
    /// merchantBizNo → the order (`orders.rs`).
    pub(crate) orders: Mutex<HashMap<String, SyncedOrder>>,
    /// Set when the merchant is to be treated as not onboarded to the order service.
    pub(crate) order_service_offline: AtomicBool,
    /// contentId → the product.
    pub(crate) contents: Mutex<HashMap<String, SyncedContent>>,
    /// openId → the latest payment information (`bills.rs`).
    pub(crate) payment_infos: Mutex<HashMap<String, PaymentInfo>>,
    /// Session ID → the authorisation page `prepareForRedirect` prepared (`authorisation.rs`).
    pub(crate) auth_sessions: Mutex<HashMap<String, AuthSession>>,
    /// (authMerchantId, merchantAgreementId) → the HK Auto Debit agreement (`auto_debit.rs`).
    pub(crate) agreements: Mutex<HashMap<(String, String), Agreement>>,
    /// `http://127.0.0.1:PORT`, once serving: where the authorisation page is.
    pub(crate) base_url: OnceLock<String>,
    /// Endpoint and idempotency key → the last request and its answer.
    replays: Mutex<HashMap<String, Replay>>,
    faults: FaultBook,
    requests: AtomicU64,
    ids: AtomicU64,
}

/// A request an idempotent endpoint answered, and the answer, for an identical re-send.
#[derive(Debug)]
struct Replay {
    body: Vec<u8>,
    answer: Result<serde_json::Value, ResultInfo>,
}

pub(crate) fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // Each critical section is a few inserts or lookups that cannot panic halfway.
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

pub(crate) fn success() -> ResultInfo {
    ResultInfo::new("SUCCESS", ResultStatus::Success, "Success")
}

impl Gateway {
    /// A gateway holding `passes` (active) and the member-card template [`TEMPLATE_CODE`].
    pub fn with_passes<I: IntoIterator<Item = String>>(passes: I) -> Self {
        let gateway = Self::default();
        lock(&gateway.passes).extend(passes.into_iter().map(|id| (id, Pass::active())));
        gateway.add_template(TEMPLATE_CODE, Template::member_card(MERCHANT_ID));
        gateway
    }

    /// Adds (or resets) an active pass.
    pub fn add_pass(&self, pass_id: &str) {
        lock(&self.passes).insert(pass_id.to_owned(), Pass::active());
    }

    /// A pass as it is now.
    pub fn pass(&self, pass_id: &str) -> Option<Pass> {
        lock(&self.passes).get(pass_id).cloned()
    }

    /// Adds (or replaces) a template.
    pub fn add_template(&self, code: &str, template: Template) {
        lock(&self.templates).insert(code.to_owned(), template);
    }

    /// Every pass as it is now, by pass ID.
    pub fn passes(&self) -> std::collections::BTreeMap<String, Pass> {
        lock(&self.passes)
            .iter()
            .map(|(id, pass)| (id.clone(), pass.clone()))
            .collect()
    }

    /// Every template as it is now, by code.
    pub fn templates(&self) -> std::collections::BTreeMap<String, Template> {
        lock(&self.templates)
            .iter()
            .map(|(code, template)| (code.clone(), template.clone()))
            .collect()
    }

    /// Every user's A. Points, by user ID.
    pub fn points_balances(&self) -> std::collections::BTreeMap<String, u64> {
        lock(&self.points)
            .iter()
            .map(|(user, points)| (user.clone(), *points))
            .collect()
    }

    /// Every payment as it is now, by `paymentRequestId`.
    pub fn payments(&self) -> std::collections::BTreeMap<String, Payment> {
        self.payments_now()
            .iter()
            .map(|(id, payment)| (id.clone(), payment.clone()))
            .collect()
    }

    /// How many access tokens the gateway has issued and still honours.
    pub fn tokens_issued(&self) -> usize {
        lock(&self.refresh_tokens).len()
    }

    /// A template as it is now.
    pub fn template(&self, code: &str) -> Option<Template> {
        lock(&self.templates).get(code).cloned()
    }

    /// The faults to apply.
    pub fn faults(&self) -> &FaultBook {
        &self.faults
    }

    /// How many HTTP requests have arrived, valid or not.
    pub fn requests_seen(&self) -> u64 {
        self.requests.load(Ordering::Relaxed)
    }

    pub(crate) fn count_request(&self) {
        self.requests.fetch_add(1, Ordering::Relaxed);
    }

    /// Whether a request of `endpoint` other than this one took effect under `request_id`.
    pub(crate) fn request_id_used(&self, endpoint: &str, request_id: &str) -> bool {
        lock(&self.request_ids).contains(&(endpoint.to_owned(), request_id.to_owned()))
    }

    /// Records that a request of `endpoint` took effect under `request_id`.
    pub(crate) fn use_request_id(&self, endpoint: &str, request_id: &str) {
        lock(&self.request_ids).insert((endpoint.to_owned(), request_id.to_owned()));
    }

    /// A new 31-digit ID, shaped like AlipayHK's pass and template codes.
    pub(crate) fn next_id(&self) -> String {
        let n = self.ids.fetch_add(1, Ordering::Relaxed) + 1;
        format!("2026112600000000000{n:012}")
    }

    /// The scripted result for this request, if a test scripted one, and whether the
    /// operation is performed before it is answered (`after`) or not at all (`result`).
    fn scripted<E: Endpoint + Serialize>(&self, request: &E) -> Option<(ResultInfo, bool)> {
        let body = serde_json::to_vec(request).unwrap_or_default();
        let fault = self
            .faults
            .take(fault_key(&body).as_deref(), Stage::Answer)
            .into_iter()
            .next()?;
        let (code, status, message, performs) = match fault {
            Fault::Result {
                code,
                status,
                message,
            } => (code, status, message, false),
            Fault::After {
                code,
                status,
                message,
            } => (code, status, message, true),
            _ => return None,
        };
        let status = ResultStatus::from(status.as_str());
        Some((
            ResultInfo::new(code, status, message.unwrap_or_default()),
            performs,
        ))
    }

    /// Runs `behaviour` once per request for an endpoint the spec calls idempotent by
    /// re-sending: the same request again (after an unknown outcome) gets the answer the
    /// first got and changes nothing twice. Endpoints whose spec lists `already_done` codes
    /// (createPass) answer those instead, from their own state.
    fn replayed<E>(
        &self,
        request: &E,
        behaviour: impl FnOnce(&E) -> Result<E::Response, ResultInfo>,
    ) -> Result<E::Response, ResultInfo>
    where
        E: Endpoint + Serialize,
        E::Response: Serialize + DeserializeOwned,
    {
        let replays = E::IDEMPOTENCY.filter(|i| !i.key.is_empty() && i.already_done.is_empty());
        let Some(idempotency) = replays else {
            return behaviour(request);
        };
        let body = serde_json::to_vec(request).unwrap_or_default();
        let value: serde_json::Value = serde_json::from_slice(&body).unwrap_or_default();
        let mut key = E::NAME.to_owned();
        for field in idempotency.key {
            key.push('\u{1f}');
            key.push_str(
                &value
                    .get(field)
                    .map(ToString::to_string)
                    .unwrap_or_default(),
            );
        }
        // Held across the behaviour, so two copies of one request racing (a re-send while the
        // first is still in flight) run it once: the second waits and gets the first's answer.
        // The behaviours are a few in-memory steps, and only this function takes this lock,
        // before any other.
        let mut replays = lock(&self.replays);
        if let Some(replay) = replays.get(&key)
            && replay.body == body
        {
            return match &replay.answer {
                Ok(value) => serde_json::from_value(value.clone())
                    .map_err(|e| runtime::server::failure("SYSTEM_ERROR", e.to_string())),
                Err(result) => Err(result.clone()),
            };
        }
        let answer = behaviour(request);
        let recorded = match &answer {
            Ok(response) => Ok(serde_json::to_value(response).unwrap_or_default()),
            Err(result) => Err(result.clone()),
        };
        replays.insert(
            key,
            Replay {
                body,
                answer: recorded,
            },
        );
        answer
    }

    pub(crate) fn serve<E>(
        &self,
        request: E,
        success: impl FnOnce(ResultInfo) -> E::Response,
        behaviour: impl FnOnce(&E) -> Result<E::Response, ResultInfo>,
    ) -> Result<E::Response, ResultInfo>
    where
        E: Endpoint + Serialize,
        E::Response: Serialize + DeserializeOwned,
    {
        // What the operation answered is recorded as usual: a re-send of the same request
        // gets it, and changes nothing twice.
        self.serve_from_state(request, success, |r| self.replayed(r, behaviour))
    }

    /// [`Self::serve`] without the replay, for an endpoint whose behaviour keeps its own
    /// idempotency (pay): a re-send is answered from the state as it is now, not from a
    /// recorded answer, which would freeze a payment in process at `U` or a cancelled one at
    /// `S`. The scripted result, if any (after running `behaviour` for an `after`), else what
    /// `behaviour` answers.
    pub(crate) fn serve_from_state<E>(
        &self,
        request: E,
        success: impl FnOnce(ResultInfo) -> E::Response,
        behaviour: impl FnOnce(&E) -> Result<E::Response, ResultInfo>,
    ) -> Result<E::Response, ResultInfo>
    where
        E: Endpoint + Serialize,
    {
        let Some((info, performs)) = self.scripted(&request) else {
            return behaviour(&request);
        };
        if performs {
            let _performed = behaviour(&request);
        }
        match info.result_status {
            ResultStatus::Success => Ok(success(info)),
            _ => Err(info),
        }
    }
}
