//! Order sync (`syncOrder`) and the products it sells (`syncContent`).
//!
//! syncOrder keeps each order by `merchantBizNo` with every status it had: a status may be
//! skipped, never gone back to (`ORDER_STATUS_INVALID`), and the order stays with the
//! `tradeNo` it was first synced with. A merchant the gateway is told is not onboarded
//! ([`Gateway::set_order_service_onboarded`]) gets `UN_SUPPORT_BUSINESS`, as the page's code
//! says. syncContent keeps each product by `contentId`: `contentStatus` 1 lists it, 0 delists
//! it, and `contentInfo` must be a JSON object. Both are idempotent on `requestId`: a re-send
//! is replayed, and a `requestId` reused for another sync is refused (`PARAM_ILLEGAL`, the
//! only refusal code the pages give).

use std::sync::atomic::Ordering;

use alipayhk::runtime::Endpoint;
use alipayhk::runtime::server::failure;
use alipayhk::{
    ResultInfo, SyncContentContentType, SyncContentRequest, SyncContentResponse, SyncOrderRequest,
    SyncOrderResponse,
};

use crate::records::{SyncedContent, SyncedOrder};
use crate::state::{Gateway, lock, success};

fn illegal(message: impl Into<String>) -> ResultInfo {
    failure("PARAM_ILLEGAL", message)
}

/// `amount`'s `value` must be a whole number of cents, `currency` (when given) a three-letter
/// code.
fn check_amount(
    amount: &std::collections::BTreeMap<String, serde_json::Value>,
) -> Result<(), ResultInfo> {
    if amount.get("value").is_none_or(|v| v.as_u64().is_none()) {
        return Err(illegal("amount.value must be a whole number of cents"));
    }
    let currency = amount
        .get("currency")
        .map(|c| c.as_str().unwrap_or_default());
    if currency.is_some_and(|c| c.len() != 3 || !c.bytes().all(|b| b.is_ascii_uppercase())) {
        return Err(illegal(
            "amount.currency must be an ISO 4217 code, such as HKD",
        ));
    }
    Ok(())
}

impl Gateway {
    /// Treats the merchant as onboarded to the order service (the default), or not: then
    /// syncOrder answers `UN_SUPPORT_BUSINESS`.
    pub fn set_order_service_onboarded(&self, onboarded: bool) {
        self.order_service_offline
            .store(!onboarded, Ordering::Relaxed);
    }

    /// An order as syncOrder left it.
    pub fn order(&self, merchant_biz_no: &str) -> Option<SyncedOrder> {
        lock(&self.orders).get(merchant_biz_no).cloned()
    }

    /// Every order, by `merchantBizNo`.
    pub fn orders(&self) -> std::collections::BTreeMap<String, SyncedOrder> {
        lock(&self.orders)
            .iter()
            .map(|(id, order)| (id.clone(), order.clone()))
            .collect()
    }

    /// Every product, by `contentId`.
    pub fn contents(&self) -> std::collections::BTreeMap<String, SyncedContent> {
        lock(&self.contents)
            .iter()
            .map(|(id, content)| (id.clone(), content.clone()))
            .collect()
    }

    /// A product as syncContent left it.
    pub fn content(&self, content_id: &str) -> Option<SyncedContent> {
        lock(&self.contents).get(content_id).cloned()
    }

    pub(crate) fn record_order(
        &self,
        request: &SyncOrderRequest,
    ) -> Result<SyncOrderResponse, ResultInfo> {
        if self.order_service_offline.load(Ordering::Relaxed) {
            return Err(failure(
                "UN_SUPPORT_BUSINESS",
                "the merchant is not onboarded to the order service",
            ));
        }
        if request.trade_no.trim().is_empty() || request.merchant_biz_no.trim().is_empty() {
            return Err(illegal("merchantBizNo and tradeNo are required"));
        }
        let status = request.order_status.as_deref().map(str::trim);
        if status.is_some_and(str::is_empty) {
            return Err(illegal("orderStatus, when given, must not be empty"));
        }
        if let Some(amount) = &request.amount {
            check_amount(amount)?;
        }
        let name = SyncOrderRequest::NAME;
        if self.request_id_used(name, &request.request_id) {
            return Err(illegal("this requestId was used for another sync"));
        }
        let mut orders = lock(&self.orders);
        let order = orders
            .entry(request.merchant_biz_no.clone())
            .or_insert_with(|| SyncedOrder {
                trade_no: request.trade_no.clone(),
                statuses: Vec::new(),
                amount: None,
                syncs: 0,
            });
        if order.trade_no != request.trade_no {
            return Err(illegal(format!(
                "merchantBizNo {} is the order of tradeNo {}",
                request.merchant_biz_no, order.trade_no
            )));
        }
        if let Some(status) = status
            && order.statuses.last().is_none_or(|last| last != status)
        {
            if order.statuses.iter().any(|earlier| earlier == status) {
                return Err(failure(
                    "ORDER_STATUS_INVALID",
                    format!(
                        "the order was {status} before it was {}: a status cannot go back",
                        order.statuses.last().map_or("", String::as_str)
                    ),
                ));
            }
            order.statuses.push(status.to_owned());
        }
        if request.amount.is_some() {
            order.amount.clone_from(&request.amount);
        }
        order.syncs += 1;
        self.use_request_id(name, &request.request_id);
        Ok(SyncOrderResponse::new(success()))
    }

    pub(crate) fn record_content(
        &self,
        request: &SyncContentRequest,
    ) -> Result<SyncContentResponse, ResultInfo> {
        match request.content_type {
            SyncContentContentType::Sku => {}
        }
        let listed = match request.content_status {
            1 => true,
            0 => false,
            _ => return Err(illegal("contentStatus is 1 (valid) or 0 (invalid)")),
        };
        let info = serde_json::from_str::<serde_json::Value>(&request.content_info)
            .ok()
            .filter(|info| info.as_object().is_some_and(|o| !o.is_empty()))
            .ok_or_else(|| illegal("contentInfo must be a JSON object, as a string"))?;
        if request.content_id.trim().is_empty() {
            return Err(illegal("contentId is required"));
        }
        let name = SyncContentRequest::NAME;
        if self.request_id_used(name, &request.request_id) {
            return Err(illegal("this requestId was used for another sync"));
        }
        let mut contents = lock(&self.contents);
        let content = contents
            .entry(request.content_id.clone())
            .or_insert_with(|| SyncedContent {
                info: serde_json::Value::Null,
                listed,
                syncs: 0,
            });
        content.info = info;
        content.listed = listed;
        content.syncs += 1;
        self.use_request_id(name, &request.request_id);
        Ok(SyncContentResponse::new(success()))
    }
}
