//! A [`NotificationStore`] in Redis (feature `redis`), for several instances.

use std::sync::LazyLock;
use std::time::Duration;

use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use redis::{Script, Value};

use super::memory::{DEFAULT_LEASE, DEFAULT_RETENTION};
use super::store::{Claim, FenceToken, NotificationKey, NotificationStore, StoreError};

/// A [`NotificationStore`] in Redis: any number of webhook instances share it.
///
/// - **Layout.** Each notification is a hash `{prefix}{<key hex>}:record` (fields `token`,
///   `state`, `answer`) and, while claimed, a string `{prefix}{<key hex>}:lease` holding the
///   token. The braces are a hash tag, so both keys of a notification are in one cluster slot.
/// - **One script each.** `claim`, `renew`, `complete` and `release` are Lua scripts, which
///   Redis runs atomically; `renew`, `complete` and `release` change nothing unless the
///   record's token is theirs.
/// - **Redis's clock.** The lease is the lease key's TTL and retention the record's TTL
///   (`PX`/`PEXPIRE`): every instance measures them on the server's clock.
/// - **One reconnecting connection.** Redis pipelines every command of a process over one
///   connection; the redis crate's `ConnectionManager` re-opens it after a failure (a
///   restart), and the call that met the failure fails with [`StoreError::Backend`],
///   answered `U`.
///
/// Durability is the server's: run Redis with `appendonly yes` and `appendfsync always` (an
/// answer is then on disk before it is acknowledged) and `maxmemory-policy noeviction` (an
/// evicting Redis would forget answers to make room). [`connect`](Self::connect) logs a
/// warning when the server says it runs otherwise.
#[derive(Clone)]
pub struct RedisStore {
    connection: ConnectionManager,
    prefix: String,
    retention: Duration,
    lease: Duration,
}

impl std::fmt::Debug for RedisStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RedisStore")
            .field("prefix", &self.prefix)
            .field("retention", &self.retention)
            .field("lease", &self.lease)
            .finish_non_exhaustive()
    }
}

/// Each script once: `Script` hashes its source, and runs it by that hash (`EVALSHA`),
/// sending the source only when the server has not seen it (after a restart, say).
static CLAIM: LazyLock<Script> = LazyLock::new(|| Script::new(CLAIM_LUA));
static RENEW: LazyLock<Script> = LazyLock::new(|| Script::new(RENEW_LUA));
static COMPLETE: LazyLock<Script> = LazyLock::new(|| Script::new(COMPLETE_LUA));
static RELEASE: LazyLock<Script> = LazyLock::new(|| Script::new(RELEASE_LUA));

/// KEYS: record, lease. ARGV: lease ms, retention ms.
const CLAIM_LUA: &str = r"
local state = redis.call('HGET', KEYS[1], 'state')
if state == 'answered' then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return {'answered', redis.call('HGET', KEYS[1], 'answer')}
end
if state == 'claimed' and redis.call('EXISTS', KEYS[2]) == 1 then
  return {'in_progress', 0}
