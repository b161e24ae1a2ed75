//! Exports the checked model as an OpenAPI 3.1 document, for API portals and other tools:
//! one operation per outbound endpoint, one webhook per inbound one, a schema per type, the
//! protocol headers as parameters, and the result codes (all answered with HTTP 200) in the
//! response's description and in an `x-result-codes` extension.

use serde_json::{Map, Value, json};

use crate::model::{
    Api, Condition, EndpointDef, FieldDef, FieldType, Flow, HeaderPlacement, Message, ObjectDef,
    Provenance, ResultCodeSet, RuleDef, RuleKind, TypeDef, WireProtocol,
};

/// The OpenAPI 3.1 document for `api`.
pub(crate) fn document(api: &Api) -> Value {
    let mut paths = Map::new();
    let mut webhooks = Map::new();
    for endpoint in api.endpoints.values() {
        let item = json!({ endpoint.method.as_str().to_lowercase(): operation(api, endpoint) });
        match endpoint.flow {
            Flow::Outbound => paths.insert(endpoint.path.clone(), item),
            Flow::Inbound => webhooks.insert(endpoint.name.clone(), item),
        };
    }
    let mut schemas = Map::new();
    schemas.insert("Result".into(), result_schema());
    let all_types = api
        .shared_types
        .values()
        .chain(api.endpoints.values().flat_map(|e| e.types.values()));
    for def in all_types {
        let (name, schema) = match def {
            TypeDef::Object(o) => (&o.name, object_schema(o)),
            TypeDef::Enum(e) => (
                &e.name,
                enum_schema(
                    e.values.iter().map(|v| &v.wire),
                    e.open,
                    e.description.as_deref(),
                ),
            ),
            // A newtype in Rust, a string on the wire; limits are on the fields that hold it.
            TypeDef::Identifier(i) => {
                let mut schema = json!({ "type": "string" });
                if let Some(description) = &i.description {
                    schema["description"] = json!(description.trim());
                }
                (&i.name, schema)
            }
        };
        schemas.insert(name.clone(), schema);
    }
    for endpoint in api.endpoints.values() {
        schemas.insert(
            endpoint.request.name.clone(),
            object_schema(&endpoint.request),
        );
        if let Message::Declared(response) = &endpoint.response {
            schemas.insert(response.name.clone(), object_schema(response));
        }
    }
    let mut doc = json!({
        "openapi": "3.1.0",
        "info": {
            "title": api.name,
            "version": env!("CARGO_PKG_VERSION"),
        },
        "servers": [{ "url": "https://open.alipay.hk", "description": "AlipayHK production" }],
        "paths": paths,
        "components": { "schemas": schemas },
    });
    if let Some(description) = &api.description {
        doc["info"]["description"] = json!(description.trim());
    }
    if !webhooks.is_empty() {
        doc["webhooks"] = Value::Object(webhooks);
    }
    // Endpoint groups are the operations' tags, as portals group them.
    if !api.groups.is_empty() {
        let tags: Vec<Value> = api
            .groups
            .values()
            .map(|g| json!({ "name": g.name, "description": g.description }))
            .collect();
        doc["tags"] = json!(tags);
    }
    doc
}

