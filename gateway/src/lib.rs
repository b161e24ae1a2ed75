//! A local AlipayHK gateway: the protocol exactly (signed requests, signed and optionally
//! encrypted responses), served on 127.0.0.1 from the same spec as the client, with passes
//! held in memory and faults a test can script.
//!
//! **Layout.** `records` (passes, templates, codes, payments as data), `faults` (the fault
//! book) and `state` (the gateway's state, scripted results, replays) are leaves; `passes`,
//! `templates`, `tokens`, `points`, `payments`, `vouchers`, `auto_earn`, `performance`,
//! `orders`, `bills`, `authorisation` (prepareForRedirect, v1) and `auto_debit` (HK Auto
//! Debit, v1) hold the behaviour on that state, under names that say what it does
//! (`open_pass`, `refund_payment`, `open_voucher_template`, …), `payment_notices`
//! delivers notifyPayment after a payment, and `ledger` settles payments in process and
//! lists every payment with how many times it was charged; `api` implements the generated
//! `alipayhk::platform::Api` on top, and `fault_layer` and `serve` put it on the network
//! (with `templates`' own switchStatus route in front of the generated router, and
//! `authorisation_page`, the user's consent page, beside it).
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! use alipayhk_gateway::{GatewayConfig, start};
//!
//! let config = GatewayConfig::generated("LOCAL_CLIENT")?;
//! let merchant_key = config.merchant_key.clone().expect("generated");
//! let running = start(config).await?;
//! println!("listening on {}", running.url());
//! # Ok(()) }
//! ```

// Leaves first: data, faults and state; then the behaviour on the state; then the `Api`
// dispatch, the fault layer and serving on top.
mod api;
mod authorisation;
mod authorisation_page;
mod auto_debit;
mod auto_earn;
mod bills;
pub mod console;
mod fault_layer;
pub mod faults;
mod ledger;
pub mod notify;
mod orders;
mod passes;
mod payment_notices;
mod payments;
mod performance;
mod points;
mod records;
mod serve;
mod state;
mod templates;
mod tokens;
mod vouchers;

pub use authorisation::AUTHORISE_PATH;
pub use faults::{Fault, FaultBook, Scripted};
pub use ledger::{LedgerEntry, LedgerOutcome};
pub use records::{
    Agreement, CANCEL_WINDOW, CircleStoreRecord, MallBill, Pass, PassState, Payment, PaymentInfo,
    PaymentState, PerformanceCard, SyncedContent, SyncedOrder, Template, VoucherTemplate,
};
pub use serve::{GatewayConfig, RunningGateway, default_freshness, start};
pub use state::{Gateway, MERCHANT_ID, TEMPLATE_CODE};
pub use vouchers::AUDIT_FAILS;
