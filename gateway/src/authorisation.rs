//! prepareForRedirect (v1): the A. Points authorisation URL. AlipayHK answers a page of its own
//! where the user agrees (or not); the gateway answers its own page, `/oauth/authorize`
//! (`authorisation_page.rs`), under a session that waits ten minutes for one decision. An
//! agreement sends the user back to `merchantRedirectUrl` with an authorisation code from
//! [`Gateway::issue_auth_code`] (the one `applyToken` exchanges) and `authResult=SUCCESS`;
//! a refusal with `authResult=FAIL` and no code.

use std::time::{Duration, Instant};

use alipayhk::runtime::server::failure;
use alipayhk::{PrepareForRedirectRequest, PrepareForRedirectResponse, ResultInfo};

use crate::records::{AUTH_SESSION_LIFETIME, AuthSession};
use crate::state::{Gateway, lock, success};

/// The authorisation page's path on the gateway.
pub const AUTHORISE_PATH: &str = "/oauth/authorize";

/// The scopes the page lists: reading the user's A. Points.
const SCOPES: &[&str] = &["USER_POINTS"];

/// What the user decided on the authorisation page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Consent {
    Agree,
    Deny,
}

/// Why a decision could not be taken: the session is not one waiting for the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum SessionError {
    /// Never prepared, or already decided (a session is good for one decision).
    Unknown,
    /// Prepared more than ten minutes ago.
    Expired,
}

impl std::fmt::Display for SessionError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Unknown => "this authorisation session is unknown or was already used",
            Self::Expired => "this authorisation session expired: ask the merchant for a new link",
        })
    }
}

impl Gateway {
    /// The gateway's own base URL (`http://127.0.0.1:PORT`), once it serves; a gateway not
    /// served (its `Api` called in process) answers pages on `http://127.0.0.1`.
    pub fn base_url(&self) -> String {
        self.base_url
            .get()
            .cloned()
            .unwrap_or_else(|| "http://127.0.0.1".to_owned())
    }

    /// Ages an authorisation session past its lifetime.
    pub fn expire_authorisation_session(&self, session: &str) {
        if let Some(entry) = lock(&self.auth_sessions).get_mut(session) {
            entry.created = entry
                .created
                .checked_sub(AUTH_SESSION_LIFETIME + Duration::from_secs(1))
                .unwrap_or(entry.created);
        }
    }

    pub(crate) fn prepare_authorisation(
        &self,
        request: &PrepareForRedirectRequest,
    ) -> Result<PrepareForRedirectResponse, ResultInfo> {
        // authSite and terminalType are enums of one value each: their parse checked them.
        if request.scopes.is_empty()
            || request
                .scopes
                .iter()
                .any(|scope| !SCOPES.contains(&scope.as_str()))
        {
            return Err(failure(
                "PARAM_ILLEGAL",
                format!("scopes must be one or more of {SCOPES:?}"),
            ));
        }
        let url = request.merchant_redirect_url.trim();
        let rest = url
            .strip_prefix("https://")
            .or_else(|| url.strip_prefix("http://"));
        // Printable ASCII only: the URL becomes the redirect's `Location` header.
        if rest.is_none_or(|rest| rest.is_empty() || rest.starts_with('/'))
            || !url.bytes().all(|b| b.is_ascii_graphic())
        {
            return Err(failure(
                "PARAM_ILLEGAL",
                "merchantRedirectUrl must be an absolute http(s) URL, printable ASCII",
            ));
        }
        let session = format!("S{}", self.next_id());
        let mut sessions = lock(&self.auth_sessions);
        // Sessions nobody decided on are forgotten once they expire.
        sessions.retain(|_, s| s.created.elapsed() <= AUTH_SESSION_LIFETIME);
        sessions.insert(
            session.clone(),
            AuthSession {
                merchant_id: request.auth_merchant_id.to_string(),
                redirect_url: url.to_owned(),
                scopes: request.scopes.clone(),
                created: Instant::now(),
            },
        );
        let page = format!("{}{AUTHORISE_PATH}?session={session}", self.base_url());
        Ok(PrepareForRedirectResponse::new(success(), page))
    }

    /// The session waiting for the user, to show the page.
    pub(crate) fn authorisation_session(&self, session: &str) -> Result<AuthSession, SessionError> {
        let sessions = lock(&self.auth_sessions);
        let entry = sessions.get(session).ok_or(SessionError::Unknown)?;
        if entry.created.elapsed() > AUTH_SESSION_LIFETIME {
            return Err(SessionError::Expired);
        }
        Ok(entry.clone())
    }

    /// Takes the user's decision on `session` (used up whatever it is) and answers where the
    /// user goes next: the merchant's URL with the result appended.
    pub(crate) fn decide_authorisation(
        &self,
        session: &str,
        user_id: &str,
        consent: Consent,
    ) -> Result<String, SessionError> {
        let entry = {
            let mut sessions = lock(&self.auth_sessions);
            let entry = sessions.remove(session).ok_or(SessionError::Unknown)?;
            if entry.created.elapsed() > AUTH_SESSION_LIFETIME {
                return Err(SessionError::Expired);
            }
            entry
        };
        let result = match consent {
            Consent::Agree => {
                let code = self.issue_auth_code(user_id);
                format!("authCode={code}&authResult=SUCCESS")
            }
            Consent::Deny => "authResult=FAIL".to_owned(),
        };
        Ok(append_query(&entry.redirect_url, &result))
    }
}

/// `url` with `pairs` added to its query (after any query it has, before any fragment).
fn append_query(url: &str, pairs: &str) -> String {
    let (base, fragment) = match url.split_once('#') {
        Some((base, fragment)) => (base, Some(fragment)),
        None => (url, None),
    };
    let separator = match base.rsplit_once('?') {
        None => "?",
        Some((_, "")) => "",
        Some((_, query)) if query.ends_with('&') => "",
        Some(_) => "&",
    };
    let mut out = format!("{base}{separator}{pairs}");
    if let Some(fragment) = fragment {
        out.push('#');
        out.push_str(fragment);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::append_query;

    #[test]
    fn the_result_joins_the_query_the_merchant_url_has() {
        let pairs = "authResult=FAIL";
        assert_eq!(
            append_query("https://m.example/back", pairs),
            "https://m.example/back?authResult=FAIL"
        );
        assert_eq!(
            append_query("https://m.example/back?order=7", pairs),
            "https://m.example/back?order=7&authResult=FAIL"
        );
        assert_eq!(
            append_query("https://m.example/back?", pairs),
            "https://m.example/back?authResult=FAIL"
        );
        assert_eq!(
            append_query("https://m.example/back?a=1#done", pairs),
            "https://m.example/back?a=1&authResult=FAIL#done"
        );
    }
}
