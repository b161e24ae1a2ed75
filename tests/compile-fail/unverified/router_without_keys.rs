//! The webhook router cannot be built without the keys that verify AlipayHK's signature.

use std::sync::Arc;

use alipayhk::runtime::notifications::InMemoryStore;

struct Merchant;

impl alipayhk::webhooks::Webhooks for Merchant {}

fn main() {
    let _app = alipayhk::webhooks::router(Arc::new(Merchant), Arc::new(InMemoryStore::default()));
}
