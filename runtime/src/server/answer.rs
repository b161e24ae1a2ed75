//! Answers: typed endpoints run behind the middleware, result-only bodies, unknown paths.

use axum::body::Body;
use axum::extract::Request;
use axum::http::HeaderValue;
use axum::response::Response;
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::Verified;
use crate::{Endpoint, ResultInfo, ResultStatus};

/// The body of a result-only answer: `{"result": {...}}`.
pub fn result_body(field: &str, result: &ResultInfo) -> Vec<u8> {
    let mut map = serde_json::Map::new();
    map.insert(
        field.to_owned(),
        serde_json::to_value(result).unwrap_or_default(),
    );
    serde_json::to_vec(&map).unwrap_or_default()
}

/// An `F` result.
pub fn failure(code: &str, message: impl Into<String>) -> ResultInfo {
    ResultInfo::new(code, ResultStatus::Failure, message)
}

/// The answer of an endpoint the server has no behaviour for.
pub fn not_implemented(endpoint: &str) -> ResultInfo {
    failure(
        "UN_SUPPORT_BUSINESS",
        format!("this server has no behaviour for {endpoint}"),
    )
}

/// A JSON response with the protocol's content type.
pub(crate) fn json(body: Vec<u8>) -> Response {
    let mut response = Response::new(Body::from(body));
    response
        .headers_mut()
        .insert("content-type", HeaderValue::from_static(crate::wire::JSON));
    response
}

/// Runs one typed endpoint on a verified request: parses the body as `E`, validates it (a
/// violation answers `PARAM_ILLEGAL` naming the fields), and answers the handler's response,
/// or its failure result under `result_field`.
pub async fn handle<E, F, Fut>(request: Verified, result_field: &str, handler: F) -> Response
where
    E: Endpoint + DeserializeOwned,
    E::Response: Serialize,
    F: FnOnce(E) -> Fut,
    Fut: std::future::Future<Output = Result<E::Response, ResultInfo>>,
{
    let request: E = match parse_body(request.body(), result_field) {
        Ok(request) => request,
        Err(answer) => return json(answer),
    };
    if let Err(invalid) = request.validate() {
        return json(result_body(
            result_field,
            &failure("PARAM_ILLEGAL", invalid.to_string()),
        ));
    }
    match handler(request).await {
        Ok(response) => json(serde_json::to_vec(&response).unwrap_or_default()),
        Err(result) => json(result_body(result_field, &result)),
    }
}

/// The body as `E`, or the body of the `PARAM_ILLEGAL` answer saying why it is not one.
fn parse_body<E: Endpoint + DeserializeOwned>(
    body: &[u8],
    result_field: &str,
) -> Result<E, Vec<u8>> {
    serde_json::from_slice(body).map_err(|e| {
        result_body(
            result_field,
            &failure("PARAM_ILLEGAL", format!("{}: {e}", E::NAME)),
        )
    })
}

/// The answer for a path no endpoint serves.
pub async fn unknown_path(request: Request) -> Response {
    let message = format!(
        "no endpoint at {} {}",
        request.method(),
        request.uri().path()
    );
    json(result_body("result", &failure("NO_INTERFACE_DEF", message)))
}
