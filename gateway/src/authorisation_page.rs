//! The authorisation page prepareForRedirect's `authSiteUrl` opens (`authorisation.rs`), as
//! plain HTTP beside the API: a user's browser brings no signature. `GET /oauth/authorize?
//! session=…` shows the consent form (askama, escaped); the decision comes as the form's
//! `POST`, or as a `GET` with `user` and `consent` (`agree` or `deny`) for a test or a script
//! that plays the user. It answers `302 Found` to the merchant's URL; a session that is
//! unknown, used or expired gets a `400` page.

use std::sync::Arc;

use askama::Template;
use axum::Form;
use axum::Router;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use serde::Deserialize;

use crate::authorisation::{AUTHORISE_PATH, Consent};
use crate::state::Gateway;

/// The page: the consent form for a session, or only the problem when there is none to show.
#[derive(Template)]
#[template(path = "authorise.html")]
struct AuthorisePage {
    path: &'static str,
    session: String,
    merchant_id: String,
    scopes: String,
    user: String,
    problem: Option<String>,
}

/// The query of a `GET`, or the form of a `POST` (axum's `Form` reads either).
#[derive(Debug, Deserialize)]
pub(crate) struct Decision {
    #[serde(default)]
    session: String,
    user: Option<String>,
    consent: Option<String>,
}

/// `GET` and `POST` on [`AUTHORISE_PATH`].
pub(crate) fn routes(gateway: Arc<Gateway>) -> Router {
    Router::new()
        .route(AUTHORISE_PATH, get(answer).post(answer))
        .with_state(gateway)
}

async fn answer(State(gateway): State<Arc<Gateway>>, Form(form): Form<Decision>) -> Response {
    let session = match gateway.authorisation_session(&form.session) {
        Ok(session) => session,
        Err(problem) => return page(StatusCode::BAD_REQUEST, None, problem.to_string()),
    };
    let consent = match form.consent.as_deref() {
        // No decision yet: show the form.
        None => return page(StatusCode::OK, Some((&form, session)), None),
        Some("agree") => Consent::Agree,
        Some("deny") => Consent::Deny,
        Some(other) => {
            let problem = format!("consent is `agree` or `deny`, not `{other}`");
            return page(StatusCode::BAD_REQUEST, Some((&form, session)), problem);
        }
    };
    let user = form.user.as_deref().unwrap_or_default().trim();
    // Only an agreement needs the user: a code is issued for them.
    if consent == Consent::Agree && !is_user_id(user) {
        let problem = "an AlipayHK user ID is digits starting 2160".to_owned();
        return page(StatusCode::BAD_REQUEST, Some((&form, session)), problem);
    }
    match gateway.decide_authorisation(&form.session, user, consent) {
        Ok(location) => (StatusCode::FOUND, [(header::LOCATION, location)]).into_response(),
        Err(problem) => page(StatusCode::BAD_REQUEST, None, problem.to_string()),
    }
}

/// A user ID as the console's wallet form takes it.
fn is_user_id(user: &str) -> bool {
    user.starts_with("2160") && user.bytes().all(|b| b.is_ascii_digit())
}

fn page(
    status: StatusCode,
    form: Option<(&Decision, crate::records::AuthSession)>,
    problem: impl Into<Option<String>>,
) -> Response {
    let (session, merchant_id, scopes, user) = match form {
        Some((form, session)) => (
            form.session.clone(),
            session.merchant_id,
            session.scopes.join(", "),
            form.user.clone().unwrap_or_default(),
        ),
        None => Default::default(),
    };
    let page = AuthorisePage {
        path: AUTHORISE_PATH,
        session,
        merchant_id,
        scopes,
        user,
        problem: problem.into(),
    };
    match page.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(error) => (StatusCode::INTERNAL_SERVER_ERROR, error.to_string()).into_response(),
    }
}
