//! What the spec says about settling one endpoint's unknown outcome: implemented by generated
//! code ([`Resolvable`]), read by the resolver. Nothing about any one endpoint is written here.

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::{Endpoint, ResultInfo, ResultStatus};

/// How an unknown outcome of an endpoint is settled, as its spec records it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Resolution {
    /// Request fields (wire names) carried, with their values, into the inquiry and the
    /// cancel: the idempotency key and what identifies the caller, such as `paymentRequestId`.
    pub carry: &'static [&'static str],
    /// Fields carried under another name, as `(the inquiry's or cancel's field, the call's
    /// field)`: `templateDetail`'s `merchantId` is `switchStatus`'s `merchantAccountId`.
    pub carry_renamed: &'static [(&'static str, &'static str)],
    /// How the outcome is read.
    pub inquiry: InquiryRule,
    /// Whether [`Resolvable::Cancel`] ends the call when the deadline passes; without it, the
    /// call is left to the merchant (a refund cannot be un-asked).
    pub cancels: bool,
}

/// How the outcome of a call is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InquiryRule {
    /// Re-sending the same (idempotent) request answers it: its result is the outcome.
    Resend,
    /// Another endpoint ([`Resolvable::Inquiry`]) reads it.
    Inquire {
        /// The inquiry response's field holding the call's own result (`paymentResult`); the
        /// inquiry's result object itself when `None`. `S` done, `F` failed, `U` or absent
        /// still processing.
        outcome_field: Option<&'static str>,
        /// Inquiry result codes meaning the call never arrived (`ORDER_NOT_EXIST`).
        not_found: &'static [&'static str],
    },
    /// Another endpoint reads the state the call sets (`templateDetail` for `switchStatus`):
    /// the call is done when the inquiry answers `field` equal to the call's field `equals`;
    /// otherwise it has not taken effect, and is sent again.
    Reached {
        /// The inquiry response's field (`status`).
        field: &'static str,
        /// The call's request field it must equal (`status`).
        equals: &'static str,
    },
}

/// An endpoint whose unknown outcome the resolver settles: implemented by generated code for
/// the endpoints whose spec has a `resolution`.
pub trait Resolvable:
    Endpoint<Response = Self::Answer, ResultCode = Self::Code>
    + DeserializeOwned
    + Clone
    + Send
    + Sync
    + 'static
{
    /// The response (`Endpoint::Response`), which the resolver stores.
    type Answer: Serialize + DeserializeOwned + std::fmt::Debug + Send + Sync;
    /// The result codes (`Endpoint::ResultCode`).
    type Code: crate::ResultCode + Send + Sync;
    /// How.
    const RESOLUTION: Resolution;
    /// The endpoint that reads the outcome (`Self` when re-sending does).
    type Inquiry: Endpoint<Response = Self::InquiryAnswer> + DeserializeOwned + Send + Sync;
    /// Its response, which the resolver stores.
    type InquiryAnswer: Serialize + DeserializeOwned + std::fmt::Debug + Send + Sync;
    /// The endpoint that ends the call at the deadline (`Self`, unused, when none does).
    type Cancel: Endpoint + DeserializeOwned + Send + Sync;
}

#[cfg_attr(not(feature = "client"), allow(dead_code))]
/// The request `T` built from the fields `resolution` carries out of `from`: the inquiry or
/// the cancel of a call.
pub(crate) fn carried<T: DeserializeOwned>(
    from: &Value,
    resolution: &Resolution,
) -> Result<T, serde_json::Error> {
    let same = resolution.carry.iter().map(|field| (*field, *field));
    let picked: serde_json::Map<String, Value> = same
        .chain(resolution.carry_renamed.iter().copied())
        .filter_map(|(to, field)| Some((to.to_owned(), from.get(field)?.clone())))
        .collect();
    serde_json::from_value(Value::Object(picked))
}

#[cfg_attr(not(feature = "client"), allow(dead_code))]
/// Whether an inquiry's answer (`answer`, as JSON) shows the state the call (`request`) sets.
pub(crate) fn reached(answer: &Value, field: &str, request: &Value, equals: &str) -> bool {
    match (answer.get(field), request.get(equals)) {
        (Some(now), Some(wanted)) => !now.is_null() && now == wanted,
        _ => false,
    }
}

