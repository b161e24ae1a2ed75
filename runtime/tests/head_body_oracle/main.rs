//! The v1 head/body envelope against an independent oracle, `tests/oracles/head_body.py`
//! (Python's `json` scanner and the `cryptography` package): what the runtime seals, Python
//! verifies; what Python signs, with whatever whitespace, escapes, characters and key order,
//! the runtime verifies; any one-byte change inside the signed value is refused; and a
//! known-answer envelope (`fixtures/v1_request_envelope.json`, made by the oracle with the
//! public test key) is verified and reproduced byte for byte.
//!
//! Nothing here is skipped: without `python3` and `cryptography` the tests fail, saying so.

mod known_answer;
mod sealing;
mod support;
mod tampering;
