//! Auto-earn for malls: the transaction records a mall's mini-app reads for a user who
//! authorised it (`businessDistrictBillQuery`, behind an access token `applyToken` issued),
//! and the stores' PMS information a mall collects (`circleStoreSave`) and pages through
//! (`circleStoreQueryPage`).
//!
//! Every stored copy of these pages stops before the response body, so what the answers carry
//! beside `result` is the sandbox's own, in the response's open fields: the query echoes
//! `businessDistrictSubject` (the copy's last letters, "busi…", are probably it) and `batchNo`
//! and lists the records under `bills`, each with the fields pointsBillNotify gives a record
//! and its `mallLabel`;
//! the page query answers `pageInfo` (the request's four counts, filled in) and
//! `circleStores`, each as the save sent it.

use alipayhk::runtime::server::failure;
use alipayhk::{
    BusinessDistrictBillQueryRequest, BusinessDistrictBillQueryResponse, BusinessDistrictSubject,
    CircleStoreQueryPageRequest, CircleStoreQueryPageResponse, CircleStoreSaveRequest,
    CircleStoreSaveResponse, MerchantPms, ResultInfo,
};
use serde_json::json;

use crate::records::{CircleStoreRecord, MallBill};
use crate::state::{Gateway, lock, success};

fn illegal(message: impl Into<String>) -> ResultInfo {
    failure("PARAM_ILLEGAL", message)
}

fn blank(value: Option<&str>) -> bool {
    value.is_none_or(|v| v.trim().is_empty())
}

/// The mall group a request names, refused when empty; and the mall, empty for the group.
fn mall(subject: &BusinessDistrictSubject) -> Result<(&str, &str), ResultInfo> {
    if subject.mall_group_label.trim().is_empty() {
        return Err(illegal(
            "businessDistrictSubject.mallGroupLabel is required",
        ));
    }
    Ok((
        subject.mall_group_label.as_str(),
        subject.mall_label.as_deref().unwrap_or_default(),
    ))
}

/// A count `PageInfo` writes as digits, from `least`.
fn page_count(field: &str, value: &str, least: u64) -> Result<u64, ResultInfo> {
    value
        .trim()
        .parse::<u64>()
        .ok()
        .filter(|n| *n >= least)
        .ok_or_else(|| {
            illegal(format!(
                "pageInfo.{field} must be a whole number from {least}"
            ))
        })
}

impl MallBill {
    /// A record of `user_id` paying `amount` HKD cents in `mall_label` of `mall_group_label`.
    pub fn new(
        mall_group_label: &str,
        mall_label: &str,
        user_id: &str,
        bill_no: &str,
        amount: u64,
    ) -> Self {
        Self {
            mall_group_label: mall_group_label.to_owned(),
            mall_label: mall_label.to_owned(),
            user_id: user_id.to_owned(),
            bill_no: bill_no.to_owned(),
            merchant_id: crate::MERCHANT_ID.to_owned(),
            amount,
            pay_time: "2024-05-06 10:49:51".to_owned(),
        }
    }

    /// The record as the query answers it: pointsBillNotify's fields.
    fn wire(&self) -> serde_json::Value {
        json!({
            "userId": self.user_id,
            "billNo": self.bill_no,
            "merchantId": self.merchant_id,
            "orderAmount": { "currency": "HKD", "value": self.amount },
            "payTime": self.pay_time,
            "pointsProvider": "ALIPAYHK",
            "mallLabel": self.mall_label,
        })
    }
}

impl Gateway {
    /// Adds a transaction record a mall's `businessDistrictBillQuery` can read: a user paid
    /// in one of the mall group's malls.
    pub fn add_mall_bill(&self, bill: MallBill) {
        lock(&self.mall_bills).push(bill);
    }

    /// The stores collected for a mall group, by their PMS IDs
    /// (`pms:partnerId/merchantId/storeId`, or `trade:ipayTradeNo` when only a transaction
    /// named the store).
    pub fn circle_stores(
        &self,
        mall_group_label: &str,
    ) -> std::collections::BTreeMap<String, CircleStoreRecord> {
        lock(&self.circle_stores)
            .get(mall_group_label)
            .cloned()
            .unwrap_or_default()
    }

    pub(crate) fn query_mall_bills(
        &self,
        request: &BusinessDistrictBillQueryRequest,
    ) -> Result<BusinessDistrictBillQueryResponse, ResultInfo> {
        let (group, mall) = mall(&request.business_district_subject)?;
        if request.batch_no.trim().is_empty() || request.app_id.trim().is_empty() {
            return Err(illegal("batchNo and appId are required"));
        }
        let Some(user) = lock(&self.access_tokens)
            .get(&request.access_token)
            .cloned()
        else {
            return Err(illegal("accessToken is not one the gateway issued"));
        };
        let bills: Vec<serde_json::Value> = lock(&self.mall_bills)
            .iter()
            .filter(|b| b.mall_group_label == group && b.user_id == user)
            .filter(|b| mall.is_empty() || b.mall_label == mall)
            .map(MallBill::wire)
            .collect();
        Ok(BusinessDistrictBillQueryResponse::new(success())
            .other_field(
                "businessDistrictSubject",
                serde_json::to_value(&request.business_district_subject).unwrap_or_default(),
            )
            .other_field("batchNo", request.batch_no.clone())
            .other_field("bills", bills))
    }

