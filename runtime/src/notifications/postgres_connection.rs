//! A pooled PostgreSQL connection that goes back to the pool only after a clean exchange.
//!
//! A statement whose future is dropped mid-flight (a timeout, a stopped handler) leaves its
//! connection waiting for a reply; a transaction left open leaves it inside that transaction.
//! Returned to the pool, such a connection would hang or corrupt the next caller's work, and
//! deadpool's recycling checks only that the connection is open. So a [`Checkout`] is returned
//! to the pool by [`release`](Checkout::release) alone; dropped any other way, it is detached
//! and closed, and the server rolls back whatever it had open.

use deadpool_postgres::{Object, Pool};

use super::store::StoreError;

/// A connection out of the pool for one exchange.
pub(super) struct Checkout(Option<Box<Object>>);

impl Checkout {
    /// A connection from `pool`.
    pub(super) async fn get(pool: &Pool) -> Result<Self, StoreError> {
        let object = pool.get().await.map_err(StoreError::backend)?;
        Ok(Self(Some(Box::new(object))))
    }

    pub(super) fn client(&self) -> &tokio_postgres::Client {
        self.0.as_deref().expect("held until released or dropped")
    }

    /// Returns the connection to the pool: its exchange ended cleanly.
    pub(super) fn release(mut self) {
        drop(self.0.take());
    }
}

impl Drop for Checkout {
    fn drop(&mut self) {
        if let Some(object) = self.0.take() {
            drop(Object::take(*object));
        }
    }
}
