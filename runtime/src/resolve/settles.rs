//! A notification that settles a call's pending intent (`notifyPayment` settles `pay`), as its
//! spec's `settles:` records it: implemented by generated code, read by
//! [`Resolver::settle_from`](super::Resolver::settle_from). Nothing about any endpoint is
//! written here.

use serde::Serialize;

use super::resolvable::Resolvable;

/// A notification AlipayHK sends about a call the resolver may still be settling: which call,
/// which of its fields name it, and which holds the call's result.
pub trait Settles: Serialize {
    /// The call whose intent it settles.
    type Call: Resolvable;
    /// Its fields (wire names) holding the call's idempotency key values, in the order of the
    /// call's key.
    const KEY: &'static [&'static str];
    /// Its field holding the call's result object: `S` done, `F` failed, `U` nothing final.
    const OUTCOME: &'static str;
}
