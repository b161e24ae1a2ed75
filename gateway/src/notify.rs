//! Sending the spec's notifications to a merchant's webhook as AlipayHK does, and telling
//! what the merchant's answer came to: the `notify` command, and anything else that plays
//! AlipayHK (a test, the console).

use std::time::Duration;

use alipayhk::runtime::notifications::ALIPAYHK_REDELIVERY;
use alipayhk::runtime::{
    BuildError, Client, ClientBuilder, Error, KeyRole, PrivateKey, ProtocolError, PublicKey,
    ResultInfo, ResultStatus, UnknownReason,
};
use alipayhk::webhooks::Notification;

/// What one delivery came to, from AlipayHK's side.
#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    /// The merchant answered, with a verified signature.
    Answered {
        /// `S`, `F` or `U`.
        status: ResultStatus,
        /// `resultCode`.
        code: String,
        /// `resultMessage`.
        message: Option<String>,
    },
    /// The answer carried no signature: AlipayHK cannot trust it.
    Unsigned,
    /// The answer's signature did not verify with the merchant's public key.
    BadSignature(String),
    /// Sent, but no answer was read: a timeout or a lost connection.
    NoAnswer(String),
    /// Not sent: the merchant's server could not be reached.
    NotSent(String),
    /// An answer that was not a protocol answer (an HTTP error, a body that does not parse).
    Malformed(String),
}

impl Verdict {
    /// The exit code of the `notify` command: 0 `S`, 1 `F`, 3 `U`, 4 unsigned, 5 bad
    /// signature, 6 no answer, 7 not sent, 8 malformed (2 is a usage mistake).
    pub fn exit_code(&self) -> u8 {
        match self {
            Self::Answered { status, .. } => match status {
                ResultStatus::Success => 0,
                ResultStatus::Failure => 1,
                _ => 3,
            },
            Self::Unsigned => 4,
            Self::BadSignature(_) => 5,
            Self::NoAnswer(_) => 6,
            Self::NotSent(_) => 7,
            Self::Malformed(_) => 8,
        }
    }

    /// Whether AlipayHK would stop re-delivering.
    pub fn is_final(&self) -> bool {
        matches!(
            self,
            Self::Answered {
                status: ResultStatus::Success,
                ..
            }
        )
    }

    /// The verdict on what sending returned. The client returns an answer only for `S`.
    pub fn of(sent: Result<serde_json::Value, Error>) -> Self {
        let answered = |info: &ResultInfo| Self::Answered {
            status: info.result_status.clone(),
            code: info.result_code.clone(),
            message: info.result_message.clone(),
        };
        match sent {
            Ok(body) => {
                // The result object, under whichever name the answer gives it.
                let result = body.as_object().and_then(|fields| {
                    fields
                        .values()
                        .find_map(|v| serde_json::from_value::<ResultInfo>(v.clone()).ok())
                });
                Self::Answered {
                    status: ResultStatus::Success,
                    code: result.map_or_else(|| "SUCCESS".to_owned(), |r| r.result_code),
                    message: None,
                }
            }
            Err(Error::Failed { result, .. }) => answered(&result),
            Err(Error::Unknown {
                reason: reason @ (UnknownReason::Timeout | UnknownReason::ConnectionLost),
                ..
            }) => Self::NoAnswer(reason.to_string()),
            Err(Error::Unknown {
                result: Some(result),
                ..
            }) => answered(&result),
            Err(Error::Unknown { reason, .. }) => Self::Malformed(reason.to_string()),
            Err(Error::Protocol(ProtocolError::SignatureMissing)) => Self::Unsigned,
            Err(Error::Protocol(ProtocolError::SignatureInvalid(mismatch))) => {
                Self::BadSignature(mismatch.to_string())
            }
            Err(Error::Protocol(other)) => Self::Malformed(other.to_string()),
            Err(error @ (Error::Connect(_) | Error::Build(_) | Error::Invalid(_))) => {
                Self::NotSent(error.to_string())
            }
            Err(other) => Self::Malformed(other.to_string()),
        }
    }
}

impl std::fmt::Display for Verdict {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Answered {
                status,
                code,
                message,
            } => {
                let letter = match status {
                    ResultStatus::Success => "S",
                    ResultStatus::Failure => "F",
                    _ => "U",
                };
                write!(f, "answered {letter} {code}")?;
                match message {
                    Some(message) if !message.is_empty() => write!(f, ": {message}"),
                    _ => Ok(()),
                }
            }
            Self::Unsigned => f.write_str("unsigned answer: AlipayHK would not trust it"),
            Self::BadSignature(why) => write!(f, "bad signature on the answer: {why}"),
            Self::NoAnswer(why) => write!(f, "no answer: {why}"),
            Self::NotSent(why) => write!(f, "not sent: {why}"),
            Self::Malformed(why) => write!(f, "not a protocol answer: {why}"),
        }
    }
}

/// Delivers `notification` once.
pub async fn deliver(client: &Client, notification: &Notification) -> Verdict {
    Verdict::of(notification.send(client).await)
}

/// Delivers `notification` as AlipayHK does until the merchant answers `S`: at once, then
/// after each wait of [`ALIPAYHK_REDELIVERY`] divided by `speed`, eight deliveries at most.
/// `each` sees every delivery's number (from 1) and verdict; the last verdict is returned.
pub async fn deliver_until_success(
    client: &Client,
    notification: &Notification,
    speed: f64,
    mut each: impl FnMut(usize, &Verdict),
) -> Verdict {
    let mut verdict = deliver(client, notification).await;
    each(1, &verdict);
    for (index, wait) in ALIPAYHK_REDELIVERY.iter().enumerate() {
        if verdict.is_final() {
            break;
        }
        tokio::time::sleep(wait.div_f64(speed.max(1.0))).await;
        verdict = deliver(client, notification).await;
        each(index + 2, &verdict);
    }
    verdict
}

/// How long a delivery may take before AlipayHK's side gives up on the answer.
pub const DELIVERY_TIMEOUT: Duration = Duration::from_secs(10);

/// What the gateway signs notifications with, as AlipayHK does: its own private key (kept as
/// PEM, since a client takes its key by value), the merchant's public key and client ID.
#[derive(Clone)]
pub(crate) struct NotifyKeys {
    pub(crate) platform_pem: zeroize::Zeroizing<String>,
    pub(crate) merchant_public_key: PublicKey,
    pub(crate) client_id: String,
}

impl NotifyKeys {
    /// A client that sends notifications to `webhook_base_url` the way AlipayHK does.
    pub(crate) fn client_builder(
        &self,
        webhook_base_url: &str,
    ) -> Result<ClientBuilder, BuildError> {
        let key = PrivateKey::parse(&self.platform_pem, KeyRole::PlatformPrivate)?;
        Ok(Client::builder()
            .base_url(webhook_base_url)
            .client_id(self.client_id.clone())
            .merchant_key(key)
            .platform_key(self.merchant_public_key.clone()))
    }
}

impl std::fmt::Debug for NotifyKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NotifyKeys")
            .field("platform_pem", &"<redacted>")
            .field("client_id", &self.client_id)
            .finish()
    }
}
