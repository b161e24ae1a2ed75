/// The answer.
#[alipayhk::response]
pub struct XResponse {
    /// The outcome.
    pub result: alipayhk::runtime::ResultInfo,
}

/// A request.
#[alipayhk::endpoint(path = "/api/x?version=2", response = XResponse, result_codes(SUCCESS(S, "ok")))]
pub struct XRequest {
    /// The merchant.
    pub merchant_id: String,
}
fn main() {}