fn operation(api: &Api, endpoint: &EndpointDef) -> Value {
    let codes = endpoint.result_codes.set(&api.result_code_tables);
    let parameters: Vec<Value> = api
        .headers
        .iter()
        .filter(|h| h.placement != HeaderPlacement::Response && h.name != "Content-Type")
        .map(|h| {
            json!({
                "name": h.name,
                "in": "header",
                "required": h.required,
                "description": h.description.trim(),
                "schema": { "type": "string" },
            })
        })
        .collect();
    let response_headers: Map<String, Value> = api
        .headers
        .iter()
        .filter(|h| h.placement != HeaderPlacement::Request && h.name != "Content-Type")
        .map(|h| {
            (
                h.name.clone(),
                json!({
                    "description": h.description.trim(),
                    "required": h.required,
                    "schema": { "type": "string" },
                }),
            )
        })
        .collect();
    let schema_ref = |name: &str| json!({ "$ref": format!("#/components/schemas/{name}") });
    let response_schema = match &endpoint.response {
        Message::Declared(def) => schema_ref(&def.name),
        Message::Existing(_) => json!({}),
    };
    let mut operation = json!({
        "operationId": endpoint.name,
        "summary": endpoint.summary,
        "parameters": parameters,
        "requestBody": {
            "required": true,
            "content": { "application/json": { "schema": schema_ref(&endpoint.request.name) } },
        },
        "responses": {
            "200": {
                "description": response_description(codes),
                "headers": response_headers,
                "content": { "application/json": { "schema": response_schema } },
            },
        },
    });
    if let Some(description) = &endpoint.description {
        operation["description"] = json!(description.trim());
    }
    if let Some(group) = &endpoint.group {
        operation["tags"] = json!([group]);
    }
    if let Some(url) = &endpoint.docs_url {
        operation["externalDocs"] = json!({ "url": url });
    }
    if let Some(codes) = codes {
        operation["x-result-codes"] = codes
            .codes
            .iter()
            .map(|c| json!({ "code": c.code, "status": crate::describe::status_letter(c.status), "message": c.message }))
            .collect();
    }
    if let Some(i) = &endpoint.idempotency {
        operation["x-idempotency"] = json!({ "key": i.key, "alreadyDone": i.already_done });
    }
    if let Some(query) = &endpoint.resolve_unknown_with {
        operation["x-resolve-unknown-with"] = json!(query);
    }
    if let WireProtocol::HeadBody(def) = &endpoint.protocol {
        // The schemas above are the envelope's `body` objects; this says how they travel.
        let rules = &def.rules;
        operation["x-alipayhk-protocol"] = json!({
            "envelope": "head_body",
            "name": rules.name,
            "function": def.function,
            "version": rules.version.value,
            "signed": rules.signed.value.spec_name(),
            "algorithm": rules.algorithm.value.spec_name(),
            "signatureEncoding": rules.encoding.value.spec_name(),
        });
    }
    operation
}

/// Every answer is HTTP 200; what happened is in the result object, so the codes go here.
fn response_description(codes: Option<&ResultCodeSet>) -> String {
    let mut text = String::from(
        "Signed answer. `resultStatus` is S (success), F (failure) or U (unknown outcome: \
         resolve it, never treat it as a failure).",
    );
    if codes.is_some() {
        text.push_str("\n\n");
        text.push_str(&crate::describe::result_code_table(codes));
    }
    text
}

fn result_schema() -> Value {
    json!({
        "type": "object",
        "description": "The result of a call. Older pages name it `resultInfo` and its message `resultMsg`.",
        "required": ["resultCode", "resultStatus"],
        "properties": {
            "resultCode": { "type": "string" },
            "resultStatus": { "type": "string", "enum": ["S", "F", "U"] },
            "resultMessage": { "type": "string" },
        },
    })
}

fn enum_schema<'a>(
    values: impl Iterator<Item = &'a String>,
    open: bool,
    description: Option<&str>,
) -> Value {
    let values: Vec<&String> = values.collect();
    let mut schema = if open {
        // What is received may carry values added after this spec: documented, not enforced.
        json!({ "type": "string", "examples": values })
    } else {
        json!({ "type": "string", "enum": values })
    };
    if let Some(description) = description {
        schema["description"] = json!(description.trim());
    }
    schema
}

fn object_schema(def: &ObjectDef) -> Value {
    let properties: Map<String, Value> = def
        .fields
        .iter()
        .map(|f| (f.wire_name.clone(), field_schema(f)))
        .collect();
    let required: Vec<&String> = def
        .fields
        .iter()
        .filter(|f| f.required)
        .map(|f| &f.wire_name)
        .collect();
    let mut schema = json!({ "type": "object", "properties": properties });
    if !required.is_empty() {
        schema["required"] = json!(required);
    }
    // Its page is cut: fields it does not list may come and may be sent (`other_fields`).
    if let Some(reason) = &def.open {
        schema["x-open"] = json!(reason);
    }
    if let Some(description) = &def.description {
        schema["description"] = json!(description.trim());
    }
    // Only documented rules constrain the schema; inferred ones are listed apart, as the
    // generated `validate()` treats them.
    let (rules, inferred): (Vec<&RuleDef>, Vec<&RuleDef>) =
        def.rules.iter().partition(|r| r.provenance.enforced());
    if !rules.is_empty() {
        schema["allOf"] = json!(rules.into_iter().map(rule_schema).collect::<Vec<_>>());
    }
    if !inferred.is_empty() {
        schema[INFERRED] = json!(
            inferred
                .into_iter()
                .map(|r| json!({ "rule": rule_schema(r), "why": r.provenance.inference() }))
                .collect::<Vec<_>>()
        );
    }
    schema
}

