//! A handler's database writes in the store's own transaction, committed together with the
//! record that answers every later delivery: both or neither.

use std::any::Any;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use crate::store_values::StoreError;

/// A boxed future, for the object-safe trait below.
pub(super) type Boxed<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// What the supervisor does with a store's transaction once the handler has answered.
pub(super) trait Commit: Send + Sync + 'static {
    /// The store's own handle, for [`Delivery`](super::Delivery)'s typed accessors.
    #[cfg_attr(not(any(feature = "postgres", feature = "sqlite")), allow(dead_code))]
    fn as_any(&self) -> &dyn Any;
    /// Whether the handler began the transaction (wrote or read through it).
    fn began(&self) -> bool;
    /// Records `answer` as the claim's final `S` answer inside the transaction, only if the
    /// claim is still current, and commits. `Superseded` (and nothing committed) otherwise.
    fn commit(&self, answer: Vec<u8>) -> Boxed<'_, Result<(), StoreError>>;
    /// Rolls the handler's writes back, and ends the transaction for good.
    fn roll_back(&self) -> Boxed<'_, ()>;
}

/// The transaction a delivery's handler may do its database writes in, for the stores that
/// have one (`PostgresStore`, `SqliteStore`): reach it with `Delivery::postgres` or
/// `Delivery::sqlite`. Built by the store for each claim; a handler never builds one.
#[derive(Clone)]
pub struct DeliveryTransaction(pub(super) Arc<dyn Commit>);

// Built and read by the database stores only.
#[cfg_attr(not(any(feature = "postgres", feature = "sqlite")), allow(dead_code))]
impl DeliveryTransaction {
    pub(super) fn new(commit: impl Commit) -> Self {
        Self(Arc::new(commit))
    }

    pub(super) fn downcast<T: 'static>(&self) -> Option<&T> {
        self.0.as_any().downcast_ref()
    }
}

impl fmt::Debug for DeliveryTransaction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DeliveryTransaction")
            .field("began", &self.0.began())
            .finish()
    }
}
