//! The console's request log: the last requests the gateway handled, newest first, in a ring
//! of fixed size, as the protocol middleware reports them.

use std::cell::Cell;
use std::collections::VecDeque;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use alipayhk::runtime::server::{Exchange, ExchangeObserver, Outcome};

/// How many requests the console keeps.
pub const LOG_CAPACITY: usize = 200;

/// How much of a request's body the console shows.
const BODY_EXCERPT: usize = 2048;

tokio::task_local! {
    /// The id of the entry the protocol middleware logged for the request this task serves:
    /// the transport-fault layer, outside that middleware, amends it with what its faults did
    /// to the answer, which the middleware cannot know.
    pub(crate) static LOGGED: Cell<Option<u64>>;
}

/// One request, as the console shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// Its place in the log, for the fault layer's amendment.
    pub id: u64,
    /// When it was handled, RFC 3339.
    pub at: String,
    /// `POST /api/...`.
    pub request: String,
    /// The `Client-Id` it carried, or `-`.
    pub client_id: String,
    /// `S SUCCESS`, or `refused INVALID_SIGNATURE`.
    pub verdict: String,
    /// Why it was refused.
    pub reason: Option<String>,
    /// For a refused signature: the content it had to cover, with spaces, tabs and line ends
    /// made visible.
    pub content: Option<String>,
    /// The value faults are scripted by (`passId`, `bizNo`, …), when the body has one.
    pub key: Option<String>,
    /// The request's body as received (its first 2 KiB), or a note that it was encrypted.
    pub body: Option<String>,
    /// What scripted transport faults did to the answer after it was signed: `drop`: the
    /// answer never arrived, whatever the verdict says.
    pub transport: Vec<String>,
}

/// The ring of the last [`LOG_CAPACITY`] requests.
#[derive(Debug, Default)]
pub struct RequestLog {
    entries: Mutex<VecDeque<Entry>>,
    next_id: AtomicU64,
}

impl RequestLog {
    /// The requests, newest first.
    pub fn entries(&self) -> Vec<Entry> {
        self.lock().iter().rev().cloned().collect()
    }

    /// Adds what the transport saw to entry `id`, if the log still holds it: the fault key,
    /// the body, and what the transport faults did to the answer.
    pub(crate) fn amend(&self, id: u64, key: Option<String>, body: &[u8], transport: Vec<String>) {
        let mut entries = self.lock();
        if let Some(entry) = entries.iter_mut().find(|e| e.id == id) {
            entry.key = key;
            entry.body = Some(excerpt(body));
            entry.transport = transport;
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, VecDeque<Entry>> {
        self.entries.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl ExchangeObserver for RequestLog {
    fn observe(&self, exchange: Exchange) {
        let (verdict, reason, content) = match exchange.outcome {
            Outcome::Answered { result } => (result, None, None),
            Outcome::Refused {
                code,
                reason,
                signed_content,
            } => (
                format!("refused {code}"),
                Some(reason),
                signed_content.map(|bytes| visible(&String::from_utf8_lossy(&bytes))),
            ),
        };
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        // Outside a request the fault layer serves (a unit test), there is nothing to amend.
        let _ = LOGGED.try_with(|logged| logged.set(Some(id)));
        let entry = Entry {
            id,
            at: alipayhk::runtime::wire::rfc3339_now(),
            request: format!("{} {}", exchange.method, exchange.path),
            client_id: exchange.client_id.unwrap_or_else(|| "-".into()),
            verdict,
            reason,
            content,
            key: None,
            body: None,
            transport: Vec::new(),
        };
        let mut entries = self.lock();
        if entries.len() == LOG_CAPACITY {
            entries.pop_front();
        }
        entries.push_back(entry);
    }
}

/// The body as the console shows it: JSON as text, its first [`BODY_EXCERPT`] bytes; an
/// encrypted or binary body is named, not shown.
fn excerpt(body: &[u8]) -> String {
    match std::str::from_utf8(body) {
        Ok(text) if text.trim_start().starts_with('{') => {
            let mut end = text.len().min(BODY_EXCERPT);
            while !text.is_char_boundary(end) {
                end -= 1;
            }
            let more = if end < text.len() { " …" } else { "" };
            format!("{}{more}", &text[..end])
        }
        _ => format!("({} bytes, encrypted or not JSON)", body.len()),
    }
}

/// `text` with what a signature mismatch usually hides made visible: a space as `·`, a tab
/// as `→`, a carriage return as `\r` and a line end as `↵` before the break.
pub fn visible(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    for c in text.chars() {
        match c {
            ' ' => out.push('·'),
            '\t' => out.push('→'),
            '\r' => out.push_str("\\r"),
            '\n' => out.push_str("↵\n"),
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(n: usize) -> Exchange {
        Exchange {
            method: "POST".into(),
            path: format!("/p/{n}"),
            client_id: None,
            outcome: Outcome::Refused {
                code: "INVALID_SIGNATURE",
                reason: "no".into(),
                signed_content: Some(b"POST /p\nC.T.{\"a\": 1}\r\n".to_vec()),
            },
        }
    }

    #[test]
    fn the_log_keeps_the_newest_requests_within_its_capacity() {
        let log = RequestLog::default();
        for n in 0..LOG_CAPACITY + 5 {
            log.observe(refused(n));
        }
        let entries = log.entries();
        assert_eq!(entries.len(), LOG_CAPACITY);
        assert_eq!(entries[0].request, format!("POST /p/{}", LOG_CAPACITY + 4));
        assert_eq!(entries.last().unwrap().request, "POST /p/5");
    }

    #[test]
    fn the_signed_content_shows_its_whitespace() {
        let log = RequestLog::default();
        log.observe(refused(0));
        let content = log.entries()[0].content.clone().unwrap();
        assert_eq!(content, "POST·/p↵\nC.T.{\"a\":·1}\\r↵\n");
    }

    #[test]
    fn an_entry_is_amended_with_what_the_transport_did() {
        let log = RequestLog::default();
        log.observe(refused(0));
        log.observe(refused(1));
        let id = log.entries()[1].id;
        log.amend(
            id,
            Some("P-1".into()),
            br#"{"passId": "P-1"}"#,
            vec!["drop".into()],
        );
        let entries = log.entries();
        assert_eq!(entries[1].key.as_deref(), Some("P-1"));
        assert_eq!(entries[1].body.as_deref(), Some(r#"{"passId": "P-1"}"#));
        assert_eq!(entries[1].transport, ["drop"]);
        assert!(entries[0].key.is_none() && entries[0].transport.is_empty());
        let long = format!("{{\"a\": \"{}\"}}", "é".repeat(BODY_EXCERPT));
        assert!(excerpt(long.as_bytes()).ends_with(" …"));
        assert_eq!(excerpt(b"\x01\x02"), "(2 bytes, encrypted or not JSON)");
    }
}
