//! Any serde type works as a response; only the request needs the attribute.

use alipayhk::runtime::{Endpoint, HttpMethod, ResultInfo};

#[derive(Debug, alipayhk::runtime::serde::Deserialize)]
#[serde(crate = "alipayhk::runtime::serde")]
pub struct Ping {
    pub result: ResultInfo,
    #[serde(rename = "serverTime")]
    pub server_time: Option<String>,
}

/// Asks the gateway for its time.
#[alipayhk::endpoint(
    method = "POST",
    path = "/api/open/v1/ping",
    response = Ping,
    result_codes(SUCCESS(S, "Success")),
)]
pub struct PingRequest {
    /// Anything; echoed back.
    pub nonce: Option<String>,
}

fn needs_endpoint<E: Endpoint>() -> (&'static str, &'static str, HttpMethod) {
    (E::NAME, E::PATH, E::METHOD)
}

#[test]
fn a_plain_serde_type_is_the_response() {
    let (name, path, method) = needs_endpoint::<PingRequest>();
    assert_eq!((name, path), ("ping", "/api/open/v1/ping"));
    assert_eq!(method, HttpMethod::Post);
    let _ = PingRequest::new().nonce("n");

    let ping: <PingRequest as Endpoint>::Response = alipayhk::runtime::serde_json::from_str(
        r#"{"result":{"resultCode":"SUCCESS","resultStatus":"S"},"serverTime":"12:00"}"#,
    )
    .unwrap();
    assert_eq!(ping.server_time.as_deref(), Some("12:00"));
    assert_eq!(ping.result.result_code, "SUCCESS");
}
