//! Redis's one multiplexed connection, and the check that a reply belongs to its request.
//!
//! Redis answers a connection's commands in order, and the redis crate hands the n-th reply to
//! the n-th request still waiting. Should a request or a reply go missing inside a connection
//! that stays open (a middlebox that drops bytes through a partition), every later reply would
//! be handed to the request before its own: a claim of one notification answered with another
//! notification's token. So every script echoes the key of the record it ran on, a reply
//! whose echo is not the request's own is refused, and the connection is replaced, as it is
//! after a timeout or a lost connection.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use redis::{ScriptInvocation, Value};

use super::store::StoreError;

/// A reply that echoed another record than its request's.
#[derive(Debug, thiserror::Error)]
#[error("a Redis reply belonged to another request; the connection was replaced")]
struct MisattributedReply;

/// The shared connection, replaced as a whole when its replies cannot be trusted.
#[derive(Clone)]
pub(super) struct RedisConnection {
    client: redis::Client,
    config: ConnectionManagerConfig,
    current: Arc<Mutex<(u64, ConnectionManager)>>,
}

impl RedisConnection {
    /// Opens the connection to `url`.
    pub(super) async fn open(url: &str) -> Result<Self, StoreError> {
        let client = redis::Client::open(url).map_err(StoreError::backend)?;
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(Duration::from_secs(5)))
            .set_response_timeout(Some(Duration::from_secs(5)))
            .set_number_of_retries(2);
        let manager = ConnectionManager::new_with_config(client.clone(), config.clone())
            .await
            .map_err(StoreError::backend)?;
        Ok(Self {
            client,
            config,
            current: Arc::new(Mutex::new((0, manager))),
        })
    }

    /// The connection now, and its generation.
    pub(super) fn get(&self) -> (u64, ConnectionManager) {
        self.current
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Replaces the connection of `generation` with a new one, unless another caller already
    /// did.
    async fn replace(&self, generation: u64) {
        let Ok(fresh) =
            ConnectionManager::new_with_config(self.client.clone(), self.config.clone()).await
        else {
            // The old one reconnects by itself once the server is back; the next failure tries
            // again.
            return;
        };
        let mut current = self.current.lock().unwrap_or_else(|e| e.into_inner());
        if current.0 == generation {
            *current = (generation + 1, fresh);
            tracing::warn!("replaced the Redis connection after a reply that could not be trusted");
        }
    }

    /// Runs `invocation`, whose script answers a list ending with `KEYS[1]`, and returns the
    /// list without it, once the echo is `record`.
    pub(super) async fn invoke_echoed(
        &self,
        invocation: &ScriptInvocation<'_>,
        record: &str,
    ) -> Result<Vec<Value>, StoreError> {
        let (generation, mut connection) = self.get();
        let reply: Result<Vec<Value>, _> = invocation.invoke_async(&mut connection).await;
        let mut reply = match reply {
            Ok(reply) => reply,
            Err(error) => {
                if error.is_timeout() || error.is_io_error() || error.is_connection_dropped() {
                    self.replace(generation).await;
                }
                return Err(StoreError::backend(error));
            }
        };
        match reply.pop() {
            Some(Value::BulkString(echo)) if echo == record.as_bytes() => Ok(reply),
            _ => {
                self.replace(generation).await;
                Err(StoreError::backend(MisattributedReply))
            }
        }
    }
}
