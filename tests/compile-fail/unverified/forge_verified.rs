//! A handler's request can only come from the signature middleware: `Verified` has no public
//! constructor, so a forged notification cannot be handed to `handle_notification` or
//! `handle` without passing the check.

use alipayhk::runtime::server::{Caller, Verified};

fn main() {
    let caller = Caller {
        client_id: "FORGED".into(),
        request_time: "0".into(),
        encrypted: false,
    };
    let _forged = Verified {
        caller,
        body: b"{}".to_vec().into(),
    };
}
