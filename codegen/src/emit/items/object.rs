//! Structs: fields with exact wire names, `new(...)` for required fields, setters for the rest.

use super::validate::validate_impl;
use crate::describe;
use crate::emit::options::EmitOptions;
use crate::emit::syntax::type_paths::{Site, field_ident, literal, rust_type, serde_derives};
use crate::emit::syntax::{Code, Function, Line, body, call, generic, items, seq, struct_literal};
use crate::model::{Api, FieldDef, FieldType, MapKey, ObjectDef};

/// The struct, its constructor and setters, and (for request types) its `Validate` impl.
/// `module` is the endpoint module it goes in, if any.
pub(crate) fn struct_items(
    api: &Api,
    def: &ObjectDef,
    site: Site,
    options: &EmitOptions,
    module: Option<&str>,
) -> Vec<Line> {
    let ([serialize, deserialize], serde_crate) = serde_derives(options);
    // A secret field gets a `Debug` that redacts it; everything else derives.
    let sensitive = def.fields.iter().any(|f| f.sensitive);
    // With nothing required, `new()` takes no arguments, and `Default` is the same value.
    let defaults = def.fields.iter().all(|f| !f.required);
    let derives = [
        (!sensitive).then_some("Debug"),
        Some("Clone"),
        defaults.then_some("Default"),
        Some("PartialEq"),
        Some(serialize.as_str()),
        Some(deserialize.as_str()),
    ];
    let declaration = Line::documented(
        def.description
            .clone()
            .unwrap_or_else(|| format!("The `{}` object.", def.name)),
        body(
            format!("pub struct {}", def.name),
            def.fields.iter().map(|f| field(f, site, options)).collect(),
        ),
    )
    .with(call(
        "derive",
        derives.into_iter().flatten().map(Code::from),
    ))
    .with_all(serde_crate)
    .with("non_exhaustive");
    let mut lines = vec![declaration];
    if sensitive {
        lines.push(redacted_debug(def));
    }
    lines.push(constructor(def, site, options));
    if def.validated {
        lines.push(validate_impl(api, def, options, module));
    }
    lines
}

fn redacted_debug(def: &ObjectDef) -> Line {
    let statement =
        |function: &str, args: Vec<Code>| Line::from(seq([call(function, args), ";".into()]));
    let start = call("f.debug_struct", [literal(&def.name).into()]);
    let mut statements = vec![Line::from(seq([
        "let mut debug = ".into(),
        start,
        ";".into(),
    ]))];
    statements.extend(def.fields.iter().map(|f| {
        let value = if f.sensitive {
            "&\"<redacted>\"".to_owned()
        } else {
            format!("&self.{}", field_ident(&f.rust_name))
        };
        statement(
            "debug.field",
            vec![literal(&f.rust_name).into(), value.into()],
        )
    }));
    statements.push(Code::from("debug.finish()").into());
    let parameters = ["&self".into(), "f: &mut std::fmt::Formatter<'_>".into()];
    let fmt = Function::new(
        "fn fmt",
        parameters,
        Some("std::fmt::Result".into()),
        statements,
    );
    let head = format!("impl std::fmt::Debug for {}", def.name);
    items(head, vec![fmt.into()]).into()
}

fn field(field: &FieldDef, site: Site, options: &EmitOptions) -> Line {
    let mut serde: Vec<Code> = Vec::new();
    if field.rust_name != field.wire_name {
        serde.push(format!("rename = {}", literal(&field.wire_name)).into());
    }
    serde.extend(
        field
            .aliases
            .iter()
            .map(|a| format!("alias = {}", literal(a)).into()),
    );
    let ty = rust_type(&field.ty, site, options);
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
        format!("pub {}: ", field_ident(&field.rust_name)).into(),
        ty,
        ",".into(),
    ]);
    let line = Line::documented(describe::field_doc(field), code);
    if serde.is_empty() {
        line
    } else {
        line.with(call("serde", serde))
    }
}

/// Parameter type for a value passed to `new` or a setter, and whether the value converts
/// into the field's type (`impl Into<...>`).
fn parameter(field: &FieldDef, site: Site, options: &EmitOptions) -> (Code, bool) {
    if matches!(field.ty, FieldType::String) {
        ("impl Into<String>".into(), true)
    } else if field.ty.is_identifier() {
        let ty = rust_type(&field.ty, site, options);
        (generic("impl Into", [ty]), true)
    } else {
        (rust_type(&field.ty, site, options), false)
    }
}

