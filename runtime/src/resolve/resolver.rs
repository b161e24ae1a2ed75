//! The resolver: writes the intent, sends the call, and settles its outcome by the endpoint's
//! [`Resolution`](super::Resolution): read it until it is final, cancel at the deadline.

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde_json::Value;

use super::intent_store::{
    Begin, FenceToken, Intent, IntentKey, IntentRecord, IntentStore, Settlement, Stage, StoreError,
};
use super::mutants::{self, Mutant};
use super::outcome::{Outcome, ResolveError, Unresolved, code_of};
use super::policy::{Backoff, ResolvePolicy};
use super::procedure::{Step, cancel_once, read_once};
use super::resolvable::{InquiryRule, Resolvable, carried, key_values};
use super::settles::Settles;
use crate::{Client, Error};

/// How `resume` settles one endpoint's intent: monomorphised per registered endpoint.
pub(super) type Drive<S> = for<'a> fn(
    &'a Resolver<S>,
    FenceToken,
    IntentRecord,
) -> Pin<Box<dyn Future<Output = Settlement> + Send + 'a>>;

/// Settles the unknown outcomes of calls, through an [`IntentStore`], by each endpoint's spec.
pub struct Resolver<S: IntentStore> {
    pub(super) client: Client,
    pub(super) store: Arc<S>,
    pub(super) policy: ResolvePolicy,
    /// The endpoints `resume` can settle, by spec name (`register`, in `resume.rs`).
    pub(super) resumers: HashMap<&'static str, Drive<S>>,
}

impl<S: IntentStore> std::fmt::Debug for Resolver<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Resolver")
            .field("client", &self.client)
            .field("policy", &self.policy)
            .field("endpoints", &self.resumers.keys().collect::<Vec<_>>())
            .finish_non_exhaustive()
    }
}

impl<S: IntentStore> Resolver<S> {
    /// A resolver sending with `client` and keeping intents in `store`, with the default
    /// [`ResolvePolicy`]. Register the endpoints it may resume with [`register`](Self::register).
    pub fn new(client: Client, store: S) -> Self {
        let resolver = Self {
            client,
            store: Arc::new(store),
            policy: ResolvePolicy::default(),
            resumers: HashMap::new(),
        };
        resolver.check_lease();
        resolver
    }

    /// Replaces the policy.
    pub fn policy(mut self, policy: ResolvePolicy) -> Self {
        self.policy = policy;
        self.check_lease();
        self
    }

    /// Warns when the store's lease could run out within one step (a call and a wait): another
    /// resolver could then take a call over while this one still works on it.
    fn check_lease(&self) {
        let longest_step = self.client.timeout() + self.policy.max_backoff;
        if self.store.lease() <= longest_step {
            tracing::warn!(
                lease = ?self.store.lease(),
                ?longest_step,
                "the intent store's lease is shorter than one call and one wait: another resolver could take a call over while this one still works on it"
            );
        }
    }

    /// The store, for reading intents and for the webhook handler's settlements.
    pub fn store(&self) -> &S {
        &self.store
    }

    /// Sends `request` and settles its outcome: the intent is written first, and the call is
    /// then read (or re-sent) until it is final, and cancelled at the deadline. An earlier call
    /// with the same idempotency key is not sent again: its outcome is returned (or resumed).
    pub async fn execute<E: Resolvable>(
        &self,
        request: &E,
    ) -> Result<Outcome<E>, ResolveError<E::Code>> {
        let signed = self
            .client
            .prepare(request)
            .map_err(ResolveError::NotSent)?;
        let intent = self.intent_of(request)?;
        let mut waits = Backoff::new(&self.policy);
        let mut sent_early = None;
        if mutants::active(Mutant::WriteAfterSend) {
            sent_early = Some(self.client.send::<E>(&signed).await);
        }
        loop {
            match self
                .store
                .begin(&intent)
                .await
                .map_err(ResolveError::Store)?
            {
                Begin::New(token) => {
                    let first = match sent_early.take() {
                        Some(first) => first,
                        None => self.client.send::<E>(&signed).await,
                    };
                    return Ok(self
                        .drive(&intent, token, Stage::Pending, Some(first))
                        .await);
                }
                Begin::Resumed(token, record) => {
                    if !same_json(&record.intent.request, &intent.request) {
                        self.release(&intent.key, token).await;
                        return Err(ResolveError::Conflict);
                    }
                    return Ok(self.drive(&record.intent, token, record.stage, None).await);
                }
                Begin::Settled(settlement) => {
                    // The same key with another request is another call, not this one's answer.
                    let stored =
                        (self.store.get(&intent.key).await).map_err(ResolveError::Store)?;
                    if stored.is_some_and(|r| !same_json(&r.intent.request, &intent.request)) {
                        return Err(ResolveError::Conflict);
                    }
                    return Ok(Outcome::from_settlement(&intent.key, &settlement));
                }
                // Another resolver works on the same call: wait for it to settle it, or for
                // its hold to run out (then `begin` hands it over).
                Begin::Held => tokio::time::sleep(waits.wait()).await,
            }
        }
    }

