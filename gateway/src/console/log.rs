//! The console's request log: the last requests the gateway handled, newest first, in a ring
//! of fixed size, as the protocol middleware reports them.

use std::collections::VecDeque;
use std::sync::Mutex;

use alipayhk::runtime::server::{Exchange, ExchangeObserver, Outcome};

/// How many requests the console keeps.
pub const LOG_CAPACITY: usize = 200;

/// One request, as the console shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
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
}

/// The ring of the last [`LOG_CAPACITY`] requests.
#[derive(Debug, Default)]
pub struct RequestLog {
    entries: Mutex<VecDeque<Entry>>,
}

impl RequestLog {
    /// The requests, newest first.
    pub fn entries(&self) -> Vec<Entry> {
        self.lock().iter().rev().cloned().collect()
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
        let entry = Entry {
            at: alipayhk::runtime::wire::rfc3339_now(),
            request: format!("{} {}", exchange.method, exchange.path),
            client_id: exchange.client_id.unwrap_or_else(|| "-".into()),
            verdict,
            reason,
            content,
        };
        let mut entries = self.lock();
        if entries.len() == LOG_CAPACITY {
            entries.pop_front();
        }
        entries.push_back(entry);
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
}
