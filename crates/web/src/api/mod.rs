//! `/api/v1`: the JSON API, its OpenAPI 3.1 document and the Swagger UI.

pub mod alerts;
pub mod assessments;
pub mod auth;
pub mod award;
pub mod bids;
pub mod complaints;
pub mod credit;
pub mod draws;
pub mod entities;
pub mod evaluation;
pub mod events;
pub mod experts;
pub mod log;
pub mod market_screens;
pub mod objections;
pub mod opening;
pub mod opening_live;
pub mod prequalification;
pub mod procurements;
pub mod projects;
pub mod regions;
pub mod sale_tender;
pub mod sales;
pub mod securities;
pub mod tenders;
pub mod two_stage;
pub mod users;
pub mod venues;

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::response::IntoResponse;
use serde::Serialize;
use tower_governor::GovernorError;
use tower_governor::governor::GovernorConfigBuilder;
use utoipa::openapi::OpenApi;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi as _, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use utoipa_swagger_ui::SwaggerUi;

use crate::WebState;
use crate::error::{ApiError, ERROR_TABLE, ErrorBody};

/// Path of the OpenAPI document.
pub const OPENAPI_PATH: &str = "/api/v1/openapi.json";

#[derive(utoipa::OpenApi)]
#[openapi(
    info(
        title = "ggzy 公共资源交易平台 API",
        description = "公共资源交易平台（一网三平台）的 JSON 接口。所有 POST 接受 Idempotency-Key；错误码见 /api/v1/errors。",
        license(name = "MIT OR Apache-2.0")
    ),
    modifiers(&SecuritySchemes),
    components(schemas(ErrorBody))
)]
struct ApiDoc;

struct SecuritySchemes;

impl Modify for SecuritySchemes {
    fn modify(&self, openapi: &mut OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "api_token",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::new(crate::extract::SESSION_COOKIE))),
        );
    }
}

