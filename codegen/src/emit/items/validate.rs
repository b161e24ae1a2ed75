//! `Validate` implementations: every constraint of a request type, each with its basis
//! (documented, or inferred and so a warning unless validation is strict).

use crate::emit::context::{Context, shared_type};
use crate::emit::idioms::validate_impl;
use crate::emit::runtime_type as rt;
use crate::emit::syntax::code::Delimiter;
use crate::emit::syntax::lexical::{field_ident, literal};
use crate::emit::syntax::{Code, Element, body, call, list, seq, struct_literal};
use crate::model::{
    Condition, FieldDef, FieldType, Hop, Limit, ObjectDef, Provenance, RuleDef, RuleKind, TypeDef,
    TypeHome, TypeKind,
};

pub(crate) fn object_validate_impl(cx: &Context, def: &ObjectDef, module: Option<&str>) -> Element {
    let checks: Vec<Element> = def
        .fields
        .iter()
        .flat_map(|f| field_checks(cx, f))
        .chain(def.rules.iter().map(|r| rule_check(cx, def, r, module)))
        .collect();
    validate_impl(cx, &def.name, checks)
}

/// A call to one of the runtime's checks, with the arguments every check ends with: the
/// basis of a fact of `provenance`, the field's path and the violations.
fn check_call(
    cx: &Context,
    check: &str,
    mut args: Vec<Code>,
    provenance: &Provenance,
    path: &str,
) -> Element {
    args.extend([basis(cx, provenance), path.into(), "violations".into()]);
    seq([call(cx.rt_member(rt::VALIDATION, check), args), ";".into()]).into()
}

/// The statements that check one field: its inferred presence, then its limits or its own
/// checks.
fn field_checks(cx: &Context, field: &FieldDef) -> Vec<Element> {
    let ident = field_ident(&field.rust_name);
    let at = format!("&path.field({})", literal(&field.wire_name));
    let check =
        |name: &str, args: Vec<Code>, provenance| check_call(cx, name, args, provenance, &at);
    let c = &field.constraints;
    // A requirement the spec only infers leaves the field optional; its absence is checked
    // here, as a warning unless validation is strict.
    let presence = (field.requirement.as_ref())
        .filter(|_| !field.required)
        .map(|p| {
            check(
                "check_present",
                vec![format!("self.{ident}.is_some()").into()],
                p,
            )
        });
    // An identifier newtype is checked as the text it holds.
    let text = if field.ty.is_identifier() {
        "value.as_str()"
    } else {
        "value"
    };
    let checks: Vec<Element> = match &field.ty {
        ty if ty.is_text() => {
            let required = field.requirement.as_ref().filter(|_| field.required);
            let not_empty = required.map(|p| check("check_not_empty", vec![text.into()], p));
            let lengths =
                paired(c.min_length.as_ref(), c.max_length.as_ref()).map(|(min, max, p)| {
                    check(
                        "check_length",
                        vec![text.into(), option(min), option(max)],
                        p,
                    )
                });
            not_empty.into_iter().chain(lengths).collect()
        }
        FieldType::Integer | FieldType::Number | FieldType::Timestamp => {
            let as_f64 = match field.ty {
                FieldType::Timestamp => "value.0 as f64",
                FieldType::Integer => "*value as f64",
                _ => "*value",
            };
            let float = |v: Option<f64>| option(v.map(|v| format!("{v:?}")));
            paired(c.minimum.as_ref(), c.maximum.as_ref())
                .map(|(min, max, p)| {
                    check(
                        "check_range",
                        vec![as_f64.into(), float(min), float(max)],
                        p,
                    )
                })
                .collect()
        }
        ty if needs_nested_validation(cx, ty) => {
            // Option, Vec and maps of validated types implement `Validate` themselves.
            let args = [
                format!("&self.{ident}").into(),
                at.clone().into(),
                "violations".into(),
            ];
            let nested = seq([
                call(cx.rt_member(rt::VALIDATE, "validate_at"), args),
                ";".into(),
            ]);
            return presence.into_iter().chain([nested.into()]).collect();
        }
        _ => Vec::new(),
    };
    if checks.is_empty() {
        return presence.into_iter().collect();
    }
    let checks = if field.required {
        let value = Element::from(Code::from(format!("let value = &self.{ident};")));
        body("", [value].into_iter().chain(checks).collect())
    } else {
        body(format!("if let Some(value) = &self.{ident}"), checks)
    };
    presence.into_iter().chain([checks.into()]).collect()
}

/// A lower and an upper limit as one check when they share a provenance (the usual case),
/// else one check each, so each violation carries its own basis.
fn paired<'a, T: Copy>(
    min: Option<&'a Limit<T>>,
    max: Option<&'a Limit<T>>,
) -> impl Iterator<Item = (Option<T>, Option<T>, &'a Provenance)> {
    let together = match (min, max) {
        (Some(min), Some(max)) if min.provenance == max.provenance => {
            vec![(Some(min.value), Some(max.value), &min.provenance)]
        }
        _ => min
            .map(|min| (Some(min.value), None, &min.provenance))
            .into_iter()
            .chain(max.map(|max| (None, Some(max.value), &max.provenance)))
            .collect(),
    };
    together.into_iter()
}

/// `Some(value)` or `None`.
fn option(value: Option<impl std::fmt::Display>) -> Code {
    value.map_or_else(|| "None".into(), |v| format!("Some({v})").into())
}

