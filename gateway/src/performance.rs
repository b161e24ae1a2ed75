//! Performance notifications (`contractCardSync`): one order card per order and user
//! (`merchantBizNo` and `userId`, or `openId` when no `userId` is given). `SEND` creates it,
//! or answers `UN_SUPPORT_BUSINESS` while a valid one exists (which is also how a re-sent
//! `SEND` learns it was done: the spec lists the code as "already done"); `UPDATE` changes it,
//! answers `ORDER_NOT_FOUND` when there is none, and is ignored (`S`, nothing changed) for an
//! invalid card or a `bizDate` no newer than the last change applied, as the page says, so a
//! re-sent or late `UPDATE` never overwrites a newer state. A card is invalid once it expires
//! (`endDate`, 24 hours after creation by default) or its order is `CLOSED`.

use alipayhk::runtime::EpochMillis;
use alipayhk::runtime::server::failure;
use alipayhk::{
    ContractCardSyncRequest, ContractCardSyncResponse, PerformanceCommand, PerformanceTemplateCode,
    ResultInfo,
};

use crate::records::PerformanceCard;
use crate::state::{Gateway, lock, success};

/// How long a card lives when the `SEND` gives no `endDate`, as the page says.
const DEFAULT_LIFETIME_MS: i64 = 24 * 60 * 60 * 1000;

/// The order statuses of `PAYMENT_ORDER_DEFAULT`, from the payment order page; the other
/// templates' pages are not stored, so their statuses are not checked.
const PAYMENT_ORDER_STATUSES: [&str; 4] = ["WAIT_PAY", "PAY_FAILED", "OVERDUED", "CLOSED"];

impl PerformanceCard {
    /// Whether an `UPDATE` may change it, and a `SEND` must not replace it.
    fn is_valid(&self, now: i64) -> bool {
        self.end_date > now && self.statuses.last().is_none_or(|s| s != "CLOSED")
    }
}

impl Gateway {
    /// The card of order `merchant_biz_no` for `user` (a `userId`, or `openId:` and the
    /// openId), as it is now.
    pub fn performance_card(&self, merchant_biz_no: &str, user: &str) -> Option<PerformanceCard> {
        lock(&self.performance_cards)
            .get(&(merchant_biz_no.to_owned(), user.to_owned()))
            .cloned()
    }

    /// Every card, by (`merchantBizNo`, user).
    pub fn performance_cards(
        &self,
    ) -> std::collections::BTreeMap<(String, String), PerformanceCard> {
        lock(&self.performance_cards)
            .iter()
            .map(|(key, card)| (key.clone(), card.clone()))
            .collect()
    }

    pub(crate) fn sync_contract_card(
        &self,
        request: &ContractCardSyncRequest,
    ) -> Result<ContractCardSyncResponse, ResultInfo> {
        let user = match (&request.user_id, &request.open_id) {
            (Some(user_id), _) if !user_id.trim().is_empty() => user_id.to_string(),
            (_, Some(open_id)) if !open_id.trim().is_empty() => format!("openId:{open_id}"),
            _ => {
                return Err(failure(
                    "PARAM_ILLEGAL",
                    "give openId or userId: the user the card shows to",
                ));
            }
        };
        let status = request.order_status.trim();
        if request.product_template_code == PerformanceTemplateCode::PaymentOrderDefault
            && !PAYMENT_ORDER_STATUSES.contains(&status)
        {
            return Err(failure(
                "PARAM_ILLEGAL",
                format!(
                    "PAYMENT_ORDER_DEFAULT's order statuses are {}",
                    PAYMENT_ORDER_STATUSES.join(", ")
                ),
            ));
        }
        let EpochMillis(now) = EpochMillis::now();
        let key = (request.merchant_biz_no.clone(), user);
        let mut cards = lock(&self.performance_cards);
        match request.command {
            PerformanceCommand::Send => {
                if cards.get(&key).is_some_and(|card| card.is_valid(now)) {
                    return Err(failure(
                        "UN_SUPPORT_BUSINESS",
                        "a valid notification already exists for this order",
                    ));
                }
                let card = PerformanceCard {
                    template: request.product_template_code,
                    statuses: vec![status.to_owned()],
                    biz_date: request.biz_date.0,
                    end_date: request
                        .end_date
                        .map_or(now + DEFAULT_LIFETIME_MS, |EpochMillis(end)| end),
                    data: request.sync_data_info.clone(),
                    updates_applied: 0,
                };
                cards.insert(key, card);
            }
            PerformanceCommand::Update => {
                let Some(card) = cards.get_mut(&key) else {
                    return Err(failure(
                        "ORDER_NOT_FOUND",
                        "no notification exists for this order",
                    ));
                };
                if card.is_valid(now) && request.biz_date.0 > card.biz_date {
                    if card.statuses.last().is_none_or(|s| s != status) {
                        card.statuses.push(status.to_owned());
                    }
                    card.biz_date = request.biz_date.0;
                    card.data = request.sync_data_info.clone();
                    if let Some(EpochMillis(end)) = request.end_date {
                        card.end_date = end;
                    }
                    card.updates_applied += 1;
                }
            }
        }
        Ok(ContractCardSyncResponse::new(success()))
    }
}
