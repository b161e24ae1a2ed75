//! A handler's request can only come from the signature middleware: `Verified` has no public
//! constructor, so a forged notification cannot be handed to `handle_notification` or
//! `handle` without passing the check.

use alipayhk::runtime::server::Verified;

fn main() {
    let _forged = Verified {
        caller: todo!(),
        body: b"{}".to_vec().into(),
    };
}
