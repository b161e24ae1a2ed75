//! The usage snippet each endpoint module shows, compiled as a doc-test: it builds the
//! request from its required fields (samples where the spec gives them) and sends it.

use crate::model::{Api, EndpointDef, FieldDef, FieldType, Flow, ObjectDef, RuleKind, TypeDef};

/// The snippet, as Markdown with a fenced Rust block.
pub(super) fn snippet(api: &Api, endpoint: &EndpointDef) -> String {
    let krate = &api.crate_name;
    let request = &endpoint.request;
    let mut build = format!(
        "let request = {krate}::{}::new({})",
        request.name,
        arguments(api, endpoint, request)
    );
    // One field of each "one of" rule, so the request is valid as written.
    for rule in &request.rules {
        if let RuleKind::ExactlyOneOf(fields) | RuleKind::AtLeastOneOf(fields) = &rule.kind
            && let Some(field) = fields
                .first()
                .and_then(|wire| request.fields.iter().find(|f| &f.wire_name == wire))
        {
            build.push_str(&format!(
                "\n    .{}({})",
                field.rust_name,
                value(api, endpoint, field, &field.ty)
            ));
        }
    }
    let body = match endpoint.flow {
        Flow::Outbound => format!(
            "# async fn example(client: &{krate}::runtime::Client) {{\n{build};\nmatch client.execute(&request).await {{\n    Ok(response) => println!(\"{{response:?}}\"),\n    Err(error) => eprintln!(\"{{error}}\"),\n}}\n# }}"
        ),
        Flow::Inbound => format!(
            "// What AlipayHK sends; the local gateway and tests build it like this.\n{build};\nprintln!(\"{{request:?}}\");"
        ),
    };
    format!("# Example\n\n```no_run\n{body}\n```")
}

fn arguments(api: &Api, endpoint: &EndpointDef, object: &ObjectDef) -> String {
    object
        .fields
        .iter()
        .filter(|f| f.required)
        .map(|f| value(api, endpoint, f, &f.ty))
        .collect::<Vec<_>>()
        .join(", ")
}

fn value(api: &Api, endpoint: &EndpointDef, field: &FieldDef, ty: &FieldType) -> String {
    let krate = &api.crate_name;
    let sample = field.sample.as_deref();
    match ty {
        FieldType::String => format!("{:?}", sample.unwrap_or(&field.wire_name)),
        FieldType::Integer => sample
            .and_then(|s| s.parse::<i64>().ok())
            .unwrap_or(0)
            .to_string(),
        FieldType::Number => format!(
            "{:?}",
            sample.and_then(|s| s.parse::<f64>().ok()).unwrap_or(0.0)
        ),
        FieldType::Boolean => "false".into(),
        FieldType::Timestamp => format!(
            "{krate}::runtime::EpochMillis({})",
            sample
                .and_then(|s| s.parse::<i64>().ok())
                .unwrap_or(1_767_196_799_000)
        ),
        FieldType::Json => format!("{krate}::runtime::serde_json::Value::Null"),
        FieldType::Result => format!(
            "{krate}::runtime::ResultInfo::new(\"SUCCESS\", {krate}::runtime::ResultStatus::Success, \"Success\")"
        ),
        FieldType::Array(_) => "Vec::new()".into(),
        FieldType::Map(_) => "Default::default()".into(),
        FieldType::Named(r) => match api.resolve(r) {
            Some(TypeDef::Enum(e)) => format!(
                "{krate}::{}::{}",
                e.name,
                e.values.first().map_or("Unknown", |v| v.variant.as_str())
            ),
            Some(TypeDef::Identifier(_)) => format!("{:?}", sample.unwrap_or(&field.wire_name)),
            Some(TypeDef::Object(o)) => {
                format!("{krate}::{}::new({})", o.name, arguments(api, endpoint, o))
            }
            // A type of another crate: built from its sample when the sample is text (an
            // identifier, such as `alipayhk::MerchantId`), else its default.
            None => match sample.filter(|s| !s.starts_with(['{', '['])) {
                Some(text) => format!("{}::from({text:?})", r.name),
                None => "Default::default()".into(),
            },
        },
    }
}
