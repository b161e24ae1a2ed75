//! After a restart: every unsettled intent whose hold ran out is taken over and settled, by the
//! endpoint it names. Endpoints are registered by type, since only the type knows how to read
//! its stored request.

use std::collections::BTreeSet;
use std::future::Future;
use std::pin::Pin;

use super::intent_store::{FenceToken, IntentKey, IntentRecord, IntentStore, Settlement};
use super::resolvable::Resolvable;
use super::resolver::Resolver;

/// One intent that `resume` took over, and how it ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resumed {
    /// The intent.
    pub key: IntentKey,
    /// Its endpoint.
    pub endpoint: String,
    /// How it ended; `None` for an endpoint this resolver has not registered (it was left for
    /// one that has).
    pub settlement: Option<Settlement>,
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

impl<S: IntentStore> Resolver<S> {
    /// Lets [`resume`](Self::resume) settle `E`'s intents.
    pub fn register<E: Resolvable>(mut self) -> Self {
        self.resumers.insert(E::NAME, drive::<E, S>);
        self
    }

    /// Takes over every unsettled intent whose hold ran out (a crashed or stopped process's),
    /// and settles each by its endpoint's procedure, concurrently; returns what each became.
    /// Run it at start-up, and periodically: a resolver that stops renewing leaves its intents
    /// to the next `resume`, here or in another process. Two concurrent resumers never work on
    /// the same intent.
    pub async fn resume(&self) -> Result<Vec<Resumed>, super::StoreError> {
        let mut report = Vec::new();
        let mut left = BTreeSet::new();
        loop {
            let batch = self.store.claim_due(32).await?;
            if batch.is_empty() || batch.iter().all(|(_, r)| left.contains(&r.intent.key)) {
                for (token, record) in batch {
                    self.release(&record.intent.key, token).await;
                }
                return Ok(report);
            }
            let mut running = Vec::new();
            for (token, record) in batch {
                let key = record.intent.key.clone();
                let endpoint = record.intent.endpoint.clone();
                match self.resumers.get(endpoint.as_str()) {
                    Some(drive) => running.push(async move {
                        let settlement = drive(self, token, record).await;
                        Resumed {
                            key,
                            endpoint,
                            settlement: Some(settlement),
                        }
                    }),
                    None => {
                        tracing::warn!(%endpoint, "an intent of an endpoint this resolver has not registered; left for one that has");
                        self.release(&key, token).await;
                        left.insert(key.clone());
                        report.push(Resumed {
                            key,
                            endpoint,
                            settlement: None,
                        });
                    }
                }
            }
            report.extend(join_all(running).await);
        }
    }
}

/// Runs the futures concurrently on this task and returns their outputs in the order given,
/// whichever finishes first.
async fn join_all<F: Future>(futures: Vec<F>) -> Vec<F::Output> {
    let mut futures: Vec<Pin<Box<F>>> = futures.into_iter().map(Box::pin).collect();
    let mut outputs: Vec<Option<F::Output>> = futures.iter().map(|_| None).collect();
    std::future::poll_fn(|cx| {
        let mut pending = false;
        for (future, output) in futures.iter_mut().zip(outputs.iter_mut()) {
            if output.is_none() {
                match future.as_mut().poll(cx) {
                    std::task::Poll::Ready(value) => *output = Some(value),
                    std::task::Poll::Pending => pending = true,
                }
            }
        }
        if pending {
            std::task::Poll::Pending
        } else {
            std::task::Poll::Ready(())
        }
    })
    .await;
    outputs.into_iter().flatten().collect()
}
