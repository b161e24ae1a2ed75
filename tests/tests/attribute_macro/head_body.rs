//! A merchant's own v1 endpoint: `head_body(function = ...)` on the attribute is all it takes
//! for the client to send it as a signed envelope and for a server to verify and answer it.

use std::sync::Arc;

use alipayhk::runtime::head_body::{Direction, Received};
use alipayhk::runtime::server::axum::{self, routing};
use alipayhk::runtime::server::{self, HeadBodyRoutes, ServerConfig, Verified};
use alipayhk::runtime::{
    Client, Endpoint, Error, HeadBody, HeadBodyRules, KeyRole, PrivateKey, Protocol, ResultInfo,
    ResultStatus, SignatureAlgorithm, SignatureEncoding, SignedPart,
};

#[derive(Debug, alipayhk::runtime::serde::Deserialize, alipayhk::runtime::serde::Serialize)]
#[serde(crate = "alipayhk::runtime::serde")]
pub struct Greeting {
    #[serde(rename = "resultInfo")]
    pub result: ResultInfo,
    pub greeting: Option<String>,
}

/// Greets a user, on the v1 envelope.
#[alipayhk::endpoint(
    path = "/api/alipay/intl/demo/greet.htm",
    response = Greeting,
    result_codes(SUCCESS(S, "Success"), PARAM_ILLEGAL(F, "Illegal parameters")),
    head_body(function = "alipay.intl.demo.greet", algorithm = "SHA256withRSA"),
)]
pub struct GreetRequest {
    /// Who to greet.
    #[alipayhk(max_length = 16)]
    pub name: String,
}

#[test]
fn the_attribute_declares_the_protocol() {
    assert_eq!(
        GreetRequest::PROTOCOL,
        Protocol::HeadBody(HeadBody {
            rules: HeadBodyRules {
                name: "v1",
                version: "2.0.0",
                signed: SignedPart::Value,
                algorithm: SignatureAlgorithm::Sha256WithRsa,
                encoding: SignatureEncoding::Base64UrlEncoded,
            },
            function: "alipay.intl.demo.greet",
        })
    );
}

#[tokio::test]
async fn a_v1_endpoint_of_ones_own_is_sent_verified_and_answered() {
    let merchant = PrivateKey::generate(KeyRole::MerchantPrivate).unwrap();
    let platform = PrivateKey::generate(KeyRole::PlatformPrivate).unwrap();
    let config = ServerConfig::new(platform.clone(), merchant.public_key(), "DEMO");
    let routes = axum::Router::new().route(
        GreetRequest::PATH,
        routing::post(|request: Verified| async move {
            server::handle::<GreetRequest, _, _>(request, "resultInfo", |r| async move {
                Ok(Greeting {
                    result: ResultInfo::new("SUCCESS", ResultStatus::Success, "Success"),
                    greeting: Some(format!("hello {}", r.name)),
                })
            })
            .await
        }),
    );
    let app = server::verified_with(
        routes,
        Arc::new(config),
        HeadBodyRoutes::new().with::<GreetRequest>(),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });

    let client = Client::builder()
        .base_url(&url)
        .client_id("DEMO")
        .merchant_key(merchant.clone())
        .platform_key(platform.public_key())
        .build()
        .unwrap();
    let prepared = client.prepare(&GreetRequest::new("ada")).unwrap();
    let received = Received::parse(Direction::Request, &prepared.body).unwrap();
    let Protocol::HeadBody(protocol) = GreetRequest::PROTOCOL else {
        unreachable!()
    };
    received.verify(&protocol, &merchant.public_key()).unwrap();
    assert_eq!(received.head().function, "alipay.intl.demo.greet");

    let answer = client.execute(&GreetRequest::new("ada")).await.unwrap();
    assert_eq!(answer.greeting.as_deref(), Some("hello ada"));
    match client
        .execute(&GreetRequest::new("a name longer than sixteen"))
        .await
    {
        Err(Error::Invalid(_)) => {}
        other => panic!("expected a local validation error, got {other:?}"),
    }
}