    pub(crate) fn save_circle_store(
        &self,
        request: &CircleStoreSaveRequest,
    ) -> Result<CircleStoreSaveResponse, ResultInfo> {
        if request.save_way_type.trim().is_empty() {
            return Err(illegal("saveWayType is required"));
        }
        let Some(store) = &request.circle_store else {
            return Err(illegal("circleStore is required: it names the mall"));
        };
        let (group, mall) = mall(&store.business_district_subject)?;
        if mall.trim().is_empty() {
            return Err(illegal(
                "circleStore.businessDistrictSubject.mallLabel is required: a store is tagged to one mall",
            ));
        }
        let key = match (&store.merchant_pms, request.ipay_trade_no.as_deref()) {
            (Some(pms), _) => pms_key(pms)?,
            (None, Some(trade)) if !trade.trim().is_empty() => format!("trade:{trade}"),
            _ => {
                return Err(illegal(
                    "give circleStore.merchantPms or ipayTradeNo: the store to collect",
                ));
            }
        };
        let mut malls = lock(&self.circle_stores);
        let record = malls
            .entry(group.to_owned())
            .or_default()
            .entry(key)
            .or_insert_with(|| CircleStoreRecord {
                mall_label: mall.to_owned(),
                merchant_pms: None,
                ipay_trade_no: None,
                save_way_type: String::new(),
                saves: 0,
            });
        record.mall_label = mall.to_owned();
        record.merchant_pms.clone_from(&store.merchant_pms);
        record.ipay_trade_no.clone_from(&request.ipay_trade_no);
        record.save_way_type.clone_from(&request.save_way_type);
        record.saves += 1;
        Ok(CircleStoreSaveResponse::new(success()))
    }

    pub(crate) fn page_circle_stores(
        &self,
        request: &CircleStoreQueryPageRequest,
    ) -> Result<CircleStoreQueryPageResponse, ResultInfo> {
        let (group, mall) = mall(&request.business_district_subject)?;
        let info = &request.page_info;
        let size = page_count("pageSize", &info.page_size, 1)?;
        let index = page_count("pageIndex", &info.page_index, 1)?;
        // The page marks the totals required in the request too (its sample sends "0"): they
        // must be counts, and are answered filled in.
        page_count("totalPageCount", &info.total_page_count, 0)?;
        page_count("totalItemCount", &info.total_item_count, 0)?;
        let malls = lock(&self.circle_stores);
        let stores: Vec<serde_json::Value> = malls
            .get(group)
            .into_iter()
            .flat_map(|stores| stores.values())
            .filter(|s| mall.is_empty() || s.mall_label == mall)
            .map(|s| store_wire(group, s))
            .collect();
        let items = stores.len() as u64;
        let pages = items.div_ceil(size);
        let skip = usize::try_from((index - 1).saturating_mul(size)).unwrap_or(usize::MAX);
        let page: Vec<_> = stores
            .into_iter()
            .skip(skip)
            .take(usize::try_from(size).unwrap_or(usize::MAX))
            .collect();
        let page_info = json!({
            "pageSize": size.to_string(),
            "pageIndex": index.to_string(),
            "totalPageCount": pages.to_string(),
            "totalItemCount": items.to_string(),
        });
        Ok(CircleStoreQueryPageResponse::new(success())
            .other_field("pageInfo", page_info)
            .other_field("circleStores", page))
    }
}

/// A store's key: its partner, merchant and store IDs, all required to tell stores apart.
fn pms_key(pms: &MerchantPms) -> Result<String, ResultInfo> {
    let ids = [&pms.partner_id, &pms.merchant_id, &pms.store_id];
    if ids.iter().any(|id| blank(id.as_deref())) {
        return Err(illegal(
            "circleStore.merchantPms needs partnerId, merchantId and storeId",
        ));
    }
    let [partner, merchant, store] = ids.map(|id| id.as_deref().unwrap_or_default());
    Ok(format!("pms:{partner}/{merchant}/{store}"))
}

/// A collected store as the page query answers it: as the save sent it.
fn store_wire(group: &str, store: &CircleStoreRecord) -> serde_json::Value {
    let mut wire = json!({
        "businessDistrictSubject": { "mallGroupLabel": group, "mallLabel": store.mall_label },
        "saveWayType": store.save_way_type,
    });
    if let Some(pms) = &store.merchant_pms {
        wire["merchantPms"] = serde_json::to_value(pms).unwrap_or_default();
    }
    if let Some(trade) = &store.ipay_trade_no {
        wire["ipayTradeNo"] = trade.clone().into();
    }
    wire
}
