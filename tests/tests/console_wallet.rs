//! The sandbox for a merchant in any language: the console's wallet form issues a payment code
//! (as the user's app would show it), a `pay` with that code succeeds, and the console's state
//! shows the payment and the user's A. Points. Plain HTTP, as a browser or `curl` sends it.

use alipayhk::*;

mod support;

use support::fixture;

const USER: &str = "2160220000000002";

/// Posts the wallet form, as a browser does.
async fn wallet(
    http: &reqwest::Client,
    console: &str,
    user: &str,
    kind: &str,
) -> reqwest::Response {
    http.post(format!("{console}/wallet"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("user={user}&kind={kind}"))
        .send()
        .await
        .unwrap()
}

/// The codes the console lists as issued, newest first.
fn issued_codes(html: &str) -> Vec<String> {
    html.split("<code class=\"issued-code\">")
        .skip(1)
        .filter_map(|rest| rest.split_once("</code>").map(|(code, _)| code.to_owned()))
        .collect()
}

#[tokio::test]
async fn the_wallet_form_issues_a_code_that_pays_and_the_state_shows_the_payment() {
    let f = fixture().await;
    let http = reqwest::Client::new();
    let console = format!("{}/console", f.gateway.url());

    let page = wallet(&http, &console, USER, "payment_code_hk").await;
    assert!(page.status().is_success(), "{}", page.status());
    let codes = issued_codes(&page.text().await.unwrap());
    assert_eq!(codes.len(), 1, "{codes:?}");

    let amount = PaymentAmount::new().currency("HKD").value("1800");
    let pay = PayRequest::new(
        PaymentOrder::new()
            .reference_order_id("CONSOLE-1")
            .order_description("Tea")
            .order_amount(amount.clone()),
    )
    .payment_request_id("CONSOLE-1")
    .payment_amount(amount)
    .payment_method(
        PaymentMethod::new()
            .payment_method_type(PaymentMethodType::ConnectWallet)
            .payment_method_id(&codes[0]),
    );
    f.client().execute(&pay).await.unwrap();

    let state = http
        .get(&console)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let payments = state.split("<table id=\"payments\">").nth(1).unwrap();
    let row = payments
        .split("</tr>")
        .find(|r| r.contains("CONSOLE-1"))
        .unwrap();
    assert!(
        row.contains("<td>Paid</td>") && row.contains("HKD 1800"),
        "{row}"
    );

    // An authorisation code makes the user one the gateway knows: the A. Points table lists them.
    wallet(&http, &console, "2160220000000003", "auth_code").await;
    let refused = wallet(&http, &console, "not-a-user", "auth_code").await;
    assert_eq!(refused.status(), reqwest::StatusCode::BAD_REQUEST);
    let state = http
        .get(&console)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let points = state.split("<table id=\"points\">").nth(1).unwrap();
    let points = points.split("</table>").next().unwrap();
    assert!(
        points.contains("<code>2160220000000003</code></td><td>0</td>"),
        "{points}"
    );
}
