//! After a restart: every unsettled intent whose hold ran out is taken over and settled, by the
//! endpoint it names. Endpoints are registered by type, since only the type knows how to read
//! its stored request.

use std::collections::HashSet;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use super::intent_store::{FenceToken, IntentKey, IntentRecord, IntentStore, Settlement};
use super::resolvable::Resolvable;
use super::resolver::{Drive, Resolver};

/// How many intents one `resume` drives at once. Each is mostly waiting (on AlipayHK, on its
/// backoff), so many fit on one task; the bound keeps one `resume` from holding the whole
/// backlog while another process could share it.
const IN_FLIGHT: usize = 32;

/// One intent that `resume` took over, and how it ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resumed {
    /// The intent.
    pub key: IntentKey,
    /// Its endpoint.
    pub endpoint: String,
    /// How it ended.
    pub settlement: Settlement,
}

fn drive<E: Resolvable, S: IntentStore>(
    resolver: &Resolver<S>,
    token: FenceToken,
    record: IntentRecord,
) -> Pin<Box<dyn Future<Output = Settlement> + Send + '_>> {
    Box::pin(async move {
        resolver
            .drive::<E>(&record.intent, token, record.stage, None)
            .await
            .settlement()
    })
}

/// A drive under way: it borrows the resolver, so it runs on `resume`'s own task.
type Running<'a> = Pin<Box<dyn Future<Output = Resumed> + Send + 'a>>;

impl<S: IntentStore> Resolver<S> {
    /// Lets [`resume`](Self::resume) settle `E`'s intents.
    pub fn register<E: Resolvable>(mut self) -> Self {
        self.resumers.insert(E::NAME, drive::<E, S>);
        self
    }

    /// Takes over every unsettled intent of a registered endpoint whose hold ran out (a
    /// crashed or stopped process's), and settles each by its endpoint's procedure; returns
    /// what each became, in the order they ended. Run it at start-up, and periodically: a
    /// resolver that stops renewing leaves its intents to the next `resume`, here or in
    /// another process. Two concurrent resumers never work on the same intent, and intents
    /// of endpoints this resolver has not registered are left untouched for one that has.
    ///
    /// Up to 32 intents are driven at once, and a new one is claimed as soon as one ends, so
    /// a payment that stays processing until its deadline does not hold up the rest. The
    /// claims stop once the store has nothing more due; those under way are always finished,
    /// and a store error is returned after them (what they settled is in the store).
    pub async fn resume(&self) -> Result<Vec<Resumed>, super::StoreError> {
        let endpoints: Vec<&str> = self.resumers.keys().copied().collect();
        let mut report = Vec::new();
        let mut running: Vec<Running<'_>> = Vec::new();
        let mut seen = HashSet::new();
        let mut claiming = !endpoints.is_empty();
        let mut failure = None;
        loop {
            let wanted = IN_FLIGHT - running.len();
            if claiming && wanted > 0 {
                // Those under way go on (and renew their holds) while the store answers.
                let claim = self.store.claim_due(wanted, &endpoints);
                match while_running(claim, &mut running, &mut report).await {
                    Ok(batch) => {
                        // Not `== wanted`: a store may hand out fewer than asked while more
                        // are due (it skips rows another resumer is taking).
                        claiming = !batch.is_empty();
                        for (token, record) in batch {
                            if !seen.insert(record.intent.key.clone()) {
                                // Driven once already by this call and not settled (its store
                                // failed): the next `resume` tries it again, not this one.
                                let release = self.release(&record.intent.key, token);
                                while_running(release, &mut running, &mut report).await;
                                claiming = false;
                                continue;
                            }
                            match self.resumers.get(record.intent.endpoint.as_str()) {
                                Some(&drive) => running.push(self.start(drive, token, record)),
                                None => {
                                    // A store that ignored `endpoints`: left as it was found.
                                    tracing::warn!(endpoint = %record.intent.endpoint, "the store handed over an intent of an endpoint not asked for");
                                    let release = self.release(&record.intent.key, token);
                                    while_running(release, &mut running, &mut report).await;
                                }
                            }
                        }
                    }
                    Err(error) => {
                        claiming = false;
                        failure = Some(error);
                    }
                }
            } else if running.is_empty() {
                return failure.map_or(Ok(report), Err);
            } else {
                report.push(next_ended(&mut running).await);
            }
        }
    }

    fn start(&self, drive: Drive<S>, token: FenceToken, record: IntentRecord) -> Running<'_> {
        Box::pin(async move {
            let key = record.intent.key.clone();
            let endpoint = record.intent.endpoint.clone();
            let settlement = drive(self, token, record).await;
            Resumed {
                key,
                endpoint,
                settlement,
            }
        })
    }
}

/// Polls `running` (moving each that ends to `report`) until `work` is done, and returns
/// its output.
async fn while_running<T>(
    work: impl Future<Output = T>,
    running: &mut Vec<Running<'_>>,
    report: &mut Vec<Resumed>,
) -> T {
    let mut work = std::pin::pin!(work);
    std::future::poll_fn(|cx| {
        while let Poll::Ready(ended) = poll_any(running, cx) {
            report.push(ended);
        }
        work.as_mut().poll(cx)
    })
    .await
}

/// The next of `running` to end. `running` must not be empty.
async fn next_ended(running: &mut Vec<Running<'_>>) -> Resumed {
    std::future::poll_fn(|cx| poll_any(running, cx)).await
}

/// Polls each of `running` once, removing and returning the first that ended.
fn poll_any(running: &mut Vec<Running<'_>>, cx: &mut Context<'_>) -> Poll<Resumed> {
    for i in 0..running.len() {
        if let Poll::Ready(ended) = running[i].as_mut().poll(cx) {
            drop(running.swap_remove(i));
            return Poll::Ready(ended);
        }
    }
    Poll::Pending
}
