//! The steps of the procedure, each one call: what an answer to the call means, one read of
//! the outcome, one cancel. Each says whether the intent is settled, and if not, why, for the
//! report of a call that stays unresolved.

use serde_json::Value;

use super::mutants::{self, Mutant};
use super::outcome::{Evidence, Outcome, code_of};
use super::resolvable::{InquiryRule, Reading, Resolvable, carried, reached, read_outcome};
use crate::{Client, Error};

/// Where one step left the intent.
pub(super) enum Step<E: Resolvable> {
    /// Settled, with this outcome.
    Settled(Outcome<E>),
    /// Not yet, and the call may be at AlipayHK: a copy of it may have arrived, or a read saw
    /// it there. What the step saw.
    Continue(String),
    /// Not yet, and nothing here says the call is at AlipayHK: no copy of it left (the
    /// connection was never made), or a read failed or did not find it. What the step saw.
    Quiet(String),
}

/// What an answer to the call itself means: `S` done, `F` failed (or, with a code the spec
/// lists as "already done", done by an earlier attempt), anything else not yet known.
pub(super) fn answer_step<E: Resolvable>(answer: Result<E::Answer, Error<E::Code>>) -> Step<E> {
    match answer {
        Ok(response) => Step::Settled(Outcome::Done(Evidence::Answered(response))),
        Err(Error::Failed { code, result }) => {
            let already_done = E::IDEMPOTENCY.map_or(&[][..], |i| i.already_done);
            if already_done.contains(&result.result_code.as_str()) {
                Step::Settled(Outcome::Done(Evidence::AlreadyDone(result)))
            } else {
                Step::Settled(Outcome::Failed { code, result })
            }
        }
        Err(error) if mutants::active(Mutant::UnknownIsFailure) => {
            let result = crate::ResultInfo::new(
                "UNKNOWN_EXCEPTION",
                crate::ResultStatus::Failure,
                error.to_string(),
            );
            Step::Settled(Outcome::Failed {
                code: code_of(&result),
                result,
            })
        }
        // Refused before a byte was written (no connection): this copy never arrived.
        Err(error) if !error.outcome_unknown() => {
            Step::Quiet(format!("{}: not sent: {error}", E::NAME))
        }
        Err(error) => Step::Continue(format!("{}: {error}", E::NAME)),
    }
}

/// One read of the outcome. With `resend_missing`, a call the inquiry does not know (it never
/// arrived), or whose state it does not show, is sent again: a late first copy of an
/// idempotent call is the same call, and a call whose state is not reached has not happened.
pub(super) async fn read_once<E: Resolvable>(
    client: &Client,
    request: &Value,
    resend_missing: bool,
) -> Step<E> {
    let (outcome_field, not_found) = match E::RESOLUTION.inquiry {
        InquiryRule::Resend => return resend::<E>(client, request).await,
        InquiryRule::Reached { .. } if mutants::active(Mutant::BlindResend) => {
            return resend::<E>(client, request).await;
        }
        InquiryRule::Reached { field, equals } => {
            return read_state::<E>(client, request, (field, equals), resend_missing).await;
        }
        InquiryRule::Inquire {
            outcome_field,
            not_found,
        } => (outcome_field, not_found),
    };
    let inquiry: E::Inquiry = match carried(request, &E::RESOLUTION) {
        Ok(inquiry) => inquiry,
        Err(e) => return Step::Quiet(format!("the inquiry could not be built: {e}")),
    };
    match client.execute(&inquiry).await {
        Ok(answer) => {
            let json = serde_json::to_value(&answer).unwrap_or_default();
            match read_outcome(&json, outcome_field) {
                Reading::Done => Step::Settled(Outcome::Done(Evidence::Inquired(answer))),
                Reading::Failed(result) => Step::Settled(Outcome::Failed {
                    code: code_of(&result),
                    result,
                }),
                Reading::Processing => Step::Continue("the inquiry says: processing".into()),
            }
        }
        Err(Error::Failed { result, .. }) if not_found.contains(&result.result_code.as_str()) => {
            if resend_missing && E::IDEMPOTENCY.is_some() {
                resend::<E>(client, request).await
            } else {
                Step::Quiet(format!("the inquiry says: {}", result.result_code))
            }
        }
        Err(error) => Step::Quiet(format!("inquiry: {error}")),
    }
}

/// One read of the state the call sets (`InquiryRule::Reached`). Not reached, and with
/// `resend_missing`, the call is sent again; a refusal of that copy is read once more, since
/// the first copy may have landed in between (a second `switchStatus` to the status the first
/// set is an illegal change), and only a state still not reached makes the refusal final.
async fn read_state<E: Resolvable>(
    client: &Client,
    request: &Value,
    (field, equals): (&str, &str),
    resend_missing: bool,
) -> Step<E> {
    let read = || async {
        let inquiry: E::Inquiry = carried(request, &E::RESOLUTION)
            .map_err(|e| format!("the inquiry could not be built: {e}"))?;
        let answer = client
            .execute(&inquiry)
            .await
            .map_err(|e| format!("inquiry: {e}"))?;
        let json = serde_json::to_value(&answer).unwrap_or_default();
        Ok::<_, String>((reached(&json, field, request, equals), answer))
    };
    match read().await {
        Ok((true, answer)) => return Step::Settled(Outcome::Done(Evidence::Inquired(answer))),
        Ok((false, _)) if resend_missing => {}
        Ok((false, _)) => {
            return Step::Quiet(format!("the inquiry's {field} is not the call's"));
        }
        Err(note) => return Step::Quiet(note),
    }
    match resend::<E>(client, request).await {
        Step::Settled(Outcome::Failed { code, result }) => match read().await {
            Ok((true, answer)) => Step::Settled(Outcome::Done(Evidence::Inquired(answer))),
            Ok((false, _)) => Step::Settled(Outcome::Failed { code, result }),
            Err(note) => Step::Continue(format!(
                "the call was sent again and refused ({}), and {note}",
                result.result_code
            )),
        },
        step => step,
    }
}

/// The same call again (idempotent: the same operation), with a fresh signature.
async fn resend<E: Resolvable>(client: &Client, request: &Value) -> Step<E> {
    match serde_json::from_value::<E>(request.clone()) {
        Ok(call) => answer_step::<E>(client.execute(&call).await),
        Err(e) => Step::Quiet(format!("the stored request could not be read: {e}")),
    }
}

/// One cancel. A refused cancel is followed by one read: a call that happened and can no
/// longer be cancelled is done, one that failed is failed; otherwise the cancel is tried again.
pub(super) async fn cancel_once<E: Resolvable>(client: &Client, request: &Value) -> Step<E> {
    let cancel: E::Cancel = match carried(request, &E::RESOLUTION) {
        Ok(cancel) => cancel,
        Err(e) => return Step::Quiet(format!("the cancel could not be built: {e}")),
    };
    // The answer is taken apart in its own statement, so it is dropped before the next call.
    let refused = match client.execute(&cancel).await {
        Ok(_) => return Step::Settled(Outcome::Cancelled),
        Err(Error::Failed { result, .. }) => result,
        Err(error) => return Step::Quiet(format!("cancel: {error}")),
    };
    let why = |read: String| {
        format!(
            "the cancel was refused ({}) and {read}",
            refused.result_code
        )
    };
    match read_once::<E>(client, request, false).await {
        Step::Settled(outcome) => Step::Settled(outcome),
        Step::Continue(read) => Step::Continue(why(read)),
        Step::Quiet(read) => Step::Quiet(why(read)),
    }
}
