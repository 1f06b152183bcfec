//! What a page shows when it cannot show its content: the API's status and Chinese message,
//! as a page (a browser gets HTML, never the JSON error body).

use askama::Template;
use askama_web::WebTemplate;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use ggzy_app::AppError;

use crate::error::ApiError;

/// A failed page: rendered with the status and message of the API's error table.
#[derive(Debug)]
pub(crate) struct PageError(ApiError);

#[derive(Template, WebTemplate)]
#[template(path = "error.html")]
struct ErrorPage {
    status: u16,
    heading: &'static str,
    message: String,
}

impl PageError {
    /// A bad query parameter (400), with what to fix.
    pub(crate) fn bad_query(message: impl Into<String>) -> PageError {
        PageError(ApiError::new("invalid_query", message))
    }
}

impl From<ApiError> for PageError {
    fn from(error: ApiError) -> PageError {
        PageError(error)
    }
}

impl From<AppError> for PageError {
    fn from(error: AppError) -> PageError {
        PageError(ApiError::from(error))
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let status = self.0.status();
        let heading = match status {
            StatusCode::NOT_FOUND => "未找到",
            s if s.is_client_error() => "请求有误",
            _ => "服务暂时不可用",
        };
        let page = ErrorPage { status: status.as_u16(), heading, message: self.0.body().message.clone() };
        (status, page).into_response()
    }
}
