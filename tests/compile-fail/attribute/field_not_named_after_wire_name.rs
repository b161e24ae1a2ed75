/// The answer.
#[alipayhk::response]
pub struct XResponse {
    /// The outcome.
    pub result: alipayhk::runtime::ResultInfo,
}

/// A request.
#[alipayhk::endpoint(path = "/api/x", response = XResponse, result_codes(SUCCESS(S, "ok")))]
pub struct XRequest {
    /// The standard, under its misspelt wire name.
    #[alipayhk(rename = "codeStandrad")]
    pub code_standard: String,
}
fn main() {}
