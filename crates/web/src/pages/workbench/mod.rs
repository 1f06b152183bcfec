//! Role workbenches (工作台) as pages: sign-in and sign-out, the index of the signed-in user's
//! workbenches, and one page family per role. A page reads the session cookie (never an API
//! token); a form posts a hidden `csrf_token` that must equal the session's, like the API's
//! `X-CSRF-Token` header. Every form goes through the API's use case and shows the API's Chinese
//! error next to the field it concerns ([`FormErrors`]).

mod bidder;
mod center;
mod expert;
mod principal;
mod regulator;
mod sign_in;

use std::collections::BTreeMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use ggzy_app::actor::Credential;
use ggzy_app::{Actor, AppError};
use ggzy_domain::Role;

use super::PageError;
use crate::WebState;
use crate::error::ApiError;
use crate::extract::session_token;

/// The workbench routes.
pub(crate) fn routes() -> Router<WebState> {
    Router::new()
        .route("/login", get(sign_in::form).post(sign_in::submit))
        .route("/logout", post(sign_in::sign_out))
        .route("/workbench", get(index))
        .merge(bidder::routes())
        .merge(principal::routes())
        .merge(expert::routes())
        .merge(center::routes())
        .merge(regulator::routes())
}

/// A signed-in user on a page: the session's actor and its CSRF token. A visitor without a live
/// session is sent to the sign-in page, which brings them back.
pub(crate) struct Desk {
    pub(crate) actor: Actor,
    pub(crate) csrf_token: String,
}

impl Desk {
    /// Refuses a form whose CSRF token is not the session's (a form posted from another site).
    pub(crate) fn check_csrf(&self, posted: &str) -> Result<(), PageError> {
        if posted == self.csrf_token { Ok(()) } else { Err(PageError::from(AppError::CsrfMismatch)) }
    }

    /// Refuses a user without the role (403, with the API's message).
    pub(crate) fn require(&self, roles: &[Role]) -> Result<(), PageError> {
        if roles.iter().any(|role| self.actor.has_role(*role)) {
            Ok(())
        } else {
            let wanted = roles.iter().map(|role| role.label_zh()).collect::<Vec<_>>().join("或");
            Err(PageError::from(ApiError::new("forbidden", format!("此工作台仅供{wanted}使用，请换用相应账号登录"))))
        }
    }
}

impl FromRequestParts<WebState> for Desk {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &WebState) -> Result<Self, Response> {
        let to_sign_in = || {
            let back = parts.uri.path_and_query().map_or("/workbench", |p| p.as_str());
            Redirect::to(&format!("/login?next={}", urlencoding(back))).into_response()
        };
        let Some(token) = session_token(parts) else { return Err(to_sign_in()) };
        match state.app.session_actor(&token).await {
            Ok(actor) => {
                let Credential::Session { csrf_token } = &actor.credential else {
                    return Err(to_sign_in());
                };
                let csrf_token = csrf_token.clone();
                Ok(Desk { actor, csrf_token })
            }
            Err(AppError::Unauthenticated) => Err(to_sign_in()),
            Err(other) => Err(PageError::from(other).into_response()),
        }
    }
}

/// A submitted `application/x-www-form-urlencoded` form; a malformed one is a page with the
/// Chinese reason (never axum's plain-text rejection).
pub(crate) struct PageForm<T>(pub(crate) T);

impl<T, S> axum::extract::FromRequest<S> for PageForm<T>
where
    T: serde::de::DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = PageError;

    async fn from_request(request: axum::extract::Request, state: &S) -> Result<Self, PageError> {
        match axum::Form::<T>::from_request(request, state).await {
            Ok(axum::Form(value)) => Ok(PageForm(value)),
            Err(rejection) => Err(PageError::from(ApiError::new(
                "invalid_body",
                format!("表单内容不完整或格式错误，请返回页面重新填写后提交：{}", rejection.body_text()),
            ))),
        }
    }
}

/// Percent-encodes a path for a query value (what `next` carries back to the sign-in page).
fn urlencoding(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => out.push(char::from(byte)),
            other => out.push_str(&format!("%{other:02X}")),
        }
    }
    out
}

/// The errors of a submitted form, by field name: the API's field errors where it names fields,
/// otherwise its message beside the field the form says the error is about.
#[derive(Debug, Default)]
pub(crate) struct FormErrors {
    fields: BTreeMap<String, String>,
}

