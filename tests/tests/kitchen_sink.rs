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
    .referrer("web")
}

#[test]
fn nested_violations_carry_full_paths() {
    let mut request = order();
    request.items.push(
        LineItem::new("SKU-THAT-IS-TOO-LONG", Money::new("HK", -1))
            // A value only a response could have brought: parsed, as it would be.
            .channel(Channel::from("TV")),
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
    // Strict: the ratio's maximum and the coupon rule are inferred.
    let rules: Vec<Rule> = request
        .validate_strict()
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
    assert!(
        matches!(&response.channel, Some(Channel::Unknown(value)) if value == "KIOSK"),
        "{:?}",
        response.channel
    );
}

/// `referrer` is required and limited only by inference, `ratio`'s maximum is inferred, and so
/// is the coupon rule: breaking them is a warning, and an error only in strict mode.
#[test]
fn inferred_constraints_warn_unless_strict() {
    use alipayhk_runtime::{Basis, Strictness};

    let mut request = order().ratio(1.6).coupon("WELCOME");
    request.referrer = None;
    assert!(request.validate().is_ok(), "{:?}", request.validate());
    let warnings: Vec<(String, Rule)> = request
        .validate_with(Strictness::Documented)
        .unwrap()
        .into_iter()
        .map(|v| {
            assert!(matches!(v.basis, Basis::Inferred(_)), "{v}");
            (v.path, v.rule)
        })
        .collect();
    assert_eq!(
        warnings,
        vec![
            ("ratio".into(), Rule::Maximum { max: 1.5 }),
            ("referrer".into(), Rule::Required),
            (
                "couponKind".into(),
                Rule::RequiredWhen {
                    field: "coupon",
                    equals: "WELCOME"
                }
            ),
        ]
    );
    let strict = request.validate_strict().unwrap_err();
    assert_eq!(strict.violations.len(), 3);
    assert_eq!(
        strict.violations[1].to_string(),
        "referrer is required (inferred: a fixture field no page states)"
    );

    // A documented limit still refuses by default, next to an inferred one that does not.
    let request = order().referrer("ABCDEFGHIJ").ratio(0.1);
    // (referrer is at most 8 characters, by inference.)
    let error = request.validate().unwrap_err();
    assert_eq!(error.violations.len(), 1);
    assert_eq!(error.violations[0].rule, Rule::Minimum { min: 0.5 });
    let warnings = request.validate_with(Strictness::Documented);
    assert!(warnings.is_err());
    assert_eq!(request.validate_strict().unwrap_err().violations.len(), 2);
}

/// A message without a field whose requirement is only inferred still parses.
#[test]
fn an_inferred_requirement_never_fails_parsing() {
    let json = serde_json::json!({
        "type": "standard",
        "items": [],
        "placedAt": 1_700_000_000_000_i64,
        "byLocale": {},
        "email": "a@example.com"
    });
    let parsed: PlaceOrderRequest = serde_json::from_value(json).unwrap();
    assert_eq!(parsed.referrer, None);
}
