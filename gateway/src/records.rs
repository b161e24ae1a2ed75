//! What the gateway holds: passes, templates, authorisation codes, payments, and the records
//! of the newer families (voucher templates, mall bills and stores, performance cards,
//! orders, products, payment information), as plain data. The behaviour that changes them
//! lives in one file per family (`passes.rs`, `templates.rs`, `vouchers.rs`, …).

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use alipayhk::{
    Button, CodeStandard, CodeType, EpochMillis, Exposure, LocaleInfo, PassProduct, TemplateStatus,
    TemplateType,
};

/// Whether a pass can still change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PassState {
    /// Can be updated and closed.
    Active,
    /// Redeemed; updates fail with `PASS_USED_OCCUPIED`.
    Used,
    /// Terminated or refunded; updates fail with `PASS_UPDATE_FAIL`.
    Closed,
}

/// A membership card as the gateway holds it.
#[derive(Debug, Clone, PartialEq)]
pub struct Pass {
    /// Active, used or closed.
    pub state: PassState,
    /// Placeholder values, merged from the create's and every update's `dataInfo`.
    pub data: BTreeMap<String, serde_json::Value>,
    /// Expiry, when the create or an update set one.
    pub end_date: Option<EpochMillis>,
    /// How many updates were applied: a re-sent update that the gateway answered from its
    /// record does not count again.
    pub updates_applied: u32,
}

impl Pass {
    /// A new active pass.
    pub fn active() -> Self {
        Self {
            state: PassState::Active,
            data: BTreeMap::new(),
            end_date: None,
            updates_applied: 0,
        }
    }
}

/// A template as the gateway holds it: what `createTemplate` sent, replaced whole by each
/// `updateTemplate` (the update page documents a full replacement, not a patch).
#[derive(Debug, Clone, PartialEq)]
pub struct Template {
    /// The merchant that created it.
    pub merchant_id: String,
    /// Where it is in its life.
    pub status: TemplateStatus,
    /// `COUPON` (cards) or `TICKET`.
    pub template_type: TemplateType,
    /// The product.
    pub product: PassProduct,
    /// How the code shows.
    pub code_type: CodeType,
    /// The code's symbology.
    pub code_standard: CodeStandard,
    /// The card image.
    pub image_url: String,
    /// The button.
    pub button: Button,
    /// What it shows, by locale.
    pub locale_info: BTreeMap<String, LocaleInfo>,
    /// The merchant's logo: `createTemplate` may leave it out (its requirement is inferred),
    /// `updateTemplate` always sends it.
    pub merchant_logo: Option<String>,
    /// Validity.
    pub start_date: EpochMillis,
    /// Validity.
    pub end_date: EpochMillis,
    /// The selling price, in cents (`currentAmountCent` sent, `currentAmount` read back).
    pub current_amount_cent: Option<i64>,
    /// The original price, in cents (`originalAmountCent` sent, `originalAmount` read back).
    pub original_amount_cent: Option<i64>,
    /// The currency of the prices.
    pub currency_code: Option<String>,
    /// How many passes may be issued.
    pub stock: Option<i64>,
    /// Where the user orders.
    pub order_page_link: Option<String>,
    /// The detail page.
    pub detail_link: Option<String>,
    /// Category codes.
    pub categories: Option<Vec<String>>,
    /// Merchant IDs the template applies to.
    pub biz_mids: Option<Vec<String>>,
    /// Whether it is listed.
    pub exposure: Option<Exposure>,
}

impl Template {
    /// A valid member-card template for `merchant_id`, as the default gateway holds one.
    pub fn member_card(merchant_id: &str) -> Self {
        Self {
            merchant_id: merchant_id.to_owned(),
            status: TemplateStatus::Valid,
            template_type: TemplateType::Coupon,
            product: PassProduct::GiftCard,
            code_type: CodeType::Qrcode,
            code_standard: CodeStandard::Qrcode,
            image_url: "https://example.com/card.png".to_owned(),
            button: Button::new().btn_type(alipayhk::ButtonType::Usage),
            locale_info: BTreeMap::from([(
                "en_US".to_owned(),
                LocaleInfo::new().name("Member card"),
            )]),
            merchant_logo: Some("https://example.com/logo.png".to_owned()),
            start_date: EpochMillis(1_640_970_061_000),
            end_date: EpochMillis(1_767_196_799_000),
            current_amount_cent: None,
            original_amount_cent: None,
            currency_code: None,
            stock: None,
            order_page_link: None,
            detail_link: None,
            categories: None,
            biz_mids: None,
            exposure: None,
        }
    }
}

