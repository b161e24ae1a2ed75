/// The answer.
#[alipayhk::response]
pub struct XResponse {
    /// The outcome.
    pub result: alipayhk::runtime::ResultInfo,
}

/// A request.
#[alipayhk::endpoint(
    path = "/api/x",
    response = XResponse,
    result_codes(SUCCESS(S, "ok"), PARAM_ILLEGAL(F, "bad"), SUCCESS(S, "again")),
)]
pub struct XRequest {
    /// The merchant.
    pub merchant_id: String,
}
fn main() {}