/// The API routes (public ones rate-limited per client IP) and their OpenAPI document.
pub fn routes(state: &WebState) -> (Router<WebState>, OpenApi) {
    let public = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(auth::login))
        .routes(routes!(entities::list_entities, entities::register_entity))
        .routes(routes!(entities::get_entity, entities::update_entity))
        .routes(routes!(entities::relations::get_entity_relations, entities::relations::declare_entity_relations))
        .routes(routes!(regions::list_platform_regions, regions::enable_platform_region))
        .routes(routes!(regions::get_region))
        .routes(routes!(error_table))
        .routes(routes!(log::latest_tree_head))
        .routes(routes!(log::platform_key))
        .routes(routes!(log::inclusion_proof))
        .routes(routes!(log::consistency_proof))
        .routes(routes!(tenders::get_tender))
        .routes(routes!(projects::get_project))
        .routes(routes!(opening::get_opening, opening::start_opening))
        .routes(routes!(award::get_lot_award, award::decide_award))
        .routes(routes!(objections::list_objections, objections::object_to_documents))
        .routes(routes!(experts::statistics))
        .routes(routes!(draws::get_draw))
        .routes(routes!(draws::verification_data))
        .routes(routes!(sales::list_sales))
        .routes(routes!(credit::list_credit))
        .routes(routes!(sales::get_sale))
        .routes(routes!(procurements::list_procurements, procurements::plan_procurement))
        .routes(routes!(procurements::get_procurement))
        .layer(rate_limit(state, IntoResponse::into_response));
    let private = OpenApiRouter::new()
        .routes(routes!(auth::logout))
        .routes(routes!(auth::me))
        .routes(routes!(auth::issue_api_token))
        .routes(routes!(auth::revoke_api_token))
        .routes(routes!(entities::add_entity_member))
        .routes(routes!(users::list_users, users::create_user))
        .routes(routes!(events::event_feed))
        .routes(routes!(projects::register_project))
        .routes(routes!(projects::record_approval))
        .routes(routes!(projects::file_self_tendering))
        .routes(routes!(tenders::create_tender))
        .routes(routes!(tenders::record_key_ceremony))
        .routes(routes!(tenders::publish_notice))
        .routes(routes!(tenders::issue_amendment))
        .routes(routes!(tenders::terminate_tender))
        .routes(routes!(tenders::suspend_tender))
        .routes(routes!(tenders::invite_bidders))
        .routes(routes!(objections::answer_document_objection))
        .routes(routes!(alerts::list_alerts))
        .routes(routes!(alerts::get_alert))
        .routes(routes!(alerts::review_alert))
        .routes(routes!(alerts::refer_alert))
        .routes(routes!(market_screens::market_screens))
        .routes(routes!(complaints::file_complaint))
        .routes(routes!(complaints::get_complaint))
        .routes(routes!(complaints::decide_acceptance))
        .routes(routes!(complaints::decide_complaint))
        .routes(routes!(prequalification::publish_prequalification))
        .routes(routes!(prequalification::apply_for_prequalification))
        .routes(routes!(prequalification::record_prequalification))
        .routes(routes!(two_stage::invite_proposals))
        .routes(routes!(two_stage::submit_technical_proposal, two_stage::list_technical_proposals))
        .routes(routes!(two_stage::technical_proposal_document))
        .routes(routes!(two_stage::close_proposals))
        .routes(routes!(tenders::resume_tender))
        .routes(routes!(tenders::require_retender))
        .routes(routes!(tenders::register_bidder))
        .routes(routes!(bids::start_upload))
        .routes(routes!(bids::upload_status, bids::append_upload, bids::abandon_upload))
        .routes(routes!(bids::submit_upload))
        .routes(routes!(bids::submit_bid))
        .routes(routes!(bids::withdraw_bid))
        .routes(routes!(opening::decrypt_bid))
        .routes(routes!(opening::own_escrow_share))
        .routes(routes!(opening::give_escrow_share))
        .routes(routes!(opening::close_opening))
        .routes(routes!(opening::raise_opening_objection))
        .routes(routes!(opening::answer_opening_objection))
        .routes(routes!(award::form_committee))
        .routes(routes!(award::draft_report))
        .routes(routes!(evaluation::sign_in))
        .routes(routes!(evaluation::opened_bids))
        .routes(routes!(evaluation::vote_for_chair))
        .routes(routes!(evaluation::sign_scores))
        .routes(routes!(evaluation::request_more_time))
        .routes(routes!(evaluation::extend_evaluation))
        .routes(routes!(evaluation::request_clarification))
        .routes(routes!(evaluation::answer_clarification))
        .routes(routes!(evaluation::sign_report))
        .routes(routes!(evaluation::close_report))
        .routes(routes!(assessments::assess_expert))
        .routes(routes!(assessments::expert_assessments))
        .routes(routes!(award::publish_candidates))
        .routes(routes!(award::raise_objection))
        .routes(routes!(award::answer_objection))
        .routes(routes!(award::record_dropout))
        .routes(routes!(award::retender_lot))
        .routes(routes!(award::issue_award_letter))
        .routes(routes!(award::sign_contract))
        .routes(routes!(award::record_subcontract))
        .routes(routes!(award::refund_securities))
        .routes(routes!(award::report_to_regulator))
        .routes(routes!(award::archive_lot))
        .routes(routes!(award::commit_reference_price))
        .routes(routes!(award::reveal_reference_price))
        .routes(routes!(securities::lodge_security, securities::list_securities))
        .routes(routes!(securities::verify_guarantee))
        .routes(routes!(securities::refund_after_termination))
        .routes(routes!(securities::refund_withdrawn_security))
        .routes(routes!(experts::list_experts, experts::register_expert))
        .routes(routes!(experts::get_expert, experts::update_expert))
        .routes(routes!(experts::change_status))
        .routes(routes!(draws::schedule_draw))
        .routes(routes!(draws::perform_draw))
        .routes(routes!(draws::replace_expert))
        .routes(routes!(draws::answer_draw))
        .routes(routes!(venues::list_venues, venues::register_venue))
        .routes(routes!(venues::get_venue))
        .routes(routes!(venues::book_venue))
        .routes(routes!(venues::cancel_booking))
        // Long-lived and public: not limited per IP (a bidding room or a newsroom shares one NAT).
        .routes(routes!(sales::live))
        .routes(routes!(opening_live::live_opening))
        .routes(routes!(sales::announce_sale))
        .routes(routes!(sales::apply_for_sale))
        .routes(routes!(sales::admit_bidder))
        .routes(routes!(sales::own_paddle))
        .routes(routes!(sales::place_bid))
        .routes(routes!(sales::pause_sale))
        .routes(routes!(sales::resume_sale))
        .routes(routes!(sales::close_listing))
        .routes(routes!(credit::record_credit))
        .routes(routes!(credit::revoke_credit))
        .routes(routes!(sale_tender::submit_sealed_bid))
        .routes(routes!(sale_tender::open_sealed_bid))
        .routes(routes!(sale_tender::evaluate))
        .routes(routes!(sales::reveal_reserve))
        .routes(routes!(sales::confirm_sale))
        .routes(routes!(sales::refund_deposit))
        .routes(routes!(sales::sign_contract))
        .routes(routes!(sales::record_payment))
        .routes(routes!(sales::reprice_sale))
        .routes(routes!(procurements::take_step))
        .routes(routes!(procurements::seal_offer))
        .routes(routes!(procurements::open_offer))
        .routes(routes!(procurements::evaluate))
        .routes(routes!(procurements::review_offer_price))
        .routes(routes!(procurements::object_to_publicity))
        .routes(routes!(procurements::review_publicity_objection))
        .routes(routes!(procurements::ask_question))
        .routes(routes!(procurements::answer_question))
        .routes(routes!(procurements::file_procurement_objection))
        .routes(routes!(procurements::answer_procurement_objection))
        .routes(routes!(procurements::file_complaint))
        .routes(routes!(procurements::complaint_clock))
        .routes(routes!(procurements::decide_complaint));
    public.merge(private).split_for_parts()
}