/// How long an authorisation code is good for, as AlipayHK documents.
pub(crate) const AUTH_CODE_LIFETIME: Duration = Duration::from_secs(10 * 60);

/// An authorisation code the gateway issued.
#[derive(Debug, Clone)]
pub(crate) struct AuthCode {
    pub(crate) user_id: String,
    pub(crate) issued: Instant,
    pub(crate) used: bool,
}

/// How long a payment code the gateway issued can pay: a wallet shows a fresh one each minute.
pub(crate) const PAYMENT_CODE_LIFETIME: Duration = Duration::from_secs(60);

/// How long after it is made a payment can still be cancelled: the Auto Debit payCancel page
/// allows the day of the payment; the gateway counts a day from the payment.
pub const CANCEL_WINDOW: Duration = Duration::from_secs(24 * 60 * 60);

/// A payment code the gateway issued, as a user's wallet shows it.
#[derive(Debug, Clone)]
pub(crate) struct PaymentCode {
    pub(crate) user_id: String,
    /// `ALIPAY_HK` or `ALIPAY_CN`, what codeConsult answers.
    pub(crate) site: String,
    pub(crate) issued: Instant,
    pub(crate) used: bool,
}

/// Whether a payment stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PaymentState {
    /// Taken, not final yet (a `processing` fault): its code is used, no money has moved; it
    /// becomes [`Paid`](Self::Paid) when its time passes, unless it is cancelled first.
    Processing,
    /// Paid: it can be refunded, and cancelled within [`CANCEL_WINDOW`].
    Paid,
    /// Cancelled: the money (if any was taken) went back, and nothing more can happen to it.
    Cancelled,
}

/// A payment as the gateway holds it.
#[derive(Debug, Clone, PartialEq)]
pub struct Payment {
    /// AlipayHK's ID for it.
    pub payment_id: String,
    /// Processing, paid or cancelled.
    pub state: PaymentState,
    /// The currency.
    pub currency: String,
    /// The amount asked (and, once paid, paid), in minor units: a re-send of its pay must ask
    /// the same.
    pub amount: u64,
    /// The payment code it was paid with (`paymentMethodId`): a re-send must name the same.
    pub payment_code: String,
    /// How many times money was taken for it: each move into [`PaymentState::Paid`] counts,
    /// so anything but 0 or 1 is a double charge.
    pub charges: u32,
    /// What its refunds took back together, in minor units.
    pub refunded: u64,
    /// Each refund by its `refundRequestId`: AlipayHK's refund ID and the amount.
    pub refunds: BTreeMap<String, (String, u64)>,
    /// The paying user.
    pub user_id: String,
    /// When it was paid (RFC 3339), as the answers give it; when it was taken while it is
    /// processing.
    pub paid_at: String,
    /// When pay took it (RFC 3339).
    pub created_at: String,
    /// When it was paid, for the cancel window (when it was taken, while processing).
    pub(crate) paid: Instant,
    /// While processing: when it becomes paid, and where to notify then.
    pub(crate) settling: Option<Settling>,
}

/// When a payment in process becomes paid (`ledger.rs` settles it, lazily, on the next access
/// after that; its notice, queued when pay took it, waits for the same moment).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Settling {
    pub(crate) at: Instant,
    /// The same moment as wall-clock time, for `paymentTime`.
    pub(crate) at_epoch: EpochMillis,
}

/// A notifyPayment notification to deliver, and where (`payment_notices.rs` delivers it).
#[derive(Debug)]
pub(crate) struct PaymentNotice {
    /// The merchant's base URL: `paymentNotifyUrl` without the notification's own path.
    pub(crate) base_url: String,
    pub(crate) body: alipayhk::NotifyPaymentRequest,
    /// For a payment in process: when it becomes paid. The notice waits until then, and is
    /// sent only if the payment was paid (not cancelled meanwhile).
    pub(crate) due: Option<Instant>,
}

/// A cashless voucher template as the gateway holds it (`vouchers.rs`).
#[derive(Debug, Clone, PartialEq)]
pub struct VoucherTemplate {
    /// What `createVoucherTemplate` sent, as `voucherTemplateDetail` echoes it.
    pub info: alipayhk::VoucherTemplateInfo,
    /// Where it is in its audit and life.
    pub status: alipayhk::VoucherTemplateStatus,
    /// How many of its vouchers were redeemed.
    pub redeemed: i64,
    /// How many can still be issued: the budget, less what was redeemed.
    pub remaining: i64,
    /// When its vouchers start being issued (epoch milliseconds): what the list's window
    /// compares.
    pub starts: i64,
}