fn constructor(def: &ObjectDef, site: Site, options: &EmitOptions) -> Line {
    let required: Vec<&FieldDef> = def.fields.iter().filter(|f| f.required).collect();
    let parameters = required.iter().map(|f| {
        let (ty, _) = parameter(f, site, options);
        seq([format!("{}: ", field_ident(&f.rust_name)).into(), ty])
    });
    let fields = def.fields.iter().map(|f| {
        let ident = field_ident(&f.rust_name);
        Code::from(if f.required && f.ty.is_text() {
            format!("{ident}: {ident}.into()")
        } else if f.required {
            ident
        } else {
            format!("{ident}: None")
        })
    });
    let new_doc = if required.is_empty() {
        "Creates the value with every field unset; set fields with the builder methods.".to_owned()
    } else {
        let names: Vec<String> = required
            .iter()
            .map(|f| format!("`{}`", f.wire_name))
            .collect();
        format!(
            "Creates the value from its required fields ({}); set optional ones with the builder methods.",
            names.join(", ")
        )
    };
    let mut new = Function::new(
        "pub fn new",
        parameters,
        Some("Self".into()),
        vec![struct_literal("Self", fields).into()],
    )
    .documented(new_doc);
    if required.len() > 7 {
        new.attributes
            .push("allow(clippy::too_many_arguments)".into());
    }
    let setters = def.fields.iter().filter(|f| !f.required).map(|f| {
        let (ty, converts) = parameter(f, site, options);
        let ident = field_ident(&f.rust_name);
        let value = if converts {
            format!("{ident}.into()")
        } else {
            ident.clone()
        };
        let mut setter = Function::new(
            format!("pub fn {ident}"),
            ["mut self".into(), seq([format!("{ident}: ").into(), ty])],
            Some("Self".into()),
            vec![
                seq([
                    format!("self.{ident} = ").into(),
                    call("Some", [value.into()]),
                    ";".into(),
                ])
                .into(),
                Code::from("self").into(),
            ],
        )
        // The field's own docs and limits, so the builder method is enough to read.
        .documented(describe::paragraphs([
            format!("Sets `{}`.", f.wire_name),
            describe::field_doc(f),
        ]));
        setter.attributes.push("must_use".into());
        Line::from(setter)
    });
    let key_setters = def
        .fields
        .iter()
        .flat_map(|f| f.keys.iter().map(move |k| key_setter(f, k, options)));
    let methods = [Line::from(new)]
        .into_iter()
        .chain(setters)
        .chain(key_setters)
        .collect();
    items(format!("impl {}", def.name), methods).into()
}

/// A builder method for a key the docs fix in an open map: `data_info_bill_no("…")` puts
/// `billNo` into `dataInfo`, creating the map when unset.
fn key_setter(field: &FieldDef, key: &MapKey, options: &EmitOptions) -> Line {
    let rt = &options.runtime;
    let map = field_ident(&field.rust_name);
    let (param, converted) = match key.ty {
        FieldType::String => ("impl Into<String>", "value.into()"),
        FieldType::Integer => ("i64", "value"),
        FieldType::Number => ("f64", "value"),
        _ => ("bool", "value"),
    };
    let value = if matches!(field.ty, FieldType::Map(ref inner) if **inner == FieldType::Json) {
        call(format!("{rt}::serde_json::Value::from"), [converted.into()])
    } else {
        converted.into()
    };
    let target = if field.required {
        format!("self.{map}.insert")
    } else {
        format!("self.{map}.get_or_insert_with(Default::default).insert")
    };
    let insert = seq([
        call(
            target,
            [format!("{}.to_owned()", literal(&key.key)).into(), value],
        ),
        ";".into(),
    ]);
    let mut setter = Function::new(
        format!("pub fn {}", key.method),
        ["mut self".into(), format!("value: {param}").into()],
        Some("Self".into()),
        vec![insert.into(), Code::from("self").into()],
    )
    .documented(describe::paragraphs([
        format!("Sets `{}` in `{}`.", key.key, field.wire_name),
        key.description.clone().unwrap_or_default(),
    ]));
    setter.attributes.push("must_use".into());
    setter.into()
}