/// The runtime's `Basis` for a fact of the given provenance.
fn basis(cx: &Context, provenance: &Provenance) -> Code {
    match provenance.inference() {
        Some(why) => call(cx.rt_member(rt::BASIS, "Inferred"), [literal(why).into()]),
        None => cx.rt_member(rt::BASIS, "Documented"),
    }
}

/// Whether a field holds (possibly inside arrays and maps) an object or open enum that checks
/// itself.
fn needs_nested_validation(cx: &Context, ty: &FieldType) -> bool {
    match ty {
        FieldType::Array(inner) | FieldType::Map(inner) => needs_nested_validation(cx, inner),
        FieldType::Named(r) => match cx.api.resolve(r) {
            Some(TypeDef::Object(o)) => o.validated,
            Some(TypeDef::Enum(e)) => e.open,
            Some(TypeDef::Identifier(_)) => false,
            None => r.kind == TypeKind::Object,
        },
        _ => false,
    }
}

fn rule_check(cx: &Context, def: &ObjectDef, rule: &RuleDef, module: Option<&str>) -> Element {
    let field = |wire: &str| {
        def.fields
            .iter()
            .find(|f| f.wire_name == wire)
            .expect("the model checked rule fields")
    };
    match &rule.kind {
        RuleKind::ExactlyOneOf(names) | RuleKind::AtLeastOneOf(names) => {
            let present = names
                .iter()
                .map(|n| format!("self.{}.is_some()", field_ident(&field(n).rust_name)).into());
            let check = if matches!(rule.kind, RuleKind::ExactlyOneOf(_)) {
                "check_exactly_one_of"
            } else {
                "check_at_least_one_of"
            };
            let names = names.iter().map(|n| literal(n).into());
            let args = vec![
                seq(["&".into(), list(Delimiter::Bracket, names)]),
                seq(["&".into(), list(Delimiter::Bracket, present)]),
            ];
            check_call(cx, check, args, &rule.provenance, "path")
        }
        RuleKind::RequiredWhen {
            field: target,
            when,
            through,
            condition,
        } => {
            let target_ident = field_ident(&field(target).rust_name);
            let deciding = deciding_value(through);
            let (subject, required, by_ref) = match deciding {
                Deciding::Value(path) => (path, true, false),
                Deciding::Optional(path) => (path, false, false),
                Deciding::OptionalRef(path) => (path, false, true),
            };
            let (test, equals): (Code, String) = match condition {
                Condition::Variant { ty, variant, wire } => {
                    let ty = if ty.home == TypeHome::Shared && module.is_some() {
                        shared_type(&ty.name)
                    } else {
                        ty.name.as_str().into()
                    };
                    let pattern = seq([ty, "::".into(), variant.as_str().into()]);
                    let pattern = if required {
                        pattern
                    } else {
                        call("Some", [pattern])
                    };
                    (call("matches!", [subject.into(), pattern]), wire.clone())
                }
                Condition::Text(text) if required => (
                    format!("{subject} == {}", literal(text)).into(),
                    text.clone(),
                ),
                Condition::Text(text) => {
                    // An `Option<String>`, or an `Option<&String>` from further down.
                    let as_str = if by_ref {
                        ".map(String::as_str) == "
                    } else {
                        ".as_deref() == "
                    };
                    let value = call("Some", [literal(text).into()]);
                    (seq([subject.into(), as_str.into(), value]), text.clone())
                }
                Condition::Flag(flag) if required => {
                    (format!("{subject} == {flag}").into(), flag.to_string())
                }
                Condition::Flag(flag) => {
                    let reference = if by_ref { "&" } else { "" };
                    (
                        format!("{subject} == Some({reference}{flag})").into(),
                        flag.to_string(),
                    )
                }
            };
            let required_when = struct_literal(
                cx.rt_member(rt::RULE, "RequiredWhen"),
                [
                    format!("field: {}", literal(when)).into(),
                    format!("equals: {}", literal(&equals)).into(),
                ],
            );
            let violation = call(
                cx.rt_member(rt::VIOLATION, "with_basis"),
                [
                    format!("&path.field({})", literal(target)).into(),
                    required_when,
                    basis(cx, &rule.provenance),
                ],
            );
            let push = seq([call("violations.push", [violation]), ";".into()]);
            let condition = seq([
                "if ".into(),
                test,
                format!(" && self.{target_ident}.is_none()").into(),
            ]);
            body(condition, vec![push.into()]).into()
        }
    }
}

/// The deciding field's value as the condition reads it.
enum Deciding {
    /// Always there: `self.status`, `self.order.status`.
    Value(String),
    /// An `Option` field reached through fields always there: `self.payment_result.status`.
    Optional(String),
    /// Further down, past a field that may be unset: an `Option` of a reference,
    /// `self.order.as_ref().and_then(|v| v.status.as_ref())`.
    OptionalRef(String),
}

/// How to read the field `through` ends at, from the object the rule is on.
fn deciding_value(through: &[Hop]) -> Deciding {
    let mut path = String::from("self");
    for (index, hop) in through.iter().enumerate() {
        path.push('.');
        path.push_str(&field_ident(&hop.rust_name));
        if hop.required {
            continue;
        }
        let rest = &through[index + 1..];
        if rest.is_empty() {
            return Deciding::Optional(path);
        }
        path.push_str(".as_ref()");
        for hop in rest {
            let ident = field_ident(&hop.rust_name);
            path.push_str(&if hop.required {
                format!(".map(|v| &v.{ident})")
            } else {
                format!(".and_then(|v| v.{ident}.as_ref())")
            });
        }
        return Deciding::OptionalRef(path);
    }
    Deciding::Value(path)
}
