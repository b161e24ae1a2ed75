//! Unknown outcomes settled by the crate, from the spec: the procedure AlipayHK prescribes
//! (read the outcome with the same idempotency key until it is final, and cancel when the
//! merchant's deadline passes), driven by each endpoint's [`Resolution`], and written to an
//! [`IntentStore`] before the first send so that a restarted process resumes every call it had
//! not settled.

// What generated code implements compiles in every build; what sends calls needs `client`.
#[cfg(any(feature = "client", feature = "sqlite", feature = "postgres"))]
mod intent_rows;
mod intent_store;
#[cfg(feature = "client")]
mod memory_intents;
#[cfg(any(feature = "client", feature = "postgres"))]
mod mutants;
#[cfg(feature = "client")]
mod outcome;
#[cfg(feature = "client")]
mod policy;
#[cfg(feature = "postgres")]
mod postgres_intents;
#[cfg(feature = "client")]
mod procedure;
mod resolvable;
#[cfg(feature = "client")]
mod resolver;
#[cfg(feature = "client")]
mod resume;
mod settles;
#[cfg(feature = "sqlite")]
mod sqlite_intents;

pub use intent_store::{
    Begin, FenceToken, Intent, IntentKey, IntentRecord, IntentStore, Settlement, Stage, StoreError,
};
#[cfg(feature = "client")]
pub use memory_intents::MemoryIntentStore;
#[cfg(feature = "client")]
pub use outcome::{Evidence, Outcome, ResolveError, Unresolved};
#[cfg(feature = "client")]
pub use policy::ResolvePolicy;
#[cfg(feature = "postgres")]
pub use postgres_intents::PostgresIntentStore;
pub use resolvable::{InquiryRule, Resolution, Resolvable};
#[cfg(feature = "client")]
pub use resolver::Resolver;
#[cfg(feature = "client")]
pub use resume::Resumed;
pub use settles::Settles;
#[cfg(feature = "sqlite")]
pub use sqlite_intents::SqliteIntentStore;
