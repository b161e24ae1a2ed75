//! Scripted faults: what a test wants the gateway to do wrong, for which pass, how often.
//!
//! Forced results are applied by the behaviour, instead of the operation (`result`) or after it
//! (`after`); `processing` by pay's own behaviour, which then leaves the payment in process for
//! a while; transport faults by a layer outside the signature middleware (`fault_layer.rs`),
//! so they act on the signed response exactly as a broken network or a tampering proxy would.

use std::collections::HashMap;
use std::sync::Mutex;

use serde::Deserialize;

/// One thing to do wrong.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Fault {
    /// Answer this result instead of running the behaviour.
    Result {
        /// `resultCode`.
        code: String,
        /// `S`, `F` or `U`.
        status: String,
        /// `resultMessage`.
        #[serde(default)]
        message: Option<String>,
    },
    /// Perform the operation, then answer this result instead of its own: what costs money
    /// at AlipayHK, where the card was issued or the points credited and the answer said
    /// `U` (or was an `F` that was not true).
    After {
        /// `resultCode`.
        code: String,
        /// `S`, `F` or `U`.
        status: String,
        /// `resultMessage`.
        #[serde(default)]
        message: Option<String>,
    },
    /// Wait this long before answering (past the client's timeout, to test unknown outcomes).
    Delay {
        /// Milliseconds.
        millis: u64,
    },
    /// Send the response headers, then fail the connection instead of sending the body.
    Drop,
    /// Alter one character of the response signature (the `Signature` header's, or a v1
    /// envelope's `signature`).
    CorruptSignature,
    /// Send the response without `Signature` and `Response-Time` (a v1 envelope without its
    /// `signature`).
    OmitSignature,
    /// Send only the first half of the signed body.
    Truncate,
    /// pay only: take the payment code, but leave the payment in process for this long,
    /// answering `U` `PAYMENT_IN_PROCESS` (AlipayHK's case of a payment the user must still
    /// confirm); it becomes paid when the time has passed, unless it was cancelled first.
    Processing {
        /// Milliseconds.
        millis: u64,
    },
}

/// Where a fault is applied: each place takes only its own kind, so one place never uses up
/// (or discards) a fault another was scripted for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Stage {
    /// By `serve`, instead of or after the behaviour (`result`, `after`).
    Answer,
    /// By pay's behaviour, when it makes a new payment (`processing`).
    Payment,
    /// By the transport layer, on the signed answer (`delay`, `drop`, …).
    Transport,
}

impl Fault {
    /// Where it is applied.
    fn stage(&self) -> Stage {
        match self {
            Self::Result { .. } | Self::After { .. } => Stage::Answer,
            Self::Processing { .. } => Stage::Payment,
            Self::Delay { .. }
            | Self::Drop
            | Self::CorruptSignature
            | Self::OmitSignature
            | Self::Truncate => Stage::Transport,
        }
    }
}

/// A fault and how many more requests it applies to (`None`: every request).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Scripted {
    /// What to do.
    #[serde(flatten)]
    pub fault: Fault,
    /// For how many requests; absent means for all.
    #[serde(default)]
    pub times: Option<u32>,
}

/// Faults by pass id; the key `*` applies to every request.
#[derive(Debug, Default)]
pub struct FaultBook {
    scripts: Mutex<HashMap<String, Vec<Scripted>>>,
}

impl FaultBook {
    /// Adds a fault for requests keyed `key` (see [`FAULT_KEYS`]), or for every request (`*`).
    pub fn script(&self, key: &str, fault: Fault, times: Option<u32>) {
        self.lock()
            .entry(key.to_owned())
            .or_default()
            .push(Scripted { fault, times });
    }

    /// Every fault still to apply, by key, in key order.
    pub fn scripted(&self) -> Vec<(String, Scripted)> {
        let mut all: Vec<(String, Scripted)> = self
            .lock()
            .iter()
            .flat_map(|(key, list)| list.iter().map(move |s| (key.clone(), s.clone())))
            .collect();
        all.sort_by(|a, b| a.0.cmp(&b.0));
        all
    }

    /// Removes every fault.
    pub fn clear(&self) {
        self.lock().clear();
    }

