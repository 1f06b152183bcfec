//! Sign-in and sign-out as pages (the same sessions as `/api/v1/auth/login`): the form, its
//! errors beside the fields, and the way back to the workbench page that asked for it.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::CookieJar;
use serde::Deserialize;

use super::{Desk, FormErrors, PageForm, no_store};
use crate::WebState;
use crate::api::auth::{session_cookie, session_cookie_removal};
use crate::extract::SESSION_COOKIE;
use crate::pages::PageError;

#[derive(Template, WebTemplate)]
#[template(path = "workbench/login.html")]
struct LoginPage {
    username: String,
    next: String,
    errors: FormErrors,
}

#[derive(Debug, Deserialize)]
pub(crate) struct NextQuery {
    next: Option<String>,
}

/// Only a workbench page of this site may be returned to (never an open redirect).
fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(path) if path.starts_with("/workbench") && !path.contains("//") && !path.contains('\\') => path.to_owned(),
        _ => "/workbench".to_owned(),
    }
}

/// `GET /login`.
pub(crate) async fn form(Query(query): Query<NextQuery>) -> Response {
    let page =
        LoginPage { username: String::new(), next: safe_next(query.next.as_deref()), errors: FormErrors::default() };
    no_store(page.into_response())
}

#[derive(Debug, Deserialize)]
pub(crate) struct Credentials {
    username: String,
    password: String,
    next: Option<String>,
}

/// `POST /login`: a session cookie and back to the workbench, or the form with the reason.
pub(crate) async fn submit(
    State(state): State<WebState>,
    jar: CookieJar,
    PageForm(form): PageForm<Credentials>,
) -> Response {
    let next = safe_next(form.next.as_deref());
    let username = form.username.trim().to_owned();
    let errors = if username.is_empty() {
        FormErrors::one("username", "请输入用户名")
    } else if form.password.is_empty() {
        FormErrors::one("password", "请输入密码")
    } else {
        match state.app.login(&username, &form.password).await {
            Ok(session) => {
                let jar = jar.add(session_cookie(&state, &session));
                return (jar, Redirect::to(&next)).into_response();
            }
            Err(error) => FormErrors::from_api(error, "password"),
        }
    };
    let status = if errors.get("password").is_some() || errors.get("username").is_some() {
        axum::http::StatusCode::UNPROCESSABLE_ENTITY
    } else {
        axum::http::StatusCode::OK
    };
    (status, no_store(LoginPage { username, next, errors }.into_response())).into_response()
}

#[derive(Debug, Deserialize)]
pub(crate) struct SignOut {
    #[serde(default)]
    csrf_token: String,
}

/// `POST /logout`: ends the session and returns to the home page.
pub(crate) async fn sign_out(
    State(state): State<WebState>,
    desk: Desk,
    jar: CookieJar,
    PageForm(form): PageForm<SignOut>,
) -> Result<Response, PageError> {
    desk.check_csrf(&form.csrf_token)?;
    if let Some(cookie) = jar.get(SESSION_COOKIE) {
        state.app.logout(cookie.value()).await?;
    }
    Ok((jar.remove(session_cookie_removal()), Redirect::to("/")).into_response())
}
