//! Structs: fields with exact wire names, `new(...)` for required fields, setters for the rest.

use super::other_fields;
use super::validate::object_validate_impl;
use crate::describe;
use crate::emit::context::{Context, Site};
use crate::emit::idioms::{derive, inherent_impl, trait_impl};
use crate::emit::runtime_type as rt;
use crate::emit::syntax::lexical::{field_ident, literal};
use crate::emit::syntax::{Code, Element, Function, body, call, generic, seq, struct_literal};
use crate::model::{FieldDef, FieldType, MapKey, OTHER_FIELDS, ObjectDef};

/// The struct, its constructor and setters, and (for request types) its `Validate` impl.
/// `module` is the endpoint module it goes in, if any.
pub(crate) fn struct_items(
    cx: &Context,
    def: &ObjectDef,
    site: Site,
    module: Option<&str>,
) -> Vec<Element> {
    // A secret field gets a `Debug` that redacts it; everything else derives.
    let sensitive = def.fields.iter().any(|f| f.sensitive);
    // With nothing required, `new()` takes no arguments, and `Default` is the same value.
    let defaults = def.fields.iter().all(|f| !f.required);
    let derives = [
        (!sensitive).then_some("Debug"),
        Some("Clone"),
        defaults.then_some("Default"),
        Some("PartialEq"),
    ];
    let derives = derives.into_iter().flatten().map(Code::from);
    let declaration = Element::documented(
        describe::object_doc(def),
        body(
            seq(["pub struct ".into(), def.name.as_str().into()]),
            def.fields
                .iter()
                .map(|f| field(cx, f, site))
                .chain(other_fields::field(cx, def))
                .collect(),
        ),
    )
    .with(derive(derives.chain(cx.serde_derives())))
    .with_all(cx.serde_crate_attribute())
    .with("non_exhaustive");
    let mut lines = vec![declaration];
    if sensitive {
        lines.push(redacted_debug(def));
    }
    lines.push(constructor(cx, def, site));
    if def.validated {
        lines.push(object_validate_impl(cx, def, module));
    }
    lines
}

/// `self.field`.
fn self_field(ident: &str) -> String {
    format!("self.{ident}")
}

fn redacted_debug(def: &ObjectDef) -> Element {
    let statement =
        |function: &str, args: Vec<Code>| Element::from(seq([call(function, args), ";".into()]));
    let start = call("f.debug_struct", [literal(&def.name).into()]);
    let mut statements = vec![Element::from(seq([
        "let mut debug = ".into(),
        start,
        ";".into(),
    ]))];
    statements.extend(def.fields.iter().map(|f| {
        let value = if f.sensitive {
            "&\"<redacted>\"".into()
        } else {
            seq(["&".into(), self_field(&field_ident(&f.rust_name)).into()])
        };
        statement("debug.field", vec![literal(&f.rust_name).into(), value])
    }));
    if def.open.is_some() {
        let value = seq(["&".into(), self_field(OTHER_FIELDS).into()]);
        statements.push(statement(
            "debug.field",
            vec![literal(OTHER_FIELDS).into(), value],
        ));
    }
    statements.push(Code::from("debug.finish()").into());
    let parameters = ["&self".into(), "f: &mut std::fmt::Formatter<'_>".into()];
    let fmt = Function::new(
        "fn fmt",
        parameters,
        Some("std::fmt::Result".into()),
        statements,
    );
    trait_impl("std::fmt::Debug", &def.name, vec![fmt.into()])
}

/// `name = "value"`, an attribute's argument.
fn argument(name: &str, value: &str) -> Code {
    seq([name.into(), " = ".into(), literal(value).into()])
}

fn field(cx: &Context, field: &FieldDef, site: Site) -> Element {
    let mut serde: Vec<Code> = Vec::new();
    if field.rust_name != field.wire_name {
        serde.push(argument("rename", &field.wire_name));
    }
    serde.extend(field.aliases.iter().map(|a| argument("alias", a)));
    let ty = cx.rust_type(&field.ty, site);
    let ty = if field.required {
        ty
    } else {
        serde.extend([
            "default".into(),
            "skip_serializing_if = \"Option::is_none\"".into(),
        ]);
        generic("Option", [ty])
    };
    let code = seq([
        "pub ".into(),
        field_ident(&field.rust_name).into(),
        ": ".into(),
        ty,
        ",".into(),
    ]);
    let line = Element::documented(describe::field_doc(field), code);
    if serde.is_empty() {
        line
    } else {
        line.with(call("serde", serde))
    }
}

