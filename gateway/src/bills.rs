//! Bills & Utilities: `syncLatestPaymentInfo` keeps each user's latest payment information by
//! `openId`, each sync replacing the last. Every stored copy of the page stops at `requestId`,
//! so what the payment information holds is whatever the merchant sends after it (the sibling
//! page AlipayHK calls on the merchant, "Query latest payment info", answers it as
//! `accountPaymentInfos`); a sync that sends none, or an empty field, is refused
//! (`PARAM_ILLEGAL`). Idempotent on `requestId`: a re-send is replayed, and a `requestId`
//! reused for another sync is refused.

use alipayhk::runtime::Endpoint;
use alipayhk::runtime::server::failure;
use alipayhk::{ResultInfo, SyncLatestPaymentInfoRequest, SyncLatestPaymentInfoResponse};

use crate::records::PaymentInfo;
use crate::state::{Gateway, lock, success};

fn illegal(message: impl Into<String>) -> ResultInfo {
    failure("PARAM_ILLEGAL", message)
}

/// Whether a field carries nothing: `null`, `""`, `[]` or `{}`.
fn empty(value: &serde_json::Value) -> bool {
    match value {
        serde_json::Value::Null => true,
        serde_json::Value::String(s) => s.trim().is_empty(),
        serde_json::Value::Array(items) => items.is_empty(),
        serde_json::Value::Object(fields) => fields.is_empty(),
        _ => false,
    }
}

impl Gateway {
    /// A user's latest payment information, by `openId`.
    pub fn latest_payment_info(&self, open_id: &str) -> Option<PaymentInfo> {
        lock(&self.payment_infos).get(open_id).cloned()
    }

    /// Every user's latest payment information, by `openId`.
    pub fn latest_payment_infos(&self) -> std::collections::BTreeMap<String, PaymentInfo> {
        lock(&self.payment_infos)
            .iter()
            .map(|(id, info)| (id.clone(), info.clone()))
            .collect()
    }

    pub(crate) fn record_payment_info(
        &self,
        request: &SyncLatestPaymentInfoRequest,
    ) -> Result<SyncLatestPaymentInfoResponse, ResultInfo> {
        if request.open_id.trim().is_empty() || request.request_id.trim().is_empty() {
            return Err(illegal("openId and requestId are required"));
        }
        if request.other_fields.is_empty() {
            return Err(illegal(
                "no payment information: send it after openId and requestId",
            ));
        }
        if let Some((field, _)) = request.other_fields.iter().find(|(_, v)| empty(v)) {
            return Err(illegal(format!("{field} is empty")));
        }
        let name = SyncLatestPaymentInfoRequest::NAME;
        if self.request_id_used(name, &request.request_id) {
            return Err(illegal("this requestId was used for another sync"));
        }
        let mut infos = lock(&self.payment_infos);
        let syncs = infos.get(request.open_id.as_str()).map_or(0, |i| i.syncs);
        infos.insert(
            request.open_id.to_string(),
            PaymentInfo {
                request_id: request.request_id.clone(),
                fields: request.other_fields.clone(),
                syncs: syncs + 1,
            },
        );
        self.use_request_id(name, &request.request_id);
        Ok(SyncLatestPaymentInfoResponse::new(success()))
    }
}
