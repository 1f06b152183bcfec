//! Objections to the tender documents (招标投标法实施条例 第二十二条): raised at least 10 days before the
//! deadline; the activity stops until the principal's reply, and the deadline moves out by the pause.

use axum::extract::{Path, State};
use ggzy_app::objection::DocumentObjection;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::WebState;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{ApiJson, MaybeActor, RequireActor};

/// An objection to the documents.
#[derive(Debug, Serialize, ToSchema)]
pub struct DocumentObjectionDto {
    /// Id.
    objection_id: String,
    /// The objector: shown to itself and to regulators only (empty otherwise, 招标投标法 第二十二条).
    objector_credit_code: String,
    /// Text.
    text: String,
    /// Day raised.
    raised_day: String,
    /// The principal's reply.
    reply: Option<String>,
    /// Day answered.
    answered_day: Option<String>,
}

fn dtos(objections: Vec<DocumentObjection>) -> Vec<DocumentObjectionDto> {
    objections
        .into_iter()
        .map(|o| DocumentObjectionDto {
            objection_id: o.objection_id,
            objector_credit_code: o.objector_credit_code,
            text: o.text,
            raised_day: o.raised_day.to_string(),
            answered_day: o.answer.as_ref().map(|(_, day)| day.to_string()),
            reply: o.answer.map(|(reply, _)| reply),
        })
        .collect()
}

type Objections = ApiResult<axum::Json<Vec<DocumentObjectionDto>>>;

/// The tender's objections to its documents and the replies.
#[utoipa::path(get, path = "/api/v1/tenders/{tender_id}/objections", tag = "tenders", responses(
    (status = 200, body = Vec<DocumentObjectionDto>), (status = 404, body = ErrorBody),
))]
pub async fn list_objections(
    State(state): State<WebState>,
    MaybeActor(actor): MaybeActor,
    Path(tender_id): Path<String>,
) -> Objections {
    Ok(axum::Json(dtos(state.app.objections_for(actor.as_ref(), &tender_id).await?)))
}

/// An objection.
#[derive(Debug, Deserialize, ToSchema)]
pub struct DocumentObjectionRequest {
    /// The objecting entity (the caller acts for it).
    objector_credit_code: String,
    /// What it objects to.
    text: String,
}

/// Objects to the tender documents; the tendering activity stops until the reply.
#[utoipa::path(post, path = "/api/v1/tenders/{tender_id}/objections", tag = "tenders",
    request_body = DocumentObjectionRequest, responses(
        (status = 200, body = Vec<DocumentObjectionDto>),
        (status = 409, description = "objection_out_of_time (with the last allowed day), invalid_transition", body = ErrorBody),
    ), security(("session" = []), ("api_token" = [])))]
pub async fn object_to_documents(
    State(state): State<WebState>,
    RequireActor(actor): RequireActor,
    Path(tender_id): Path<String>,
    ApiJson(request): ApiJson<DocumentObjectionRequest>,
) -> Objections {
    let objections =
        state.app.object_to_documents(&actor, &tender_id, &request.objector_credit_code, &request.text).await?;
    Ok(axum::Json(dtos(objections)))
}

/// The principal's reply.
#[derive(Debug, Deserialize, ToSchema)]
pub struct DocumentReplyRequest {
    /// The reply.
    reply: String,
}

/// Answers an objection to the documents (within 3 days); the last answer lifts the pause and
/// moves the bid deadline out by its length.
#[utoipa::path(post, path = "/api/v1/tenders/{tender_id}/objections/{objection_id}/reply", tag = "tenders",
    request_body = DocumentReplyRequest, responses(
        (status = 200, body = Vec<DocumentObjectionDto>), (status = 404, body = ErrorBody),
        (status = 409, description = "objection_already_answered", body = ErrorBody),
    ), security(("session" = []), ("api_token" = [])))]
pub async fn answer_document_objection(
    State(state): State<WebState>,
    RequireActor(actor): RequireActor,
    Path((tender_id, objection_id)): Path<(String, String)>,
    ApiJson(request): ApiJson<DocumentReplyRequest>,
) -> Objections {
    let objections = state.app.answer_document_objection(&actor, &tender_id, &objection_id, &request.reply).await?;
    Ok(axum::Json(dtos(objections)))
}
