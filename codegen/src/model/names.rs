//! Naming rules: which spec names are accepted and which Rust names they become.

use heck::{ToPascalCase, ToSnakeCase};

/// `updatePass`: starts lower-case, letters and digits only.
pub(crate) fn is_lower_camel(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase()) && chars.all(|c| c.is_ascii_alphanumeric())
}

/// `PassInfo`: starts upper-case, letters and digits only.
pub(crate) fn is_pascal(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_uppercase()) && chars.all(|c| c.is_ascii_alphanumeric())
}

/// Whether a wire name can be a struct field: an identifier-like JSON key.
pub(crate) fn is_wire_field_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// The Rust field name for a wire name: `merchantId` → `merchant_id`.
pub(crate) fn rust_field_ident_name(wire: &str) -> String {
    wire.to_snake_case()
}

/// The Rust variant name for a wire value: `UPDATE_MEMBER_CARD` → `UpdateMemberCard`,
/// `qrcode` → `Qrcode`, `EAN-13` → `Ean13`. `None` when nothing usable remains.
pub(crate) fn variant_name(wire: &str) -> Option<String> {
    let name = wire.to_pascal_case();
    match name.chars().next() {
        Some(c) if c.is_ascii_alphabetic() => Some(name),
        Some(c) if c.is_ascii_digit() => Some(format!("V{name}")),
        _ => None,
    }
}

/// The type-name prefix for an endpoint: `updatePass` → `UpdatePass`.
pub(crate) fn pascal(name: &str) -> String {
    name.to_pascal_case()
}

/// The module name for an endpoint: `updatePass` → `update_pass`.
pub(crate) fn module_name(name: &str) -> String {
    name.to_snake_case()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_rust_conventions() {
        assert_eq!(rust_field_ident_name("merchantId"), "merchant_id");
        assert_eq!(rust_field_ident_name("type"), "type");
        assert_eq!(
            variant_name("UPDATE_MEMBER_CARD").as_deref(),
            Some("UpdateMemberCard")
        );
        assert_eq!(variant_name("EAN-13").as_deref(), Some("Ean13"));
        assert_eq!(variant_name("$").as_deref(), None);
        assert_eq!(module_name("updatePass"), "update_pass");
        assert!(is_lower_camel("applyToken") && !is_lower_camel("ApplyToken"));
        assert!(is_pascal("PassInfo") && !is_pascal("pass_info"));
    }
}
