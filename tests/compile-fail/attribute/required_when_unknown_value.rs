/// The answer.
#[alipayhk::response]
pub struct XResponse {
    /// The outcome.
    pub result: alipayhk::runtime::ResultInfo,
}

/// A request.
#[alipayhk::endpoint(path = "/api/x", response = XResponse, result_codes(SUCCESS(S, "ok")))]
#[alipayhk(required_when(detail, status = "OPEN"))]
pub struct XRequest {
    /// What to do.
    #[alipayhk(values(CLOSED, UPDATE))]
    pub status: XStatus,
    /// What changes.
    pub detail: Option<String>,
}
fn main() {}