#[cfg_attr(not(feature = "client"), allow(dead_code))]
/// What an inquiry's answer says about the call.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Reading {
    /// It happened.
    Done,
    /// It did not happen, with the result that says so.
    Failed(ResultInfo),
    /// Not final yet.
    Processing,
}

#[cfg_attr(not(feature = "client"), allow(dead_code))]
/// Reads the call's own result from an inquiry's `S` answer (`answer`, as JSON).
pub(crate) fn read_outcome(answer: &Value, outcome_field: Option<&str>) -> Reading {
    let result = match outcome_field {
        Some(field) => answer.get(field),
        None => answer.get("result").or_else(|| answer.get("resultInfo")),
    };
    let Some(result) = result.and_then(|r| serde_json::from_value::<ResultInfo>(r.clone()).ok())
    else {
        return Reading::Processing;
    };
    match result.result_status {
        ResultStatus::Success => Reading::Done,
        ResultStatus::Failure => Reading::Failed(result),
        ResultStatus::Unknown | ResultStatus::Unrecognized(_) => Reading::Processing,
    }
}

#[cfg_attr(not(feature = "client"), allow(dead_code))]
/// The idempotency key values of a request, as text, in the spec's order.
pub(crate) fn key_values(request: &Value, key: &[&str]) -> Vec<String> {
    key.iter()
        .map(|field| match request.get(*field) {
            Some(Value::String(text)) => text.clone(),
            Some(other) => other.to_string(),
            None => String::new(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_outcome_is_read_from_the_named_field_or_the_result() {
        let paid = json!({"result": {"resultStatus": "S", "resultCode": "SUCCESS"},
            "paymentResult": {"resultStatus": "S", "resultCode": "SUCCESS"}});
        assert_eq!(read_outcome(&paid, Some("paymentResult")), Reading::Done);
        let processing = json!({"result": {"resultStatus": "S", "resultCode": "SUCCESS"},
            "paymentResult": {"resultStatus": "U", "resultCode": "PAYMENT_IN_PROCESS"}});
        assert_eq!(
            read_outcome(&processing, Some("paymentResult")),
            Reading::Processing
        );
        let absent = json!({"result": {"resultStatus": "S", "resultCode": "SUCCESS"}});
        assert_eq!(
            read_outcome(&absent, Some("paymentResult")),
            Reading::Processing
        );
        let failed = json!({"resultInfo": {"resultStatus": "F", "resultCode": "NO"}});
        assert!(matches!(read_outcome(&failed, None), Reading::Failed(r) if r.result_code == "NO"));
    }

    #[test]
    fn carried_fields_keep_their_values_and_drop_the_rest() {
        #[derive(serde::Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct Inquiry {
            payment_request_id: String,
            psp_id: String,
        }
        let pay = json!({"paymentRequestId": "P1", "merchant": "ALIPAYHK", "amount": 5});
        let resolution = Resolution {
            carry: &["paymentRequestId"],
            carry_renamed: &[("pspId", "merchant")],
            inquiry: InquiryRule::Resend,
            cancels: false,
        };
        let inquiry: Inquiry = carried(&pay, &resolution).unwrap();
        assert_eq!(
            (inquiry.payment_request_id.as_str(), inquiry.psp_id.as_str()),
            ("P1", "ALIPAYHK")
        );
        assert_eq!(
            key_values(&pay, &["paymentRequestId", "amount"]),
            ["P1", "5"]
        );
    }

    #[test]
    fn a_state_is_reached_only_when_both_sides_hold_the_same_value() {
        let call = json!({"templateCode": "T1", "status": "paused"});
        let paused = json!({"status": "paused"});
        let valid = json!({"status": "valid"});
        assert!(reached(&paused, "status", &call, "status"));
        assert!(!reached(&valid, "status", &call, "status"));
        assert!(!reached(&json!({}), "status", &call, "status"));
        assert!(!reached(
            &json!({"status": null}),
            "status",
            &json!({"status": null}),
            "status"
        ));
    }
}