/// The extension listing constraints the spec infers rather than documents: a schema
/// validator must not enforce them, but a reader should see them.
const INFERRED: &str = "x-alipayhk-inferred";

fn rule_schema(rule: &RuleDef) -> Value {
    let each_required = |fields: &[String]| -> Vec<Value> {
        fields.iter().map(|f| json!({ "required": [f] })).collect()
    };
    match &rule.kind {
        RuleKind::ExactlyOneOf(fields) => json!({ "oneOf": each_required(fields) }),
        RuleKind::AtLeastOneOf(fields) => json!({ "anyOf": each_required(fields) }),
        RuleKind::RequiredWhen {
            field,
            when,
            condition,
            ..
        } => {
            let value = match condition {
                Condition::Variant { wire, .. } => json!(wire),
                Condition::Text(text) => json!(text),
                Condition::Flag(flag) => json!(flag),
            };
            // `a.b` decides through object `a`: the condition nests, innermost first.
            let decided = when.rsplit('.').fold(
                json!({ "const": value }),
                |inner, name| json!({ "properties": { name: inner }, "required": [name] }),
            );
            json!({ "if": decided, "then": { "required": [field] } })
        }
    }
}

fn field_schema(field: &FieldDef) -> Value {
    let mut schema = type_schema(&field.ty);
    if let Some(properties) = key_properties(field) {
        schema["properties"] = properties;
    }
    let c = &field.constraints;
    let mut inferred = Map::new();
    let mut put =
        |keyword: &str, value: Value, provenance: &Provenance| match provenance.inference() {
            Some(why) => {
                inferred.insert(keyword.to_owned(), json!({ "value": value, "why": why }));
            }
            None => schema[keyword] = value,
        };
    if let Some(max) = &c.max_length {
        put("maxLength", json!(max.value), &max.provenance);
    }
    if let Some(min) = &c.min_length {
        put("minLength", json!(min.value), &min.provenance);
    }
    if let Some(min) = &c.minimum {
        put("minimum", json!(min.value), &min.provenance);
    }
    if let Some(max) = &c.maximum {
        put("maximum", json!(max.value), &max.provenance);
    }
    if let Some(why) = field.requirement.as_ref().and_then(Provenance::inference) {
        inferred.insert("required".to_owned(), json!({ "value": true, "why": why }));
    }
    if !inferred.is_empty() {
        schema[INFERRED] = Value::Object(inferred);
    }
    if let Some(description) = &field.description {
        schema["description"] = json!(description.trim());
    }
    if let Some(sample) = &field.sample {
        schema["examples"] = json!([sample]);
    }
    if field.sensitive {
        schema["x-sensitive"] = json!(true);
    }
    if field.nullable {
        // 3.1 spells "may be null" as a choice with the null type.
        schema = json!({ "oneOf": [schema, { "type": "null" }] });
    }
    schema
}

fn type_schema(ty: &FieldType) -> Value {
    match ty {
        FieldType::String => json!({ "type": "string" }),
        FieldType::Integer => json!({ "type": "integer", "format": "int64" }),
        FieldType::Number => json!({ "type": "number" }),
        FieldType::Boolean => json!({ "type": "boolean" }),
        FieldType::Timestamp => json!({
            "type": "integer",
            "format": "int64",
            "x-unit": "milliseconds since the Unix epoch",
        }),
        FieldType::Json => json!({}),
        FieldType::Result => json!({ "$ref": "#/components/schemas/Result" }),
        FieldType::Named(r) => json!({ "$ref": format!("#/components/schemas/{}", r.name) }),
        FieldType::Array(inner) => json!({ "type": "array", "items": type_schema(inner) }),
        FieldType::Map(inner) => {
            json!({ "type": "object", "additionalProperties": type_schema(inner) })
        }
    }
}

/// The keys the docs fix in an open map, as documented properties.
fn key_properties(field: &FieldDef) -> Option<Value> {
    if field.keys.is_empty() {
        return None;
    }
    let properties: Map<String, Value> = field
        .keys
        .iter()
        .map(|k| {
            let mut schema = type_schema(&k.ty);
            if let Some(description) = &k.description {
                schema["description"] = json!(description.trim());
            }
            (k.key.clone(), schema)
        })
        .collect();
    Some(Value::Object(properties))
}
