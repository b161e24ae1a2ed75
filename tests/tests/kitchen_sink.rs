//! Generated code for every construct of the spec format: nested paths, arrays, maps,
//! open enums on requests, keyword field names, boolean and string conditions.

use std::collections::BTreeMap;

use alipayhk_kitchen_sink::{
    Channel, LineItem, Money, OrderKind, PlaceOrderRequest, PlaceOrderResponse, Shipping,
};
use alipayhk_runtime::{EpochMillis, Rule, Validate};

fn order() -> PlaceOrderRequest {
    PlaceOrderRequest::new(
        OrderKind::Ean13,
        vec![LineItem::new("SKU-1", Money::new("HKD", 1800))],
        EpochMillis(1_700_000_000_000),
    )
    .email("a@example.com")
}

#[test]
fn nested_violations_carry_full_paths() {
    let mut request = order();
    request.items.push(
        LineItem::new("SKU-THAT-IS-TOO-LONG", Money::new("HK", -1))
            .channel(Channel::Unknown("TV".into())),
    );
    request.by_locale = Some(BTreeMap::from([(
        "en_US".to_owned(),
        Money::new("USDX", 5),
    )]));
    request.shipping = Some(Shipping::new(""));
    let violations: Vec<(String, Rule)> = request
        .validate()
        .unwrap_err()
        .violations
        .into_iter()
        .map(|v| (v.path, v.rule))
        .collect();
    assert_eq!(
        violations,
        vec![
            (
                "items[1].sku".into(),
                Rule::MaxLength {
                    max: 16,
                    actual: 20
                }
            ),
            (
                "items[1].price.currency".into(),
                Rule::MinLength { min: 3, actual: 2 }
            ),
            ("items[1].price.value".into(), Rule::Minimum { min: 0.0 }),
            (
                "items[1].channel".into(),
                Rule::UnknownValue { value: "TV".into() }
            ),
            (
                "byLocale.en_US.currency".into(),
                Rule::MaxLength { max: 3, actual: 4 }
            ),
            ("shipping.address".into(), Rule::Required),
        ]
    );
}

#[test]
fn boolean_and_string_conditions_and_groups() {
    let mut request = order().gift(true).coupon("WELCOME").ratio(2.0);
    request.email = None;
    let rules: Vec<Rule> = request
        .validate()
        .unwrap_err()
        .violations
        .into_iter()
        .map(|v| v.rule)
        .collect();
    assert_eq!(
        rules,
        vec![
            Rule::Maximum { max: 1.5 },
            Rule::AtLeastOneOf {
                fields: &["email", "mobile"]
            },
            Rule::RequiredWhen {
                field: "gift",
                equals: "true"
            },
            Rule::RequiredWhen {
                field: "coupon",
                equals: "WELCOME"
            },
        ]
    );
    assert!(order().gift(false).coupon("OTHER").validate().is_ok());
}

#[test]
fn keyword_fields_and_mangled_values_keep_their_wire_names() {
    let json = serde_json::to_value(order()).unwrap();
    assert_eq!(json["type"], "EAN-13");
    assert_eq!(
        json["items"][0]["price"],
        serde_json::json!({"currency": "HKD", "value": 1800})
    );
    assert_eq!(json["placedAt"], 1_700_000_000_000_i64);
}

#[test]
fn responses_accept_new_enum_values() {
    let response: PlaceOrderResponse = serde_json::from_str(
        r#"{"result":{"resultCode":"SUCCESS","resultStatus":"S"},"channel":"KIOSK","surprise":1}"#,
    )
    .unwrap();
    assert_eq!(response.channel, Some(Channel::Unknown("KIOSK".into())));
}
