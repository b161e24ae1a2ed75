//! A [`NotificationStore`] in Redis (feature `redis`), for several instances.

use std::sync::LazyLock;
use std::time::Duration;

use redis::{Script, Value};

use super::durations::{DEFAULT_LEASE, DEFAULT_RETENTION};
use super::redis_connection::RedisConnection;
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
///   answered `U`. Every script echoes its record's key, and a reply that belongs to another
///   request (bytes lost inside a connection that stayed open) is refused and the connection
///   replaced.
///
/// Durability is the server's, and [`connect`](Self::connect) checks it: it refuses
/// ([`StoreError::Unsafe`], naming the setting) a server that does not confirm
/// `appendonly yes` and `appendfsync always` (an answer is then on disk before it is
/// acknowledged) and `maxmemory-policy noeviction` (an evicting Redis forgets answers to make
/// room; managed Redis often evicts keys with a TTL by default, and every key here has one).
/// Where `CONFIG` is refused (managed Redis often does) nothing can be confirmed, and
/// `connect` refuses too. [`connect_with`](Self::connect_with) and
/// [`RedisDurability::AcceptWeaker`] accept such a server; then a record lost to eviction, a
/// crash or a failover to a replica that had not received it runs its notification's
/// handler again (fencing tokens stay unique: they are at least the server's clock in
/// microseconds). Redis's replication is asynchronous, so a failover can always lose the
/// last writes: for effects that must not run twice, commit them with the record in
/// PostgreSQL or SQLite.
#[derive(Clone)]
pub struct RedisStore {
    connection: RedisConnection,
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

/// KEYS: record, lease. ARGV: lease ms, retention ms. A new token is one more than the record's
/// and at least the server's clock in microseconds, so it never repeats, even when the record
/// was evicted or lost in a failover.
const CLAIM_LUA: &str = r"
local state = redis.call('HGET', KEYS[1], 'state')
if state == 'answered' then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return {'answered', redis.call('HGET', KEYS[1], 'answer'), KEYS[1]}
end
if state == 'claimed' and redis.call('EXISTS', KEYS[2]) == 1 then
  return {'in_progress', 0, KEYS[1]}
end
local now = redis.call('TIME')
local floor = tonumber(now[1]) * 1000000 + tonumber(now[2])
local token = math.max(tonumber(redis.call('HGET', KEYS[1], 'token') or '0') + 1, floor)
redis.call('HSET', KEYS[1], 'token', string.format('%d', token), 'state', 'claimed')
redis.call('HDEL', KEYS[1], 'answer')
redis.call('SET', KEYS[2], string.format('%d', token), 'PX', ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return {'new', token, KEYS[1]}
";

/// KEYS: record, lease. ARGV: token, lease ms, retention ms.
const RENEW_LUA: &str = r"
if redis.call('HGET', KEYS[1], 'state') ~= 'claimed'
   or redis.call('HGET', KEYS[1], 'token') ~= ARGV[1] then
  return {0, KEYS[1]}
end
redis.call('SET', KEYS[2], ARGV[1], 'PX', ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return {1, KEYS[1]}
";

/// KEYS: record, lease. ARGV: token, answer, retention ms.
const COMPLETE_LUA: &str = r"
if redis.call('HGET', KEYS[1], 'state') ~= 'claimed'
   or redis.call('HGET', KEYS[1], 'token') ~= ARGV[1] then
  return {0, KEYS[1]}
end
redis.call('HSET', KEYS[1], 'state', 'answered', 'answer', ARGV[2])
redis.call('DEL', KEYS[2])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return {1, KEYS[1]}
";

/// KEYS: record, lease. ARGV: token, retention ms. The record stays, with its token, so the
/// next claim's token is larger.
const RELEASE_LUA: &str = r"
if redis.call('HGET', KEYS[1], 'state') ~= 'claimed'
   or redis.call('HGET', KEYS[1], 'token') ~= ARGV[1] then
  return {0, KEYS[1]}
end
redis.call('HSET', KEYS[1], 'state', 'released')
redis.call('DEL', KEYS[2])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return {1, KEYS[1]}
";

fn millis(d: Duration) -> u64 {
    // Redis refuses expiries past i64 milliseconds; a century is "never" enough.
    u64::try_from(d.as_millis())
        .unwrap_or(u64::MAX)
        .clamp(1, 100 * 365 * 86_400_000)
}

/// What [`RedisStore::connect_with`] requires of the server's configuration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum RedisDurability {
    /// `appendonly yes`, `appendfsync always` and `maxmemory-policy noeviction`, confirmed by
    /// `CONFIG GET`; anything else, or a refused `CONFIG`, is refused.
    #[default]
    Checked,
    /// Whatever the server runs, with a warning: a record lost to eviction, a crash or a
    /// failover runs its notification's handler again.
    AcceptWeaker,
}

/// The settings `Checked` requires, and what each needs.
const REQUIRED: [(&str, &str, &str); 3] = [
    (
        "appendonly",
        "yes",
        "yes: without the append-only file a restart forgets every answer",
    ),
    (
        "appendfsync",
        "always",
        "always: otherwise a crash loses the answers of the last second",
    ),
    (
        "maxmemory-policy",
        "noeviction",
        "noeviction: any other policy may evict answers to make room",
    ),
];

impl RedisStore {
    /// Connects to `url` (`redis://[:password@]host:port[/db]`, `rediss://` for TLS) with a
    /// 50-hour retention, a 30-second lease and the key prefix `alipayhk:notification:`,
    /// after confirming the server's durability ([`RedisDurability::Checked`]).
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        Self::connect_with(url, RedisDurability::Checked).await
    }

    /// Connects to `url`, requiring `durability` of the server.
    pub async fn connect_with(url: &str, durability: RedisDurability) -> Result<Self, StoreError> {
        let connection = RedisConnection::open(url).await?;
        let store = Self {
            connection,
            prefix: "alipayhk:notification:".to_owned(),
            retention: DEFAULT_RETENTION,
            lease: DEFAULT_LEASE,
        };
        match (store.check_durable().await, durability) {
            (Ok(()), _) => {}
            (Err(error), RedisDurability::Checked) => return Err(error),
            (Err(error), RedisDurability::AcceptWeaker) => {
                tracing::warn!(%error, "RedisStore accepted a server that may lose records: their notifications run again");
            }
        }
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

    /// Confirms every setting in [`REQUIRED`], or names the first that is not confirmed.
    async fn check_durable(&self) -> Result<(), StoreError> {
        let (_, mut connection) = self.connection.get();
        for (setting, value, required) in REQUIRED {
            let found: Result<Vec<String>, _> = redis::cmd("CONFIG")
                .arg("GET")
                .arg(setting)
                .query_async(&mut connection)
                .await;
            let found = match found {
                Ok(pair) => match pair.get(1) {
                    Some(found) if found == value => continue,
                    Some(found) => found.clone(),
                    None => "not reported by CONFIG GET".to_owned(),
                },
                Err(error) => format!("unknown (CONFIG GET was refused: {error})"),
            };
            return Err(StoreError::Unsafe {
                setting,
                found,
                required,
            });
        }
        Ok(())
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
        let mut invocation = script.key(&record);
        invocation.key(lease).arg(token.get());
        for arg in args {
            invocation.arg(*arg);
        }
        let reply = self.connection.invoke_echoed(&invocation, &record).await?;
        match reply.first() {
            Some(Value::Int(1)) => Ok(()),
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
        let mut invocation = CLAIM.key(&record);
        invocation
            .key(lease)
            .arg(millis(self.lease))
            .arg(millis(self.retention));
        let mut reply = self
            .connection
            .invoke_echoed(&invocation, &record)
            .await?
            .into_iter();
        let kind = match reply.next() {
            Some(Value::BulkString(kind)) => String::from_utf8_lossy(&kind).into_owned(),
            other => format!("{other:?}"),
        };
        let value = reply.next().unwrap_or(Value::Nil);
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
