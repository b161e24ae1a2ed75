/// The answer.
#[alipayhk::response]
pub struct XResponse {
    /// The outcome.
    pub result: alipayhk::runtime::ResultInfo,
}

/// A request.
#[alipayhk::endpoint(path = "/api/x", response = XResponse, result_codes(SUCCESS(OK, "ok")))]
pub struct XRequest {
    /// The merchant.
    pub merchant_id: String,
}
fn main() {}
