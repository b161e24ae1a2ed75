//! The printer's layout never changes what the code says, and keeps lines within the width.
//!
//! For the product spec and the kitchen-sink fixture (which holds every construct the
//! emitters write), with every name made longer by 0 to 64 characters, and for both the
//! generated crate's options and the attribute macro's: each file printed at the default width
//! parses, and its tokens are those of the same model printed with no width limit (every list
//! on one line), but for the trailing commas a broken list adds. No line is wider than the
//! width unless a single token on it cannot fit beside its indentation.

use std::path::Path;

use proc_macro2::{Group, TokenStream, TokenTree};
use quote::ToTokens;

use crate::EmitOptions;
use crate::emit;
use crate::model::{Api, FieldType, Message, ObjectDef, ResultCodes, TypeDef};

fn spec(relative: &str) -> Api {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    crate::load(&root.join(relative)).unwrap()
}

/// `api` with every Rust name the emitters print made `extra` characters longer. The result
/// need not compile (a renamed type is not renamed where a rule names it); it only has to be
/// printed.
fn lengthen(mut api: Api, extra: usize) -> Api {
    let camel = "X".repeat(extra);
    let snake = if extra == 0 {
        String::new()
    } else {
        format!("_{}", "x".repeat(extra - 1))
    };
    let object = |o: &mut ObjectDef| {
        o.name.push_str(&camel);
        for field in &mut o.fields {
            field.rust_name.push_str(&snake);
            lengthen_type(&mut field.ty, &camel);
            for key in &mut field.keys {
                key.setter.push_str(&snake);
            }
        }
    };
    let types = |types: &mut std::collections::BTreeMap<String, TypeDef>| {
        for def in types.values_mut() {
            match def {
                TypeDef::Object(o) => object(o),
                TypeDef::Enum(e) => {
                    e.name.push_str(&camel);
                    e.values.iter_mut().for_each(|v| v.variant.push_str(&camel));
                }
                TypeDef::Identifier(i) => i.name.push_str(&camel),
            }
        }
    };
    types(&mut api.shared_types);
    for set in api.result_code_tables.values_mut() {
        set.name.push_str(&camel);
    }
    for endpoint in api.endpoints.values_mut() {
        endpoint.module.push_str(&snake);
        object(&mut endpoint.request);
        if let Message::Declared(response) = &mut endpoint.response {
            object(response);
        }
        types(&mut endpoint.types);
        if let ResultCodes::Declared(set) = &mut endpoint.result_codes {
            set.name.push_str(&camel);
            set.codes
                .iter_mut()
                .for_each(|c| c.variant.push_str(&camel));
        }
    }
    api
}

fn lengthen_type(ty: &mut FieldType, camel: &str) {
    match ty {
        FieldType::Named(r) => r.name.push_str(camel),
        FieldType::Array(inner) | FieldType::Map(inner) => lengthen_type(inner, camel),
        _ => {}
    }
}

/// The tokens of `text`, parsed as a file, without the comma a broken list ends with.
fn tokens(file: &str, text: &str) -> String {
    let parsed =
        syn::parse_file(text).unwrap_or_else(|e| panic!("{file} does not parse: {e}\n{text}"));
    without_trailing_commas(parsed.into_token_stream()).to_string()
}

fn without_trailing_commas(tokens: TokenStream) -> TokenStream {
    let mut trees: Vec<TokenTree> = tokens
        .into_iter()
        .map(|tree| match tree {
            TokenTree::Group(group) => {
                let inner = without_trailing_commas(group.stream());
                TokenTree::Group(Group::new(group.delimiter(), inner))
            }
            other => other,
        })
        .collect();
    if matches!(trees.last(), Some(TokenTree::Punct(p)) if p.as_char() == ',') {
        trees.pop();
    }
    // A generic list `<A, B,>` is not a group: drop a comma right before its `>`.
    let mut out = Vec::with_capacity(trees.len());
    for (index, tree) in trees.iter().enumerate() {
        let before_close =
            matches!(trees.get(index + 1), Some(TokenTree::Punct(p)) if p.as_char() == '>');
        if !(before_close && matches!(tree, TokenTree::Punct(p) if p.as_char() == ',')) {
            out.push(tree.clone());
        }
    }
    out.into_iter().collect()
}

/// A line wider than the width is allowed only when one token on it, with the line's
/// indentation, is wider than the width by itself, when the line is that token and the
/// punctuation that closes it (`"...",`), which no line break can move, or when it holds no
/// list at all.
fn check_widths(file: &str, text: &str, width: usize) {
    for (number, line) in text.lines().enumerate() {
        let body = line.trim_start();
        if line.chars().count() <= width || body.starts_with("//") {
            continue;
        }
        let indent = line.len() - body.len();
        let longest = longest_token(body);
        let unbreakable =
            body.len() - body.trim_end_matches([',', ';', ')']).len() + longest == body.len();
        // A line with no list on it (`pub use module::Name;`, `pub field: path::Type,`) has
        // nothing the printer could break: its rule leaves it as it is.
        // (A block's `{` ends a line; it opens no list.)
        let no_list = !body.trim_end_matches(" {").contains(['(', '<', '[', '{']);
        assert!(
            indent + longest > width || unbreakable || no_list,
            "{file}:{}: {} columns, with nothing that had to be that long:\n{line}",
            number + 1,
            line.chars().count()
        );
    }
}

/// The length of the longest string literal or identifier in `line`.
fn longest_token(line: &str) -> usize {
    let (mut longest, mut chars) = (0, line.chars().peekable());
    while let Some(c) = chars.next() {
        let mut length = 1;
        if c == '"' {
            while let Some(c) = chars.next() {
                length += 1;
                match c {
                    '\\' => {
                        chars.next();
                        length += 1;
                    }
                    '"' => break,
                    _ => {}
                }
            }
        } else if c.is_alphanumeric() || c == '_' {
            while chars
                .next_if(|c| c.is_alphanumeric() || *c == '_')
                .is_some()
            {
                length += 1;
            }
        }
        longest = longest.max(length);
    }
    longest
}

fn check(api: &Api, options: &EmitOptions, widths: bool) {
    let flat = options.clone().width(usize::MAX);
    let printed = emit::generate(api, options);
    let unbroken = emit::generate(api, &flat);
    for (file, text) in &printed {
        if widths {
            check_widths(file, text, options.line_width());
        }
        assert_eq!(
            tokens(file, text),
            tokens(file, &unbroken[file]),
            "{file}: the layout changed the tokens"
        );
    }
}

/// How much longer names are made for the width check: the spec's longest Rust name is 30
/// characters, so names of up to 46. Past that, a line such as `pub field: Type,` or
/// `impl Validate for Name {` holds no list to break, and two long names fill it.
const WIDTH_CHECKED_UP_TO: usize = 16;

#[test]
fn printed_code_means_what_the_model_says_and_fits_the_width() {
    let crate_options = EmitOptions::runtime_crate();
    let macro_options = EmitOptions::alipayhk();
    for api in [spec("spec"), spec("tests/kitchen-sink/spec")] {
        for extra in 0..=64 {
            let options = if extra % 2 == 0 {
                &crate_options
            } else {
                &macro_options
            };
            check(
                &lengthen(api.clone(), extra),
                options,
                extra <= WIDTH_CHECKED_UP_TO,
            );
        }
    }
}
