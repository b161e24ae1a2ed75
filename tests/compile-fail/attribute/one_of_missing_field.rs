/// The answer.
#[alipayhk::response]
pub struct XResponse {
    /// The outcome.
    pub result: alipayhk::runtime::ResultInfo,
}

/// A request.
#[alipayhk::endpoint(path = "/api/x", response = XResponse, result_codes(SUCCESS(S, "ok")))]
#[alipayhk(exactly_one_of(user_id, opn_id))]
pub struct XRequest {
    /// The user.
    pub user_id: Option<String>,
    /// The user, for this merchant.
    pub open_id: Option<String>,
}
fn main() {}
