//! The webhook router cannot be built without the keys that verify AlipayHK's signature.

use std::sync::Arc;

use alipayhk::runtime::notifications::{InMemoryStore, Inbox};

struct Merchant;

impl alipayhk::webhooks::Webhooks for Merchant {}

fn main() {
    let _app = alipayhk::webhooks::router(Arc::new(Merchant), Inbox::new(InMemoryStore::default()));
}