end
local token = redis.call('HINCRBY', KEYS[1], 'token', 1)
redis.call('HSET', KEYS[1], 'state', 'claimed')
redis.call('HDEL', KEYS[1], 'answer')
redis.call('SET', KEYS[2], token, 'PX', ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return {'new', token}
";

/// KEYS: record, lease. ARGV: token, lease ms, retention ms.
const RENEW_LUA: &str = r"
if redis.call('HGET', KEYS[1], 'state') ~= 'claimed'
   or redis.call('HGET', KEYS[1], 'token') ~= ARGV[1] then
  return 0
end
redis.call('SET', KEYS[2], ARGV[1], 'PX', ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return 1
";

/// KEYS: record, lease. ARGV: token, answer, retention ms.
const COMPLETE_LUA: &str = r"
if redis.call('HGET', KEYS[1], 'state') ~= 'claimed'
   or redis.call('HGET', KEYS[1], 'token') ~= ARGV[1] then
  return 0
end
redis.call('HSET', KEYS[1], 'state', 'answered', 'answer', ARGV[2])
redis.call('DEL', KEYS[2])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return 1
";

/// KEYS: record, lease. ARGV: token, retention ms. The record stays, with its token, so the
/// next claim's token is larger.
const RELEASE_LUA: &str = r"
if redis.call('HGET', KEYS[1], 'state') ~= 'claimed'
   or redis.call('HGET', KEYS[1], 'token') ~= ARGV[1] then
  return 0
end
redis.call('HSET', KEYS[1], 'state', 'released')
redis.call('DEL', KEYS[2])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1
";

fn millis(d: Duration) -> u64 {
    // Redis refuses expiries past i64 milliseconds; a century is "never" enough.
    u64::try_from(d.as_millis())
        .unwrap_or(u64::MAX)
        .clamp(1, 100 * 365 * 86_400_000)
}

impl RedisStore {
    /// Connects to `url` (`redis://[:password@]host:port[/db]`, `rediss://` for TLS) with a
    /// 50-hour retention, a 30-second lease and the key prefix `alipayhk:notification:`.
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        let client = redis::Client::open(url).map_err(StoreError::backend)?;
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(Duration::from_secs(5)))
            .set_response_timeout(Some(Duration::from_secs(5)))
            .set_number_of_retries(2);
        let connection = ConnectionManager::new_with_config(client, config)
            .await
            .map_err(StoreError::backend)?;
        let store = Self {
            connection,
            prefix: "alipayhk:notification:".to_owned(),
            retention: DEFAULT_RETENTION,
            lease: DEFAULT_LEASE,
        };
        store.warn_unless_durable().await;
        Ok(store)
    }

    /// How long a record is kept after its last use.
    pub fn with_retention(mut self, retention: Duration) -> Self {
        self.retention = retention;
        self
    }

    /// How long a claim holds unrenewed before a re-delivery may take it over.
    pub fn with_lease(mut self, lease: Duration) -> Self {
        self.lease = lease;
        self
    }

    /// The prefix of every key the store writes.
    pub fn with_prefix(mut self, prefix: impl Into<String>) -> Self {
        self.prefix = prefix.into();
        self
    }

    /// Logs a warning when the server says it may lose an acknowledged answer. Managed Redis
    /// often refuses `CONFIG`; then nothing is said.
    async fn warn_unless_durable(&self) {
        let mut connection = self.connection.clone();
        let config: Result<Vec<String>, _> = redis::cmd("CONFIG")
            .arg("GET")
            .arg("appendfsync")
            .query_async(&mut connection)
            .await;
        let policy: Result<Vec<String>, _> = redis::cmd("CONFIG")
            .arg("GET")
            .arg("maxmemory-policy")
            .query_async(&mut connection)
            .await;
        if let Ok(pair) = config
            && pair.get(1).is_some_and(|v| v != "always")
        {
            tracing::warn!(appendfsync = %pair[1], "Redis may lose an answer it acknowledged in a crash; set appendfsync always");
        }
        if let Ok(pair) = policy
            && pair.get(1).is_some_and(|v| v != "noeviction")
        {
            tracing::warn!(policy = %pair[1], "Redis may evict notification records; set maxmemory-policy noeviction");
        }
    }

    fn keys(&self, key: &NotificationKey) -> (String, String) {
        let hex = key.to_hex();
        (
            format!("{}{{{hex}}}:record", self.prefix),
            format!("{}{{{hex}}}:lease", self.prefix),
        )
    }

    /// Runs one fenced script: it answers 1, or the token is not the current claim.
    async fn fenced(
        &self,
        script: &Script,
        key: &NotificationKey,
        token: FenceToken,
        args: &[&[u8]],
    ) -> Result<(), StoreError> {
        let (record, lease) = self.keys(key);
        let mut invocation = script.key(record);
        invocation.key(lease).arg(token.get());
        for arg in args {
            invocation.arg(*arg);
        }
        let mut connection = self.connection.clone();
        let changed: i64 = invocation
            .invoke_async(&mut connection)
            .await
            .map_err(StoreError::backend)?;
        match changed {
            1 => Ok(()),
            _ => Err(StoreError::Superseded { token }),
        }
    }
}

/// A value the claim script answered that it never answers.
#[derive(Debug, thiserror::Error)]
#[error("the claim script answered {0}")]
struct UnexpectedReply(String);

impl NotificationStore for RedisStore {
    async fn claim(&self, key: &NotificationKey) -> Result<Claim, StoreError> {
        let (record, lease) = self.keys(key);
        let mut connection = self.connection.clone();
        let (kind, value): (String, Value) = CLAIM
            .key(record)
            .key(lease)
            .arg(millis(self.lease))
            .arg(millis(self.retention))
            .invoke_async(&mut connection)
            .await
            .map_err(StoreError::backend)?;
        match (kind.as_str(), value) {
            ("new", Value::Int(token)) => Ok(Claim::New(FenceToken::new(token as u64))),
            ("answered", Value::BulkString(answer)) => Ok(Claim::Answered(answer)),
            ("answered", Value::Nil) => Ok(Claim::Answered(Vec::new())),
            ("in_progress", _) => Ok(Claim::InProgress),
            (kind, value) => Err(StoreError::backend(UnexpectedReply(format!(
                "{kind} {value:?}"
            )))),
        }
    }

    async fn renew(&self, key: &NotificationKey, token: FenceToken) -> Result<(), StoreError> {
        let lease = millis(self.lease).to_string();
        let retention = millis(self.retention).to_string();
        self.fenced(
            &RENEW,
            key,
            token,
            &[lease.as_bytes(), retention.as_bytes()],
        )
        .await
    }

    async fn complete(
        &self,
        key: &NotificationKey,
        token: FenceToken,
        answer: Vec<u8>,
    ) -> Result<(), StoreError> {
        let retention = millis(self.retention).to_string();
        self.fenced(&COMPLETE, key, token, &[&answer, retention.as_bytes()])
            .await
    }

    async fn release(&self, key: &NotificationKey, token: FenceToken) -> Result<(), StoreError> {
        let retention = millis(self.retention).to_string();
        self.fenced(&RELEASE, key, token, &[retention.as_bytes()])
            .await
    }

    fn lease(&self) -> Duration {
        self.lease
    }

    fn retention(&self) -> Duration {
        self.retention
    }
}
