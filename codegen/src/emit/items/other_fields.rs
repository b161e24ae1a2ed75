//! What an open object adds: the object's page is cut, so it keeps the fields the page did not
//! show in `other_fields`, a map of JSON values flattened into the object's own. A response
//! keeps what it received; a request sends what the merchant put there.

use crate::describe;
use crate::emit::context::Context;
use crate::emit::runtime_type as rt;
use crate::emit::syntax::{Code, Element, Function, call, generic, seq};
use crate::model::{OTHER_FIELDS, ObjectDef};

/// The field itself: `#[serde(flatten)] pub other_fields: BTreeMap<String, Value>,`.
pub(super) fn field(cx: &Context, def: &ObjectDef) -> Option<Element> {
    let reason = def.open.as_deref()?;
    let map = generic(
        "std::collections::BTreeMap",
        ["String".into(), cx.rt(rt::JSON_VALUE)],
    );
    let code = seq([
        "pub ".into(),
        OTHER_FIELDS.into(),
        ": ".into(),
        map,
        ",".into(),
    ]);
    Some(Element::documented(describe::other_fields_doc(reason), code).with("serde(flatten)"))
}

/// `other_fields: Default::default()`, in `new`'s struct literal.
pub(super) fn initial(def: &ObjectDef) -> Option<Code> {
    def.open
        .as_ref()
        .map(|_| seq([OTHER_FIELDS.into(), ": Default::default()".into()]))
}

/// `other_field(name, value)`: a builder method that sets one field the page did not show.
pub(super) fn setter(cx: &Context, def: &ObjectDef) -> Option<Element> {
    def.open.as_ref()?;
    let insert = seq([
        call(
            "self.other_fields.insert",
            ["name.into()".into(), "value.into()".into()],
        ),
        ";".into(),
    ]);
    let function = Function::new(
        "pub fn other_field",
        [
            "mut self".into(),
            "name: impl Into<String>".into(),
            seq([
                "value: ".into(),
                generic("impl Into", [cx.rt(rt::JSON_VALUE)]),
            ]),
        ],
        Some("Self".into()),
        vec![insert.into(), Code::from("self").into()],
    )
    .with_docs(describe::other_field_setter_doc())
    .with("must_use");
    Some(function.into())
}