/// A transaction record a mall's `businessDistrictBillQuery` reads: the fields AlipayHK's
/// pointsBillNotify carries, under the mall it was paid in.
#[derive(Debug, Clone, PartialEq)]
pub struct MallBill {
    /// The mall group (`mallGroupLabel`).
    pub mall_group_label: String,
    /// The mall (`mallLabel`).
    pub mall_label: String,
    /// The paying user.
    pub user_id: String,
    /// AlipayHK's transaction ID.
    pub bill_no: String,
    /// The store's merchant.
    pub merchant_id: String,
    /// The amount paid, in HKD cents.
    pub amount: u64,
    /// When it was paid, as pointsBillNotify writes it (`2024-05-06 10:49:51`).
    pub pay_time: String,
}

/// A store's PMS information collected for a mall by `circleStoreSave`.
#[derive(Debug, Clone, PartialEq)]
pub struct CircleStoreRecord {
    /// The mall it is tagged to.
    pub mall_label: String,
    /// Its PMS information, when the save gave it.
    pub merchant_pms: Option<alipayhk::MerchantPms>,
    /// The AlipayHK transaction the save named, if any.
    pub ipay_trade_no: Option<String>,
    /// How it was collected, as the save said.
    pub save_way_type: String,
    /// How many saves named it: a repeat updates the record, it adds none.
    pub saves: u32,
}

/// A performance notification (an order card) as `contractCardSync` left it.
#[derive(Debug, Clone, PartialEq)]
pub struct PerformanceCard {
    /// The template it shows with.
    pub template: alipayhk::PerformanceTemplateCode,
    /// Every status it showed, the current one last.
    pub statuses: Vec<String>,
    /// The business time of the last change applied (epoch milliseconds).
    pub biz_date: i64,
    /// When it expires (epoch milliseconds).
    pub end_date: i64,
    /// What it shows.
    pub data: alipayhk::SyncDataInfo,
    /// How many `UPDATE`s were applied (ignored ones do not count).
    pub updates_applied: u32,
}

/// An order as `syncOrder` left it.
#[derive(Debug, Clone, PartialEq)]
pub struct SyncedOrder {
    /// The Alipay trade it was bought with.
    pub trade_no: String,
    /// Every status it had, in order, the current one last.
    pub statuses: Vec<String>,
    /// The amount the last sync that carried one gave.
    pub amount: Option<std::collections::BTreeMap<String, serde_json::Value>>,
    /// How many syncs it took (a replayed re-send does not count).
    pub syncs: u32,
}

/// A product (SKU) as `syncContent` left it.
#[derive(Debug, Clone, PartialEq)]
pub struct SyncedContent {
    /// `contentInfo`, parsed.
    pub info: serde_json::Value,
    /// Listed (`contentStatus` 1) or delisted (0).
    pub listed: bool,
    /// How many syncs it took.
    pub syncs: u32,
}

/// A user's latest payment information as `syncLatestPaymentInfo` left it.
#[derive(Debug, Clone, PartialEq)]
pub struct PaymentInfo {
    /// The sync that sent it.
    pub request_id: String,
    /// Every field after `openId` and `requestId`, by wire name.
    pub fields: std::collections::BTreeMap<String, serde_json::Value>,
    /// How many syncs the user had.
    pub syncs: u32,
}

/// How long an authorisation page prepared by `prepareForRedirect` waits for the user: as
/// long as the code it leads to is good for.
pub(crate) const AUTH_SESSION_LIFETIME: Duration = AUTH_CODE_LIFETIME;

/// An authorisation page `prepareForRedirect` prepared, waiting for the user's decision.
#[derive(Debug, Clone)]
pub(crate) struct AuthSession {
    /// The merchant the user is asked to authorise.
    pub(crate) merchant_id: String,
    /// Where the user goes back to, with the decision appended to the query.
    pub(crate) redirect_url: String,
    /// What the merchant asked for (`USER_POINTS`).
    pub(crate) scopes: Vec<String>,
    pub(crate) created: Instant,
}

/// An HK Auto Debit agreement: made when `autoDebitApplyToken` exchanged a code, ended by
/// `autoDebitCancelByAuthInfo`.
#[derive(Debug, Clone, PartialEq)]
pub struct Agreement {
    /// The user who agreed.
    pub user_id: String,
    /// Every access and refresh token issued under it: cancelling revokes them all.
    pub tokens: Vec<String>,
    /// Whether it was cancelled.
    pub cancelled: bool,
}
