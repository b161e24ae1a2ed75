//! What the gateway does with requests that verified and validated: passes in memory.

use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use alipayhk::runtime::server::failure;
use alipayhk::{
    EpochMillis, ResultInfo, ResultStatus, UpdatePassRequest, UpdatePassResponse, UpdatePassStatus,
};

use crate::faults::{Fault, FaultBook};

/// Whether a pass can still change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PassState {
    /// Can be updated and closed.
    Active,
    /// Terminated; updates fail with `PASS_UPDATE_FAIL`.
    Closed,
}

/// A membership card as the gateway holds it.
#[derive(Debug, Clone, PartialEq)]
pub struct Pass {
    /// Active or closed.
    pub state: PassState,
    /// Placeholder values, merged from every update's `dataInfo`.
    pub data: BTreeMap<String, serde_json::Value>,
    /// Expiry, when an update set one.
    pub end_date: Option<EpochMillis>,
}

impl Pass {
    /// A new active pass.
    pub fn active() -> Self {
        Self {
            state: PassState::Active,
            data: BTreeMap::new(),
            end_date: None,
        }
    }
}

type Answer = Result<UpdatePassResponse, ResultInfo>;

/// The gateway's state: passes, faults, the last answer per pass (for idempotent re-sends)
/// and a count of the requests that arrived.
#[derive(Debug, Default)]
pub struct Gateway {
    passes: Mutex<HashMap<String, Pass>>,
    last_answers: Mutex<HashMap<String, (Vec<u8>, Answer)>>,
    faults: FaultBook,
    requests: AtomicU64,
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // Each critical section is a single insert or lookup, so a panic cannot leave it torn.
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl Gateway {
    /// A gateway holding `passes`, all active.
    pub fn with_passes<I: IntoIterator<Item = String>>(passes: I) -> Self {
        let gateway = Self::default();
        lock(&gateway.passes).extend(passes.into_iter().map(|id| (id, Pass::active())));
        gateway
    }

    /// Adds (or resets) an active pass.
    pub fn add_pass(&self, pass_id: &str) {
        lock(&self.passes).insert(pass_id.to_owned(), Pass::active());
    }

    /// A pass as it is now.
    pub fn pass(&self, pass_id: &str) -> Option<Pass> {
        lock(&self.passes).get(pass_id).cloned()
    }

    /// The faults to apply.
    pub fn faults(&self) -> &FaultBook {
        &self.faults
    }

    /// How many HTTP requests have arrived, valid or not.
    pub fn requests_seen(&self) -> u64 {
        self.requests.load(Ordering::Relaxed)
    }

    pub(crate) fn count_request(&self) {
        self.requests.fetch_add(1, Ordering::Relaxed);
    }

    fn update(&self, request: &UpdatePassRequest) -> Answer {
        let mut passes = lock(&self.passes);
        let Some(pass) = passes.get_mut(&request.pass_id) else {
            return Err(failure(
                "PASS_HAS_NOT_EXIST",
                format!("pass {} does not exist", request.pass_id),
            ));
        };
        if pass.state == PassState::Closed {
            return Err(failure(
                "PASS_UPDATE_FAIL",
                "only active passes can be updated",
            ));
        }
        match request.status {
            UpdatePassStatus::Closed => pass.state = PassState::Closed,
            UpdatePassStatus::Update => {
                if let Some(data) = &request.data_info {
                    pass.data
                        .extend(data.iter().map(|(k, v)| (k.clone(), v.clone())));
                }
                if request.end_date.is_some() {
                    pass.end_date = request.end_date;
                }
            }
        }
        Ok(UpdatePassResponse::new(ResultInfo::new(
            "SUCCESS",
            ResultStatus::Success,
            "Success",
        )))
    }
}

impl alipayhk::server::Api for Gateway {
    async fn update_pass(&self, request: UpdatePassRequest) -> Answer {
        if let Some(Fault::Result {
            code,
            status,
            message,
        }) = self
            .faults
            .take(Some(&request.pass_id), true)
            .into_iter()
            .next()
        {
            let info = ResultInfo::new(
                code,
                ResultStatus::from(status.as_str()),
                message.unwrap_or_default(),
            );
            return match info.result_status {
                ResultStatus::Success => Ok(UpdatePassResponse::new(info)),
                _ => Err(info),
            };
        }
        // updatePass is idempotent on its request: the same request sent again (after an
        // unknown outcome) gets the answer the first one got, and changes nothing twice.
        let key = serde_json::to_vec(&request).unwrap_or_default();
        if let Some((previous, answer)) = lock(&self.last_answers).get(&request.pass_id)
            && *previous == key
        {
            return answer.clone();
        }
        let answer = self.update(&request);
        lock(&self.last_answers).insert(request.pass_id.clone(), (key, answer.clone()));
        answer
    }
}