impl FormErrors {
    /// The API's answer to a form: `details` by field (their API names), else the message on `field`.
    pub(crate) fn from_api(error: impl Into<ApiError>, field: &str) -> FormErrors {
        let error: ApiError = error.into();
        let body = error.body();
        let mut fields = BTreeMap::new();
        for detail in &body.details {
            fields.entry(detail.field.clone()).or_insert_with(|| detail.message.clone());
        }
        if fields.is_empty() {
            fields.insert(field.to_owned(), body.message.clone());
        }
        FormErrors { fields }
    }

    /// One error of the form's own (a field left empty, a file missing).
    pub(crate) fn one(field: &str, message: impl Into<String>) -> FormErrors {
        FormErrors { fields: BTreeMap::from([(field.to_owned(), message.into())]) }
    }

    /// The message for a field, if it has one.
    pub(crate) fn get(&self, field: &str) -> Option<&str> {
        self.fields.get(field).map(String::as_str)
    }

    /// Messages the form has no field for, in field order (shown above the form).
    pub(crate) fn others(&self, known: &[&str]) -> Vec<&str> {
        self.fields.iter().filter(|(field, _)| !known.contains(&field.as_str())).map(|(_, m)| m.as_str()).collect()
    }
}

/// The one form of a page that was refused: which form (its key: the form's kind and its row) and
/// the errors; every other form of the page renders clean.
#[derive(Debug, Default)]
pub(crate) struct FailedForm {
    key: String,
    errors: FormErrors,
}

impl FailedForm {
    /// The form `key` refused with `errors`.
    pub(crate) fn new(key: impl Into<String>, errors: FormErrors) -> FailedForm {
        FailedForm { key: key.into(), errors }
    }

    /// Whether `key` is the refused form.
    pub(crate) fn is(&self, key: &str) -> bool {
        !self.key.is_empty() && self.key == key
    }

    /// The error of a field of form `key`, if that form is the refused one.
    pub(crate) fn err(&self, key: &str, field: &str) -> Option<&str> {
        if self.is(key) { self.errors.get(field) } else { None }
    }

    /// Errors of form `key` that belong to no field it shows.
    pub(crate) fn others(&self, key: &str, known: &[&str]) -> Vec<&str> {
        if self.is(key) { self.errors.others(known) } else { Vec::new() }
    }
}

/// Where each role works.
const WORKBENCHES: [(Role, &str, &str); 5] = [
    (Role::Bidder, "/workbench/bidder", "投标人工作台：报名、递交加密投标文件、回执、不见面开标"),
    (
        Role::Principal,
        "/workbench/principal",
        "招标人/代理机构工作台：项目、公告、澄清与异议、抽取专家、评标报告、定标",
    ),
    (Role::Expert, "/workbench/expert", "评标专家工作台：抽取通知、回避承诺、评审打分"),
    (Role::CenterStaff, "/workbench/center", "交易中心工作台：开标场次与开标记录"),
    (Role::Regulator, "/workbench/regulator", "监管工作台：程序监控、预警、投诉"),
];

/// Which workbench a role uses (an agency works where the principal does).
fn workbench_of(role: Role) -> Option<(&'static str, &'static str)> {
    let role = if role == Role::Agency { Role::Principal } else { role };
    WORKBENCHES.iter().find(|(r, _, _)| *r == role).map(|(_, path, label)| (*path, *label))
}

/// A link to one workbench on the index.
pub(crate) struct WorkbenchLink {
    path: &'static str,
    label: &'static str,
}

#[derive(Template, WebTemplate)]
#[template(path = "workbench/index.html")]
struct IndexPage {
    user: String,
    csrf_token: String,
    links: Vec<WorkbenchLink>,
}

/// `/workbench`: the user's only workbench directly, else the list of them.
async fn index(State(_state): State<WebState>, desk: Desk) -> Response {
    let mut links: Vec<WorkbenchLink> = Vec::new();
    for grant in &desk.actor.grants {
        if let Some((path, label)) = workbench_of(grant.role)
            && !links.iter().any(|link| link.path == path)
        {
            links.push(WorkbenchLink { path, label });
        }
    }
    if let [only] = links.as_slice() {
        return Redirect::to(only.path).into_response();
    }
    let page = IndexPage { user: desk.actor.display_name.clone(), csrf_token: desk.csrf_token.clone(), links };
    no_store(page.into_response())
}

/// Workbench pages show one user's data: never kept by a browser or a proxy.
pub(crate) fn no_store(mut response: Response) -> Response {
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}
