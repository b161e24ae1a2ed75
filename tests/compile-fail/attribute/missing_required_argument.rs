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
    pub merchant_id: String,
    /// The card.
    pub pass_id: String,
}

fn build() -> XRequest {
    // Required fields are constructor arguments: forgetting one does not compile.
    XRequest::new("2160120000000001")
}
fn main() {}
