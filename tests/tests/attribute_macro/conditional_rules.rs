//! `at_least_one_of` and `required_when` on string and boolean fields.

use alipayhk::runtime::{ResultInfo, Validate};

/// Notifies a member.
#[alipayhk::endpoint(
    path = "/api/open/v1/member/notify",
    response = NotifyMemberResponse,
    result_codes(SUCCESS(S, "Success"), SYSTEM_ERROR(U, "Re-send the same request")),
)]
#[alipayhk(at_least_one_of(mobile_no, user_email))]
#[alipayhk(required_when(reason, urgent = true))]
#[alipayhk(required_when(locale, channel = "SMS"))]
pub struct NotifyMemberRequest {
    /// Login mobile.
    pub mobile_no: Option<String>,
    /// Login email.
    pub user_email: Option<String>,
    /// Urgent.
    pub urgent: bool,
    /// Why it is urgent.
    pub reason: Option<String>,
    /// How.
    pub channel: String,
    /// Language of an SMS.
    pub locale: Option<String>,
}

/// The answer.
#[alipayhk::response]
pub struct NotifyMemberResponse {
    /// The outcome.
    pub result: ResultInfo,
}

#[test]
fn rules_hold_on_strings_and_booleans() {
    let none = NotifyMemberRequest::new(true, "SMS");
    assert_eq!(none.validate().unwrap_err().violations.len(), 3);
    let fine = NotifyMemberRequest::new(false, "EMAIL").user_email("a@example.com");
    assert!(fine.validate().is_ok());
    assert_eq!(
        NotifyMemberResultCode::from("SYSTEM_ERROR").status(),
        Some(alipayhk::ResultStatus::Unknown)
    );
}