    /// Settles the intent of the `E` call whose idempotency key fields hold `key_values` from
    /// a notification AlipayHK sent about it (`notifyPayment`), whatever its resolver is doing
    /// short of cancelling it: `S` settles it as done, `F` as failed; `U` says nothing final.
    /// `Ok(false)` when there is no such unsettled intent, or it is being cancelled (the
    /// cancel, which reverses a payment made meanwhile, says how it ended). Prefer
    /// [`settle_from`](Self::settle_from), which reads the key and result from the spec.
    pub async fn settle_from_notification<E: Resolvable>(
        &self,
        key_values: &[&str],
        result: &crate::ResultInfo,
        notification: Value,
    ) -> Result<bool, StoreError> {
        let key = IntentKey::new(self.client.client_id(), E::NAME, key_values);
        let outcome: Outcome<E> = match result.result_status {
            crate::ResultStatus::Success => {
                Outcome::Done(super::outcome::Evidence::Notified(notification))
            }
            crate::ResultStatus::Failure => Outcome::Failed {
                code: code_of(result),
                result: result.clone(),
            },
            _ => return Ok(false),
        };
        self.store
            .settle_from_notification(&key, &outcome.settlement())
            .await
    }

    /// Settles the pending intent of the call `notification` is about, as its spec's
    /// `settles:` records it (`notifyPayment` settles `pay`): the key and the result are read
    /// from the notification, so the handler names nothing. `Ok(false)` when there is no such
    /// unsettled intent, it is being cancelled, or the notification says nothing final (`U`,
    /// or no result).
    pub async fn settle_from<N: Settles>(&self, notification: &N) -> Result<bool, StoreError> {
        if mutants::active(Mutant::NotificationIgnored) {
            return Ok(false);
        }
        let json = serde_json::to_value(notification).unwrap_or_default();
        let Some(result) = json
            .get(N::OUTCOME)
            .and_then(|r| serde_json::from_value::<crate::ResultInfo>(r.clone()).ok())
        else {
            return Ok(false);
        };
        let values = key_values(&json, N::KEY);
        let values: Vec<&str> = values.iter().map(String::as_str).collect();
        self.settle_from_notification::<N::Call>(&values, &result, json)
            .await
    }

    /// The intent of `request`: its key from the endpoint's idempotency key, its deadline
    /// from the policy.
    fn intent_of<E: Resolvable>(&self, request: &E) -> Result<Intent, ResolveError<E::Code>> {
        let json = serde_json::to_value(request)
            .map_err(|e| ResolveError::NotSent(Error::Build(Box::new(e))))?;
        // The inquiry and the cancel are built from the request: a request they cannot be
        // built from could never be settled, so it is not sent.
        let build = |e: serde_json::Error, what: &str| {
            let message = format!(
                "{}'s {what} cannot be built from this request: {e}",
                E::NAME
            );
            ResolveError::NotSent(Error::Build(message.into()))
        };
        if !matches!(E::RESOLUTION.inquiry, InquiryRule::Resend) {
            carried::<E::Inquiry>(&json, &E::RESOLUTION).map_err(|e| build(e, "inquiry"))?;
        }
        if E::RESOLUTION.cancels {
            carried::<E::Cancel>(&json, &E::RESOLUTION).map_err(|e| build(e, "cancel"))?;
        }
        // An idempotent call is named by its key, so the same call again finds its intent; any
        // other (`switchStatus`) is a new call each time, named by a fresh id.
        let values = match E::IDEMPOTENCY.map(|i| i.key).filter(|k| !k.is_empty()) {
            Some(fields) => key_values(&json, fields),
            None => vec![crate::head_body::new_message_id()],
        };
        let values: Vec<&str> = values.iter().map(String::as_str).collect();
        let key = IntentKey::new(self.client.client_id(), E::NAME, &values);
        let deadline = SystemTime::now() + self.policy.deadline;
        Ok(Intent {
            key,
            endpoint: E::NAME.to_owned(),
            request: serde_json::to_vec(&json).unwrap_or_default(),
            deadline_ms: epoch_millis(deadline),
        })
    }