/// `/api/v1/openapi.json` and the vendored Swagger UI at `/api/v1/docs`.
pub fn docs(openapi: OpenApi) -> Router<WebState> {
    Router::new().merge(SwaggerUi::new("/api/v1/docs").url(OPENAPI_PATH, openapi))
}

/// Per-IP limit on public endpoints. Authenticated trading endpoints are not IP-limited: many
/// bidders share one NAT (a centre's bidding room), see STACK.md.
pub(crate) fn rate_limit(
    state: &WebState,
    render: fn(ApiError) -> axum::response::Response,
) -> tower_governor::GovernorLayer<
    tower_governor::key_extractor::PeerIpKeyExtractor,
    governor::middleware::NoOpMiddleware<governor::clock::QuantaInstant>,
    axum::body::Body,
> {
    let period_ms = (1000 / state.config.public_rate_per_second.max(1)).max(1);
    let config = Arc::new(
        GovernorConfigBuilder::default()
            .per_millisecond(period_ms)
            .burst_size(state.config.public_rate_burst.max(1))
            .finish()
            .unwrap_or_default(),
    );
    // Forget idle clients so the limiter's memory stays bounded; ends with the router.
    let weak = Arc::downgrade(&config);
    tokio::spawn(async move {
        loop {
            tokio::time::sleep(Duration::from_secs(60)).await;
            match weak.upgrade() {
                Some(config) => config.limiter().retain_recent(),
                None => break,
            }
        }
    });
    tower_governor::GovernorLayer::new(config).error_handler(move |error| match error {
        GovernorError::TooManyRequests { wait_time, .. } => {
            let mut response = render(ApiError::new("rate_limited", format!("请求过于频繁，请{wait_time}秒后再试")));
            if let Ok(value) = axum::http::HeaderValue::from_str(&wait_time.to_string()) {
                response.headers_mut().insert(axum::http::header::RETRY_AFTER, value);
            }
            response
        }
        other => {
            tracing::error!(error = %other, "rate limiter could not identify the client");
            render(ApiError::new("internal_error", "服务器内部错误，请稍后重试"))
        }
    })
}

/// One row of the error table.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorCodeDto {
    /// Stable code.
    code: &'static str,
    /// HTTP status.
    status: u16,
    /// Meaning.
    description: &'static str,
}

/// Every error code the API can return.
#[utoipa::path(get, path = "/api/v1/errors", tag = "meta", responses((status = 200, body = [ErrorCodeDto])))]
async fn error_table() -> axum::Json<Vec<ErrorCodeDto>> {
    axum::Json(
        ERROR_TABLE.iter().map(|&(code, status, description)| ErrorCodeDto { code, status, description }).collect(),
    )
}

/// UTC milliseconds as RFC 3339.
/// One statutory date.
#[derive(Debug, Serialize, ToSchema)]
pub struct StatutoryDateDto {
    /// What it is.
    name: String,
    /// The day (`YYYY-MM-DD`).
    day: String,
    /// `floor` (not before) or `cap` (not after).
    bound: String,
    /// Rule id in the pinned ruleset.
    rule_id: String,
    /// Legal source.
    source: String,
}

impl From<ggzy_app::statutory_date::StatutoryDate> for StatutoryDateDto {
    fn from(date: ggzy_app::statutory_date::StatutoryDate) -> StatutoryDateDto {
        StatutoryDateDto {
            name: date.name.to_owned(),
            day: date.day.to_string(),
            bound: date.bound.to_owned(),
            rule_id: date.rule_id,
            source: date.source,
        }
    }
}

pub(crate) fn rfc3339(ms: i64) -> String {
    jiff::Timestamp::from_millisecond(ms).map(|t| t.to_string()).unwrap_or_default()
}
