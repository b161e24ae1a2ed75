/// The answer.
#[alipayhk::response]
pub struct XResponse {
    /// The outcome.
    pub result: alipayhk::runtime::ResultInfo,
}

/// A request.
#[alipayhk::endpoint(path = "/api/x", response = XResponse, result_codes(SUCCESS(S, "ok")))]
pub struct XRequest {
    /// What to do.
    #[alipayhk(values(CLOSED, UPDATE, CLOSED))]
    pub status: XStatus,
}
fn main() {}