/// Parameter type for a value passed to `new` or a setter, and whether the value converts
/// into the field's type (`impl Into<...>`).
fn parameter(cx: &Context, field: &FieldDef, site: Site) -> (Code, bool) {
    if matches!(field.ty, FieldType::String) {
        ("impl Into<String>".into(), true)
    } else if field.ty.is_identifier() {
        (generic("impl Into", [cx.rust_type(&field.ty, site)]), true)
    } else {
        (cx.rust_type(&field.ty, site), false)
    }
}

/// `name: Type`, a parameter.
fn typed(name: &str, ty: Code) -> Code {
    seq([name.into(), ": ".into(), ty])
}

fn constructor(cx: &Context, def: &ObjectDef, site: Site) -> Element {
    let required: Vec<&FieldDef> = def.fields.iter().filter(|f| f.required).collect();
    let parameters = required
        .iter()
        .map(|f| typed(&field_ident(&f.rust_name), parameter(cx, f, site).0));
    let fields = def
        .fields
        .iter()
        .map(|f| {
            let ident = field_ident(&f.rust_name);
            Code::from(if f.required && f.ty.is_text() {
                format!("{ident}: {ident}.into()")
            } else if f.required {
                ident
            } else {
                format!("{ident}: None")
            })
        })
        .chain(other_fields::initial(def));
    let new_doc = describe::constructor_doc(&required);
    let mut new = Function::new(
        "pub fn new",
        parameters,
        Some("Self".into()),
        vec![struct_literal("Self", fields).into()],
    )
    .with_docs(new_doc);
    if required.len() > 7 {
        new = new.with("allow(clippy::too_many_arguments)");
    }
    let setters = def.fields.iter().filter(|f| !f.required).map(|f| {
        let (ty, converts) = parameter(cx, f, site);
        let ident = field_ident(&f.rust_name);
        let value = if converts {
            call(seq([ident.as_str().into(), ".into".into()]), [])
        } else {
            ident.as_str().into()
        };
        let setter = Function::new(
            pub_fn(&ident),
            ["mut self".into(), typed(&ident, ty)],
            Some("Self".into()),
            vec![
                seq([
                    self_field(&ident).into(),
                    " = ".into(),
                    call("Some", [value]),
                    ";".into(),
                ])
                .into(),
                Code::from("self").into(),
            ],
        )
        .with_docs(describe::setter_doc(f))
        .with("must_use");
        Element::from(setter)
    });
    let key_setters = def
        .fields
        .iter()
        .flat_map(|f| f.keys.iter().map(move |k| key_setter(cx, f, k)));
    let methods = [Element::from(new)]
        .into_iter()
        .chain(setters)
        .chain(key_setters)
        .chain(other_fields::setter(cx, def))
        .collect();
    inherent_impl(&def.name, methods)
}

/// `pub fn name`, a method's head.
fn pub_fn(name: &str) -> Code {
    seq(["pub fn ".into(), name.into()])
}

/// A builder method for a key the docs fix in an open map: `data_info_bill_no("…")` puts
/// `billNo` into `dataInfo`, creating the map when unset.
fn key_setter(cx: &Context, field: &FieldDef, key: &MapKey) -> Element {
    let map = field_ident(&field.rust_name);
    let (param, converted) = match key.ty {
        FieldType::String => ("impl Into<String>", "value.into()"),
        FieldType::Integer => ("i64", "value"),
        FieldType::Number => ("f64", "value"),
        _ => ("bool", "value"),
    };
    let value = if matches!(field.ty, FieldType::Map(ref inner) if **inner == FieldType::Json) {
        call(cx.rt_member(rt::JSON_VALUE, "from"), [converted.into()])
    } else {
        converted.into()
    };
    let map = if field.required {
        self_field(&map)
    } else {
        format!("{}.get_or_insert_with(Default::default)", self_field(&map))
    };
    let key_text = seq([literal(&key.key).into(), ".to_owned()".into()]);
    let insert = seq([
        call(seq([map.into(), ".insert".into()]), [key_text, value]),
        ";".into(),
    ]);
    let setter = Function::new(
        pub_fn(&key.setter),
        ["mut self".into(), typed("value", param.into())],
        Some("Self".into()),
        vec![insert.into(), Code::from("self").into()],
    )
    .with_docs(describe::key_setter_doc(field, key))
    .with("must_use");
    setter.into()
}
