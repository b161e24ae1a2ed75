//! Unknown outcomes settled by the crate, from the spec: the procedure AlipayHK prescribes
//! (read the outcome with the same idempotency key until it is final, and cancel when the
//! merchant's deadline passes), driven by each endpoint's [`Resolution`], and written to an
//! [`IntentStore`] before the first send so that a restarted process resumes every call it had
//! not settled.

mod intent_store;

pub use intent_store::{
    Begin, FenceToken, Intent, IntentKey, IntentRecord, IntentStore, Settlement, Stage,
    StoreError,
};
