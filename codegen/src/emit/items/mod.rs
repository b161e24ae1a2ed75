//! One file per emitted thing, each describing it in the syntax model.

pub(crate) mod crate_root;
pub(crate) mod endpoint;
pub(crate) mod enums;
pub(crate) mod identifier;
pub(crate) mod notifications;
pub(crate) mod object;
mod other_fields;
pub(crate) mod protocol;
pub(crate) mod resolvable;
pub(crate) mod result_codes;
pub(crate) mod routers;
pub(crate) mod validate;