    /// Runs the procedure on an intent held under `token`, from `stage`; `first` is the
    /// answer to the call just sent, if this resolver sent it.
    pub(super) async fn drive<E: Resolvable>(
        &self,
        intent: &Intent,
        token: FenceToken,
        mut stage: Stage,
        first: Option<Result<E::Answer, Error<E::Code>>>,
    ) -> Outcome<E> {
        let key = &intent.key;
        let request: Value = match serde_json::from_slice(&intent.request) {
            Ok(request) => request,
            Err(e) => {
                let reason = format!("the stored request is unreadable: {e}");
                return self.finish(key, token, unresolved::<E>(key, reason)).await;
            }
        };
        let deadline = UNIX_EPOCH + Duration::from_millis(intent.deadline_ms);
        // The cancel is tried for a whole window from when this resolver starts cancelling:
        // a resumer that takes a call over long after its deadline (the process was down)
        // still cancels it, rather than giving up before its first try.
        let window = self.policy.cancel_window;
        let mut give_up = match stage {
            Stage::Pending => deadline + window,
            Stage::Cancelling => SystemTime::now().max(deadline) + window,
        };
        let mut waits = Backoff::new(&self.policy);
        let mut last = String::from("no answer yet");
        // Whether the call may be at AlipayHK. For a call taken over from another resolver,
        // nobody here knows, so it may; for this resolver's own, its answers tell. One that
        // never got there (no connection, ever) needs no cancel at the deadline.
        let mut may_have_arrived = first.is_none();
        if let Some(answer) = first {
            match super::procedure::answer_step::<E>(answer) {
                Step::Settled(outcome) => return self.finish(key, token, outcome).await,
                Step::Continue(note) => (last, may_have_arrived) = (note, true),
                Step::Quiet(note) => last = note,
            }
        }
        // Every call below is made under a hold the store has just confirmed: the one taken to
        // start (by `begin` or a claim), then a renewal before each step.
        let mut confirmed = true;
        loop {
            let now = SystemTime::now();
            if stage == Stage::Pending && now >= deadline && confirmed {
                // One last read before giving up on the call: a resumer that arrives after the
                // deadline, or a payment that completed during the last wait, is settled by
                // what happened, not cancelled.
                match read_once::<E>(&self.client, &request, false).await {
                    Step::Settled(outcome) => return self.finish(key, token, outcome).await,
                    Step::Continue(note) => (last, may_have_arrived) = (note, true),
                    Step::Quiet(_) => {}
                }
                if !may_have_arrived {
                    return self.never_arrived(key, token, &last).await;
                }
                if !E::RESOLUTION.cancels || mutants::active(Mutant::NoCancel) {
                    let reason = format!(
                        "the deadline passed and {} cannot be cancelled; last: {last}",
                        E::NAME
                    );
                    return self.finish(key, token, unresolved::<E>(key, reason)).await;
                }
                match self.store.advance(key, token, Stage::Cancelling).await {
                    Ok(()) => {
                        stage = Stage::Cancelling;
                        give_up = SystemTime::now().max(deadline) + window;
                    }
                    Err(StoreError::Superseded { .. }) => return self.handed_over(key).await,
                    // Not recorded, no cancel: a notification could then settle the intent as
                    // paid while the cancel reverses the payment. Tried again after a wait.
                    Err(error) => {
                        last = format!("the store could not record the cancel's start: {error}");
                    }
                }
            }
            let end = match stage {
                Stage::Pending => deadline + window,
                Stage::Cancelling => give_up,
            };
            if now >= end {
                let reason = match stage {
                    Stage::Pending => format!(
                        "the deadline passed and the cancel could not start (the store did not confirm the hold or record the cancel); last: {last}"
                    ),
                    Stage::Cancelling => format!(
                        "the cancel was not confirmed within {window:?} of its first try; last: {last}"
                    ),
                };
                return self.finish(key, token, unresolved::<E>(key, reason)).await;
            }
            let until = if stage == Stage::Pending && now < deadline {
                deadline
            } else {
                end
            };
            let wait = waits
                .wait()
                .min(until.duration_since(now).unwrap_or_default());
            tokio::time::sleep(wait).await;
            match self.store.renew(key, token).await {
                Ok(()) => confirmed = true,
                Err(error @ StoreError::Superseded { .. }) => {
                    tracing::info!(endpoint = E::NAME, %error, "lost the hold on an intent");
                    return self.handed_over(key).await;
                }
                // The store did not answer: the hold may still be this resolver's, but acting
                // on it unconfirmed could overlap another resolver that took it over. Nothing
                // is read, sent or cancelled until a renewal succeeds; the deadline still holds.
                Err(error) => {
                    tracing::warn!(endpoint = E::NAME, %error, "the intent's hold could not be renewed; waiting");
                    last = format!("the store could not renew the hold: {error}");
                    confirmed = false;
                    continue;
                }
            }
            if stage == Stage::Pending && SystemTime::now() >= deadline {
                // Past the deadline, nothing is sent again: the loop's top reads once more,
                // under this renewal, and starts the cancel.
                continue;
            }
            let step = match stage {
                Stage::Pending => read_once::<E>(&self.client, &request, true).await,
                Stage::Cancelling => cancel_once::<E>(&self.client, &request).await,
            };
            match step {
                Step::Settled(outcome) => return self.finish(key, token, outcome).await,
                Step::Continue(note) => (last, may_have_arrived) = (note, true),
                Step::Quiet(note) => last = note,
            }
        }
    }

