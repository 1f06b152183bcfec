//! Errors of the use cases: the caller's fault (4xx) or ours (5xx). The web layer maps each once.

use ggzy_domain::authz::Denied;
use ggzy_store::StoreError;

/// One problem with one input field; all problems of a request are reported together.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// The field, as named in the API (`credit_code`, `legal_rep.id_number`).
    pub field: String,
    /// Stable error code, e.g. `invalid_credit_code`.
    pub code: &'static str,
    /// Chinese message saying what is wrong and how to fix it.
    pub message: String,
}

impl FieldError {
    /// A field error.
    pub fn new(field: impl Into<String>, code: &'static str, message: impl Into<String>) -> FieldError {
        FieldError { field: field.into(), code, message: message.into() }
    }
}

/// A required free text of at most `max` characters, trimmed; else an `invalid_text` error on
/// `field` saying so.
pub(crate) fn required_text(field: &str, value: &str, what: &str, max: usize) -> AppResult<String> {
    let value = value.trim();
    if value.is_empty() || value.chars().count() > max {
        return Err(AppError::Invalid(vec![FieldError::new(
            field,
            "invalid_text",
            format!("{what}不能为空，且不超过{max}个字"),
        )]));
    }
    Ok(value.to_owned())
}

/// What a use case can fail with.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// Input fields are invalid.
    #[error("invalid input")]
    Invalid(Vec<FieldError>),
    /// No such thing.
    #[error("{what} not found")]
    NotFound {
        /// What was looked for (Chinese noun, e.g. "市场主体").
        what: &'static str,
    },
    /// The thing exists already.
    #[error("{what} already exists")]
    AlreadyExists {
        /// What (Chinese noun).
        what: &'static str,
    },
    /// Not signed in (or the session or token expired).
    #[error("not authenticated")]
    Unauthenticated,
    /// The policy refuses the action.
    #[error("forbidden: {0}")]
    Forbidden(Denied),
    /// The user may act in this region but not on this entity (not a member).
    #[error("not a member of the entity")]
    NotEntityMember,
    /// Optimistic concurrency: someone changed the thing since the caller read it.
    #[error("version conflict: expected {expected}, current {actual}")]
    VersionConflict {
        /// Version the caller sent.
        expected: i64,
        /// Current version.
        actual: i64,
    },
    /// Wrong username or password (deliberately not saying which).
    #[error("login failed")]
    LoginFailed,
    /// Too many failed logins; try again later.
    #[error("login throttled")]
    LoginThrottled {
        /// Seconds until a new attempt is allowed.
        retry_after_s: i64,
    },
    /// A browser request changing state without the session's CSRF token.
    #[error("csrf token missing or wrong")]
    CsrfMismatch,
    /// A rule of the procedure refuses the request; `code` is a stable API error code (the web
    /// layer's error table gives its HTTP status) and `message` says in Chinese what to do.
    #[error("{code}: {message}")]
    Refused {
        /// Stable error code.
        code: &'static str,
        /// What is wrong and how to fix it, citing the rule.
        message: String,
    },
    /// The platform failed (database, ...). Details go to the log, not to the client.
    #[error("internal error: {0}")]
    Internal(String),
}

impl AppError {
    /// A refusal with a stable code and a Chinese message.
    pub fn refused(code: &'static str, message: impl Into<String>) -> AppError {
        AppError::Refused { code, message: message.into() }
    }
}

/// A period that reaches a year the holiday calendar does not hold is the operator's to fix (import
/// the State Council's notice), shown as `calendar_not_covered`; anything else from the engine is a bug.
impl From<ggzy_domain::deadline::DeadlineError> for AppError {
    fn from(error: ggzy_domain::deadline::DeadlineError) -> AppError {
        match error {
            ggzy_domain::deadline::DeadlineError::Calendar(error) => {
                AppError::refused("calendar_not_covered", error.to_string())
            }
            other => AppError::Internal(other.to_string()),
        }
    }
}

impl From<StoreError> for AppError {
    fn from(error: StoreError) -> AppError {
        match error {
            StoreError::VersionConflict { expected, actual, .. } => AppError::VersionConflict { expected, actual },
            // A unique constraint of a projection decided a race the app's own check could not see.
            StoreError::Duplicate(_) => AppError::AlreadyExists { what: "记录" },
            StoreError::PreconditionFailed(_) => AppError::Refused {
                code: "state_changed",
                message: "办理期间该事项的状态已发生变化，请刷新后重试".to_owned(),
            },
            other => AppError::Internal(format!("{other}: {}", error_chain(&other))),
        }
    }
}

fn error_chain(error: &dyn std::error::Error) -> String {
    let mut out = String::new();
    let mut source = error.source();
    while let Some(cause) = source {
        out.push_str(&cause.to_string());
        out.push_str("; ");
        source = cause.source();
    }
    out
}

/// Result alias of the app.
pub type AppResult<T> = Result<T, AppError>;