    /// Takes (counting one use of each) the faults applied at `stage` that apply to `key`.
    pub(crate) fn take(&self, key: Option<&str>, stage: Stage) -> Vec<Fault> {
        let mut scripts = self.lock();
        let mut taken = Vec::new();
        for key in ["*"].into_iter().chain(key) {
            let Some(list) = scripts.get_mut(key) else {
                continue;
            };
            for scripted in list.iter_mut().filter(|s| s.fault.stage() == stage) {
                if scripted.times != Some(0) {
                    taken.push(scripted.fault.clone());
                    scripted.times = scripted.times.map(|n| n - 1);
                }
            }
            list.retain(|s| s.times != Some(0));
        }
        taken
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Vec<Scripted>>> {
        // A panic elsewhere cannot leave the map half-updated: every change is one call.
        self.scripts
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// The request fields a fault can be scripted for, in the order they are looked for: the
/// first one a plain JSON body has is its key. Encrypted bodies have none to read: keyed
/// faults then do not apply, but `*` faults do.
pub const FAULT_KEYS: &[&str] = &[
    "passId",
    "bizSerialId",
    "merchantBizNo",
    "templateId",
    "requestId",
    "templateCode",
    "authCode",
    "refreshToken",
    "bizNo",
    "batchNo",
    "accessToken",
    "refundRequestId",
    "paymentRequestId",
    "codeValue",
    "ipayTradeNo",
    "merchantRefundId",
    "merchantTransId",
    "acquirementId",
    "merchantAgreementId",
];

/// The value a fault is keyed by: the first of [`FAULT_KEYS`] the body carries; in a v1
/// envelope (`{"request":{"head":…,"body":{…}},…}`), the first its `body` carries.
pub(crate) fn fault_key(body: &[u8]) -> Option<String> {
    let value: serde_json::Value = serde_json::from_slice(body).ok()?;
    let fields = value
        .pointer("/request/body")
        .filter(|_| value.pointer("/request/head").is_some())
        .unwrap_or(&value);
    FAULT_KEYS
        .iter()
        .find_map(|field| fields.get(*field)?.as_str().map(str::to_owned))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_faults_file_reads_kind_fields_and_times() {
        let scripts: HashMap<String, Vec<Scripted>> = serde_json::from_str(
            r#"{"P-1": [{"kind": "result", "code": "SYSTEM_ERROR", "status": "U", "times": 1}, {"kind": "delay", "millis": 5}]}"#,
        )
        .unwrap();
        assert_eq!(
            scripts["P-1"],
            vec![
                Scripted {
                    fault: Fault::Result {
                        code: "SYSTEM_ERROR".into(),
                        status: "U".into(),
                        message: None
                    },
                    times: Some(1)
                },
                Scripted {
                    fault: Fault::Delay { millis: 5 },
                    times: None
                },
            ]
        );
    }

    #[test]
    fn a_v1_request_is_keyed_by_its_body() {
        let envelope = br#"{"request":{"head":{"function":"f"},"body":{"merchantRefundId":"R-1"}},"signature":"x"}"#;
        assert_eq!(fault_key(envelope).as_deref(), Some("R-1"));
        assert_eq!(fault_key(br#"{"bizNo":"B-1"}"#).as_deref(), Some("B-1"));
    }

    #[test]
    fn a_fault_counts_down_and_is_removed() {
        let book = FaultBook::default();
        book.script("P", Fault::OmitSignature, Some(2));
        book.script("*", Fault::Truncate, None);
        assert_eq!(
            book.take(Some("P"), Stage::Transport),
            vec![Fault::Truncate, Fault::OmitSignature]
        );
        assert_eq!(
            book.take(Some("P"), Stage::Transport),
            vec![Fault::Truncate, Fault::OmitSignature]
        );
        assert_eq!(
            book.take(Some("P"), Stage::Transport),
            vec![Fault::Truncate]
        );
        assert_eq!(book.take(Some("Q"), Stage::Answer), vec![]);
    }

    #[test]
    fn a_processing_fault_is_taken_only_by_the_payment_stage() {
        let book = FaultBook::default();
        let processing: Scripted =
            serde_json::from_str(r#"{"kind": "processing", "millis": 250, "times": 1}"#).unwrap();
        assert_eq!(processing.fault, Fault::Processing { millis: 250 });
        book.script("PAY-1", processing.fault, processing.times);
        assert_eq!(book.take(Some("PAY-1"), Stage::Answer), vec![]);
        assert_eq!(book.take(Some("PAY-1"), Stage::Transport), vec![]);
        assert_eq!(
            book.take(Some("PAY-1"), Stage::Payment),
            vec![Fault::Processing { millis: 250 }]
        );
        assert_eq!(book.take(Some("PAY-1"), Stage::Payment), vec![]);
    }
}