    /// Settles a call none of whose copies reached AlipayHK (every connection refused) as
    /// cancelled: it did not happen, and once settled nothing sends it. Not "may have
    /// happened". When the store cannot record that, a `resume` could still send it, so the
    /// caller is told so, not that it never will.
    async fn never_arrived<E: Resolvable>(
        &self,
        key: &IntentKey,
        token: FenceToken,
        last: &str,
    ) -> Outcome<E> {
        tracing::info!(endpoint = E::NAME, %last, "the deadline passed and the call never reached AlipayHK");
        match self.store.settle(key, token, &Settlement::Cancelled).await {
            Ok(()) => Outcome::Cancelled,
            Err(StoreError::Superseded { .. }) => self.finish(key, token, Outcome::Cancelled).await,
            Err(error) => {
                let reason = format!(
                    "it never reached AlipayHK ({last}), but the store could not record that ({error}): a resume may still send it"
                );
                self.finish(key, token, unresolved::<E>(key, reason)).await
            }
        }
    }

    /// Records `outcome` under `token` and returns it. When the hold was lost meanwhile (a
    /// notification settled it, or another resolver took it over), the stored settlement wins,
    /// and when there is none yet, what the new holder settles: it may be cancelling a payment
    /// this resolver saw paid, and the cancel reverses it. A store that fails leaves the
    /// intent to the next `resume`, which reads the same outcome again.
    pub(super) async fn finish<E: Resolvable>(
        &self,
        key: &IntentKey,
        token: FenceToken,
        outcome: Outcome<E>,
    ) -> Outcome<E> {
        if let Outcome::Unresolved(unresolved) = &outcome {
            tracing::error!(
                endpoint = E::NAME,
                intent = key.as_str(),
                reason = %unresolved.reason,
                "UNRESOLVED: the outcome of this call is not known; look it up with AlipayHK before acting on it"
            );
        }
        match self.store.settle(key, token, &outcome.settlement()).await {
            Ok(()) => outcome,
            Err(StoreError::Superseded { .. }) => match self.store.get(key).await {
                Ok(Some(IntentRecord {
                    settlement: Some(settlement),
                    ..
                })) => Outcome::from_settlement(key, &settlement),
                _ => self.handed_over(key).await,
            },
            Err(error) => {
                tracing::warn!(endpoint = E::NAME, %error, "the outcome could not be recorded; the next resume reads it again");
                outcome
            }
        }
    }

    /// The outcome of an intent this resolver no longer holds: whoever holds it settles it.
    async fn handed_over<E: Resolvable>(&self, key: &IntentKey) -> Outcome<E> {
        let mut waits = Backoff::new(&self.policy);
        // A store may hold forever (`Duration::MAX`): patience is capped at a day.
        let patience = (self.policy.deadline)
            .saturating_add(self.policy.cancel_window)
            .saturating_add(self.store.lease())
            .min(Duration::from_secs(24 * 3600));
        let patience = SystemTime::now() + patience;
        while SystemTime::now() < patience {
            if let Ok(Some(record)) = self.store.get(key).await
                && let Some(settlement) = record.settlement
            {
                return Outcome::from_settlement(key, &settlement);
            }
            tokio::time::sleep(waits.wait()).await;
        }
        Outcome::Unresolved(Unresolved {
            key: key.clone(),
            endpoint: E::NAME,
            reason: "another resolver took this call over and has not settled it".into(),
        })
    }

    pub(super) async fn release(&self, key: &IntentKey, token: FenceToken) {
        if let Err(error) = self.store.release(key, token).await {
            tracing::warn!(%error, intent = key.as_str(), "could not release an intent");
        }
    }
}

fn unresolved<E: Resolvable>(key: &IntentKey, reason: String) -> Outcome<E> {
    Outcome::Unresolved(Unresolved {
        key: key.clone(),
        endpoint: E::NAME,
        reason,
    })
}

/// Whether two JSON texts hold the same value (key order and spacing aside).
fn same_json(a: &[u8], b: &[u8]) -> bool {
    match (
        serde_json::from_slice::<Value>(a),
        serde_json::from_slice::<Value>(b),
    ) {
        (Ok(a), Ok(b)) => a == b,
        _ => a == b,
    }
}

pub(super) fn epoch_millis(time: SystemTime) -> u64 {
    time.duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64)
}
