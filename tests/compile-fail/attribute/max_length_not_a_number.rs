/// The answer.
#[alipayhk::response]
pub struct XResponse {
    /// The outcome.
    pub result: alipayhk::runtime::ResultInfo,
}

/// A request.
#[alipayhk::endpoint(path = "/api/x", response = XResponse, result_codes(SUCCESS(S, "ok")))]
pub struct XRequest {
    /// The merchant.
    #[alipayhk(max_length = "64")]
    pub merchant_id: String,
}
fn main() {}
