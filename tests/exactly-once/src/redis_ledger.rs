//! The ledger in Redis.

use alipayhk::runtime::notifications::FenceToken;
use redis::Script;
use redis::aio::ConnectionManager;

use super::{Applied, LedgerError, Tally};

/// KEYS: the bill's entry list, the re-runs list, the superseded counter, the bills set.
/// ARGV: bill, token, pid. Entries are "token:pid"; the newest is last.
const APPLY: &str = r"
local newest = redis.call('LINDEX', KEYS[1], -1)
if newest then
  local token, pid = string.match(newest, '(%d+):(%d+)')
  if tonumber(token) >= tonumber(ARGV[2]) then
    redis.call('INCR', KEYS[3])
    return {'superseded', 0}
  end
  redis.call('RPUSH', KEYS[2], ARGV[1] .. ':' .. pid)
  return {'earlier', tonumber(pid)}
end
redis.call('RPUSH', KEYS[1], ARGV[2] .. ':' .. ARGV[3])
redis.call('SADD', KEYS[4], ARGV[1])
return {'new', 0}
";

/// The ledger in Redis: a list per bill, written by one Lua script.
pub struct RedisLedger {
    connection: ConnectionManager,
}

impl RedisLedger {
    /// Connects.
    pub async fn connect(url: &str) -> Result<Self, LedgerError> {
        let client = redis::Client::open(url)?;
        // As patient as the store: a write that times out here after Redis ran it makes the
        // handler answer U for work it did.
        let config = redis::aio::ConnectionManagerConfig::new()
            .set_connection_timeout(Some(std::time::Duration::from_secs(5)))
            .set_response_timeout(Some(std::time::Duration::from_secs(5)));
        Ok(Self {
            connection: ConnectionManager::new_with_config(client, config).await?,
        })
    }

    /// See [`Ledger::apply`](super::Ledger::apply).
    pub async fn apply(
        &self,
        bill: &str,
        token: FenceToken,
        pid: u32,
    ) -> Result<Applied, LedgerError> {
        let mut connection = self.connection.clone();
        let (kind, earlier): (String, u32) = Script::new(APPLY)
            .key(format!("proof:ledger:{bill}"))
            .key("proof:reruns")
            .key("proof:superseded")
            .key("proof:bills")
            .arg(bill)
            .arg(token.get())
            .arg(pid)
            .invoke_async(&mut connection)
            .await?;
        Ok(match kind.as_str() {
            "new" => Applied::New,
            "earlier" => Applied::Earlier { pid: earlier },
            _ => Applied::Superseded,
        })
    }

    /// See [`Ledger::tally`](super::Ledger::tally).
    pub async fn tally(&self) -> Result<Tally, LedgerError> {
        let mut connection = self.connection.clone();
        let mut tally = Tally::default();
        let bills: Vec<String> = redis::cmd("SMEMBERS")
            .arg("proof:bills")
            .query_async(&mut connection)
            .await?;
        for bill in bills {
            let n: u32 = redis::cmd("LLEN")
                .arg(format!("proof:ledger:{bill}"))
                .query_async(&mut connection)
                .await?;
            tally.entries.insert(bill, n);
        }
        let reruns: Vec<String> = redis::cmd("LRANGE")
            .arg("proof:reruns")
            .arg(0)
            .arg(-1)
            .query_async(&mut connection)
            .await?;
        for rerun in reruns {
            if let Some((bill, pid)) = rerun.rsplit_once(':') {
                tally.reruns.push((bill.to_owned(), pid.parse()?));
            }
        }
        let superseded: Option<u64> = redis::cmd("GET")
            .arg("proof:superseded")
            .query_async(&mut connection)
            .await?;
        tally.superseded = superseded.unwrap_or(0);
        Ok(tally)
    }
}
