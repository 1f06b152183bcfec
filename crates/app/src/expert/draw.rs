//! The expert draw of a lot (专家抽取, 招标投标法实施条例 第四十六条), as `docs/draw.md` specifies:
//!
//! 1. **Schedule** (`schedule_draw`): the principal or agency (or the centre) asks for counts per
//!    specialty, region scopes, reserves, the evaluation time and the draw minute. The platform
//!    draws a 32-byte secret, records only its commitment (`DrawScheduled`) and keeps the secret in
//!    an operational row: nobody can read it before the draw, and the platform cannot change it.
//! 2. **Make** (`perform_draw`, at or after the draw minute, on an opened tender whose committee is
//!    not formed): the avoidance screen, the first signed tree head at or after the draw minute that
//!    is larger than the commitment's position, the seed, the picks; all of it published in
//!    `DrawPerformed`, and each drawn expert notified through the outbox.
//! 3. **Answers and replacements**: a member who declines or does not answer is replaced by one more
//!    pick from the same stream (`ExpertReplaced`), so `verify_recorded_draw` replays it.
//!
//! One draw per lot (its id is `{tender}-{lot}`): a second draw for the same lot would let someone
//! shop for a committee, so the record allows exactly one and its replacements.

use std::collections::BTreeMap;

use ggzy_crypto::draw_seed::{self, DrawSeed, DrawStream, SeedInputs};
use ggzy_crypto::tree_head::TreeHead;
use ggzy_domain::authz::{self, Action, Decision};
use ggzy_domain::expert::{
    AvoidanceContext, Draw, DrawError, DrawPool, NamedExclusion, Pick, PickRole, SpecialtyCode, TimeWindow, draw,
    screen,
};
use ggzy_domain::lot_award::LotStage;
use ggzy_domain::tender::TenderState;
use ggzy_domain::{CreditCode, RegionCode, china_time};
use ggzy_store::ExpectedVersion;
use ggzy_store::expert::{ExpertOp, OutboxRow};
use ggzy_store::projection::ProjectionOp;
use ggzy_store::tender_projection::TenderRow;

use super::verify::{domain_pick, pick_details, pool_of, request_of};
use super::{expert_of_row, specialty_tree};
use crate::App;
use crate::actor::{Actor, Credential};
use crate::entity::stored_region;
use crate::error::{AppError, AppResult, FieldError};
use crate::events::{
    DrawPerformedDetails, DrawScheduleDetails, DrawSlotDetails, Event, ExclusionDetails, PickDetails, PoolEntryDetails,
    Recorded, TreeHeadDetails, stream,
};
use crate::tender::tender_state;

/// Bytes of a draw secret (docs/draw.md: 32 recommended).
const SECRET_LEN: usize = 32;

/// One slot of a draw request as submitted.
#[derive(Debug, Clone, Default)]
pub struct DrawSlotInput {
    /// Specialty code.
    pub specialty: String,
    /// Regions to draw from (empty: anywhere).
    pub include: Vec<String>,
    /// Regions never to draw from (remote cross-region draw: the home region).
    pub exclude: Vec<String>,
    /// Members.
    pub count: u16,
    /// Reserves.
    pub reserves: u16,
}

/// A draw request as submitted.
#[derive(Debug, Clone, Default)]
pub struct DrawInput {
    /// The slots.
    pub slots: Vec<DrawSlotInput>,
    /// Evaluation start, UTC ms.
    pub evaluation_start_ms: i64,
    /// Evaluation end, UTC ms.
    pub evaluation_end_ms: i64,
    /// The draw minute, UTC ms.
    pub draw_at_ms: i64,
    /// Experts excluded by name: (expert id, reason).
    pub excluded_by_name: Vec<(String, String)>,
}

/// One pick as shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PickView {
    /// The pick as recorded.
    pub pick: PickDetails,
    /// The expert's answer: accepted, reason.
    pub answer: Option<(bool, String)>,
    /// Replaced, and why (`declined` / `no_answer`).
    pub replaced: Option<String>,
    /// The expert's name, when the viewer may see it (sealed until the result otherwise).
    pub name: Option<String>,
}

/// A draw: the fold of its stream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DrawView {
    /// As scheduled.
    pub schedule: DrawScheduleDetails,
    /// Region of the tender.
    pub region_code: String,
    /// Log position of the commitment.
    pub commitment_position: i64,
    /// When scheduled, UTC ms.
    pub scheduled_at_ms: i64,
    /// As made, once made.
    pub performed: Option<DrawPerformedDetails>,
    /// Every pick (members, reserves, then replacements) with its answer.
    pub picks: Vec<PickView>,
    /// Stream values used so far.
    pub values_used: u64,
    /// Whether names are sealed for this viewer.
    pub names_sealed: bool,
    /// Stream version.
    pub version: i64,
}

impl DrawView {
    /// The members sitting now: members and replacements not replaced.
    pub fn sitting(&self) -> impl Iterator<Item = &PickView> {
        self.picks.iter().filter(|p| p.pick.role != PickRole::Reserve.as_str() && p.replaced.is_none())
    }
}

/// What `ggzy verify --draw` needs: the draw stream's events as recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerificationData {
    /// The draw.
    pub draw_id: String,
    /// (position, event) of every event of the draw's stream, in order.
    pub events: Vec<(i64, Event)>,
}

/// A signed tree head as the draw's event records it.
fn head_details(tree_size: i64, timestamp_ms: i64, root_hash: &[u8], signature: &[u8]) -> TreeHeadDetails {
    TreeHeadDetails {
        tree_size,
        timestamp_ms,
        root_hash_hex: hex::encode(root_hash),
        signature_hex: hex::encode(signature),
    }
}

fn invalid(field: &str, code: &'static str, message: impl Into<String>) -> AppError {
    AppError::Invalid(vec![FieldError::new(field, code, message)])
}

/// The pool cannot fill a slot: the API names the specialty and how many eligible experts it found.
pub(crate) fn draw_refused(error: DrawError) -> AppError {
    match error {
        DrawError::PoolTooSmall { specialty, needed, eligible, .. } => {
            let name = specialty_tree().ok().and_then(|tree| tree.name(&specialty)).unwrap_or_default();
            AppError::refused(
                "expert_pool_insufficient",
                format!(
                    "专业 {specialty}（{name}）还需抽取{needed}人，但符合条件的专家只有{eligible}人：请扩大抽取地域范围、调整专业或减少人数后重新申请（招标投标法实施条例 第四十六条）"
                ),
            )
        }
        error @ (DrawError::RequestEmpty | DrawError::SlotCountZero { .. } | DrawError::RequestTooLarge { .. }) => {
            AppError::refused(error.code(), error.to_string())
        }
        other => AppError::Internal(format!("draw: {other}")),
    }
}

/// Draw id of a lot: one draw per lot.
pub(crate) fn draw_id_of(tender_id: &str, lot_id: &str) -> String {
    format!("{tender_id}-{lot_id}")
}

impl App {
    /// Whether the actor runs this tender's draw: the tender's principal or agency, or the centre
    /// keeping the pool in the tender's region.
    fn authorize_draw(&self, actor: &Actor, row: &TenderRow) -> AppResult<RegionCode> {
        let region = stored_region(&row.region_code)?;
        if actor.authorize(Action::ManageExperts, &region).is_ok() {
            return Ok(region);
        }
        self.authorize_tender(actor, row)
    }

    /// Refuses once the lot's committee is formed or its evaluation began (a draw is for forming
    /// the committee, 招标投标法 第三十七条; nothing recorded changes afterwards).
    async fn check_before_evaluation(&self, tender_id: &str, lot_id: &str, evaluation_start_ms: i64) -> AppResult<()> {
        let fold = self.lot_fold(tender_id, lot_id).await?;
        if fold.stage != LotStage::Opened {
            return Err(AppError::refused(
                "draw_after_evaluation",
                format!(
                    "标段 {lot_id} 已组建评标委员会（当前阶段：{}），不能再抽取或补抽评标专家（招标投标法 第三十七条）",
                    fold.stage.label()
                ),
            ));
        }
        if self.now_ms() >= evaluation_start_ms {
            return Err(AppError::refused(
                "draw_after_evaluation",
                format!(
                    "评标已于{}开始，不能再抽取评标专家；如需调整评标时间，请重新确定后在评标开始前抽取（招标投标法实施条例 第四十六条）",
                    china_time::text(evaluation_start_ms)
                ),
            ));
        }
        Ok(())
    }

    /// The screen's input for a lot: its parties (bidders from the opening record, so nobody
    /// sealed is named), the relations register around them (`crate::entity::relation_facts`)
    /// with the experts' person keys to match it, the evaluation window, the names excluded and
    /// the look-back.
    async fn avoidance_context(&self, row: &TenderRow, schedule: &DrawScheduleDetails) -> AppResult<AvoidanceContext> {
        let code = |text: &str| {
            CreditCode::parse(text).map_err(|e| AppError::Internal(format!("stored credit code {text}: {e}")))
        };
        let bidders = self
            .store
            .bid_openings(&row.tender_id)
            .await?
            .iter()
            .filter(|bid| bid.lot_id == schedule.lot_id)
            .map(|bid| code(&bid.bidder_credit_code))
            .collect::<AppResult<Vec<_>>>()?;
        let evaluation = TimeWindow::new(schedule.evaluation_start_ms, schedule.evaluation_end_ms)
            .map_err(|e| AppError::Internal(format!("recorded evaluation window: {e}")))?;
        let principal = code(&row.principal_credit_code)?;
        let agency = row.agency_credit_code.as_deref().map(code).transpose()?;
        let parties: Vec<CreditCode> = bidders.iter().chain([&principal]).chain(agency.as_ref()).cloned().collect();
        Ok(AvoidanceContext {
            relations: self.party_relations(&parties).await?,
            // The pool is read again for its ID numbers (one query per draw), so that the
            // caller's screening code stays as it is.
            expert_persons: self.expert_person_keys().await?,
            principal,
            agency,
            bidders,
            // The platform holds no register of supervising departments' staff yet; the screen
            // applies them when they are given.
            supervising_departments: Vec::new(),
            excluded_by_name: schedule
                .excluded_by_name
                .iter()
                .filter_map(|(id, reason)| {
                    ggzy_domain::expert::ExpertId::parse(id)
                        .ok()
                        .map(|expert| NamedExclusion { expert, reason: reason.clone() })
                })
                .collect(),
            evaluation,
            former_employment_months: schedule.former_employment_months,
        })
    }

    /// The screened pool of a scheduled draw, and the exclusions with their reasons.
    async fn screened_pool(
        &self,
        row: &TenderRow,
        schedule: &DrawScheduleDetails,
    ) -> AppResult<(DrawPool, Vec<ExclusionDetails>)> {
        let experts = self.store.all_experts().await?.iter().map(expert_of_row).collect::<AppResult<Vec<_>>>()?;
        let context = self.avoidance_context(row, schedule).await?;
        let screening = screen(&experts, &context);
        let pool = DrawPool::from_experts(screening.eligible.iter().copied()).map_err(draw_refused)?;
        let exclusions = screening
            .exclusions
            .iter()
            .map(|exclusion| ExclusionDetails {
                expert_id: exclusion.expert.as_str().to_owned(),
                reasons: exclusion
                    .reasons
                    .iter()
                    .map(|r| (r.code().to_owned(), r.label(), r.source().unwrap_or_default().to_owned()))
                    .collect(),
            })
            .collect();
        Ok((pool, exclusions))
    }

    /// Schedules the draw of a lot and publishes its commitment.
    pub async fn schedule_draw(
        &self,
        actor: &Actor,
        tender_id: &str,
        lot_id: &str,
        input: DrawInput,
    ) -> AppResult<DrawView> {
        let row = self.tender_row(tender_id).await?;
        self.authorize_draw(actor, &row)?;
        let state = tender_state(&row)?;
        if !matches!(state, TenderState::Bidding | TenderState::Opening | TenderState::Opened) {
            return Err(AppError::refused(
                "draw_tender_state",
                format!("招标项目当前状态为“{}”，不能抽取评标专家（招标公告发布后、评标前方可抽取）", state.label()),
            ));
        }
        let lots = self.store.tender_lots(tender_id).await?;
        let lot = lots.iter().find(|lot| lot.lot_id == lot_id).ok_or(AppError::NotFound { what: "标段" })?;
        if let Some(reason) = &lot.failed_reason {
            return Err(AppError::refused("draw_tender_state", format!("该标段已流标（{reason}），无需抽取评标专家")));
        }
        self.check_before_evaluation(tender_id, lot_id, input.evaluation_start_ms).await?;

        let tree = specialty_tree()?;
        let mut errors = Vec::new();
        let mut slots = Vec::new();
        for (i, slot) in input.slots.iter().enumerate() {
            let specialty = slot.specialty.trim().to_owned();
            match SpecialtyCode::parse(&specialty) {
                Ok(code) if tree.contains(&code) => {}
                Ok(code) => errors.push(FieldError::new(
                    format!("slots[{i}].specialty"),
                    "expert_specialty_unknown",
                    format!("评标专业 {code} 不在专业分类表中，请从专业分类表中选择"),
                )),
                Err(e) => errors.push(FieldError::new(format!("slots[{i}].specialty"), e.code(), e.to_string())),
            }
            let mut regions = |list: &[String], what: &str| {
                let mut codes = Vec::new();
                for (j, code) in list.iter().enumerate() {
                    match self.regions.validate(code.trim()) {
                        Ok(region) => codes.push(region.as_str().to_owned()),
                        Err(e) => errors.push(FieldError::new(
                            format!("slots[{i}].{what}[{j}]"),
                            "invalid_region_code",
                            format!("抽取地域{e}"),
                        )),
                    }
                }
                codes
            };
            let include = regions(&slot.include, "include");
            let exclude = regions(&slot.exclude, "exclude");
            slots.push(DrawSlotDetails { specialty, include, exclude, count: slot.count, reserves: slot.reserves });
        }
        let now = self.now_ms();
        if input.draw_at_ms < now {
            errors.push(FieldError::new("draw_at", "invalid_time", "抽取时间不能早于当前时间：承诺须在抽取前公布"));
        }
        if input.evaluation_start_ms < input.draw_at_ms || input.evaluation_end_ms <= input.evaluation_start_ms {
            errors.push(FieldError::new(
                "evaluation_start",
                "invalid_time",
                "评标开始时间不能早于抽取时间，评标结束时间须晚于开始时间",
            ));
        }
        for (i, (id, reason)) in input.excluded_by_name.iter().enumerate() {
            if ggzy_domain::expert::ExpertId::parse(id.trim()).is_err() || reason.trim().is_empty() {
                errors.push(FieldError::new(
                    format!("excluded_by_name[{i}]"),
                    "invalid_text",
                    "申请回避的专家须填写专家编号和回避理由（政府采购法 第十二条）",
                ));
            }
        }
        if !errors.is_empty() {
            return Err(AppError::Invalid(errors));
        }
        let request = request_of(&slots).map_err(|e| AppError::Internal(e.to_string()))?;
        request.check().map_err(draw_refused)?;

        let ruleset = self.pinned_ruleset(&row.ruleset_version)?;
        let months = ruleset
            .get("expert_former_employment_months")
            .and_then(|rule| u16::try_from(rule.value).ok())
            .ok_or_else(|| AppError::Internal(format!("{} lacks expert_former_employment_months", ruleset.key())))?;
        let draw_id = draw_id_of(tender_id, lot_id);
        let mut secret = vec![0; SECRET_LEN];
        self.entropy.fill(&mut secret);
        let commitment =
            draw_seed::commitment(tender_id, lot_id, &secret).map_err(|e| AppError::Internal(e.to_string()))?;
        let schedule = DrawScheduleDetails {
            draw_id: draw_id.clone(),
            tender_id: tender_id.to_owned(),
            lot_id: lot_id.to_owned(),
            slots,
            evaluation_start_ms: input.evaluation_start_ms,
            evaluation_end_ms: input.evaluation_end_ms,
            draw_at_ms: input.draw_at_ms,
            excluded_by_name: input
                .excluded_by_name
                .iter()
                .map(|(id, reason)| (id.trim().to_owned(), reason.trim().to_owned()))
                .collect(),
            former_employment_months: months,
            commitment_hex: hex::encode(commitment),
        };
        // Refuse now a request the pool cannot fill as it stands, before anything is recorded
        // (the draw checks again at the draw minute: the pool may change meanwhile).
        let (pool, _) = self.screened_pool(&row, &schedule).await?;
        if let Err(error @ DrawError::PoolTooSmall { .. }) = draw(&pool, &request, &mut std::iter::empty()) {
            return Err(draw_refused(error));
        }
        let stream_id = stream::draw(&draw_id);
        let event = Recorded {
            stream_id: stream_id.clone(),
            region_code: row.region_code.clone(),
            event: Event::DrawScheduled(schedule),
        };
        let secret_row =
            ProjectionOp::Expert(ExpertOp::PutDrawSecret { draw_id: draw_id.clone(), secret, created_at_ms: now });
        match self.record(actor, vec![(stream_id, ExpectedVersion::NoStream)], vec![event], vec![secret_row]).await {
            Ok(_) => {}
            Err(AppError::VersionConflict { .. } | AppError::AlreadyExists { .. }) => {
                return Err(AppError::AlreadyExists { what: "该标段的专家抽取" });
            }
            Err(other) => return Err(other),
        }
        self.draw_fold(&draw_id).await
    }

    /// The fold of a draw's stream (names not filled in).
    pub(crate) async fn draw_fold(&self, draw_id: &str) -> AppResult<DrawView> {
        let mut view: Option<DrawView> = None;
        for stored in self.store.stream(&stream::draw(draw_id)).await? {
            let event: Event = serde_json::from_str(&stored.payload)
                .map_err(|e| AppError::Internal(format!("stored event {}: {e}", stored.position)))?;
            match (event, view.as_mut()) {
                (Event::DrawScheduled(schedule), _) => {
                    view = Some(DrawView {
                        schedule,
                        region_code: stored.region_code.clone(),
                        commitment_position: stored.position,
                        scheduled_at_ms: stored.recorded_at_ms,
                        performed: None,
                        picks: Vec::new(),
                        values_used: 0,
                        names_sealed: true,
                        version: 0,
                    });
                }
                (Event::DrawPerformed(details), Some(view)) => {
                    view.picks = details
                        .picks
                        .iter()
                        .map(|pick| PickView { pick: pick.clone(), answer: None, replaced: None, name: None })
                        .collect();
                    view.values_used = details.values_used;
                    view.performed = Some(details);
                }
                (Event::ExpertAnswered { expert_id, accepted, reason, .. }, Some(view)) => {
                    if let Some(pick) = view.picks.iter_mut().rev().find(|p| p.pick.expert_id == expert_id) {
                        pick.answer = Some((accepted, reason));
                    }
                }
                (Event::ExpertReplaced { replaced_expert_id, reason, pick, values_used, .. }, Some(view)) => {
                    if let Some(old) = view.picks.iter_mut().find(|p| p.pick.expert_id == replaced_expert_id) {
                        old.replaced = Some(reason);
                    }
                    view.picks.push(PickView { pick, answer: None, replaced: None, name: None });
                    view.values_used = values_used;
                }
                _ => {}
            }
            if let Some(view) = view.as_mut() {
                view.version = stored.stream_version;
            }
        }
        view.ok_or(AppError::NotFound { what: "专家抽取" })
    }

    /// The first signed tree head at or after the draw minute and larger than the commitment's
    /// position; signs one now when none exists (docs/draw.md step 3).
    async fn draw_public_value(&self, actor: &Actor, view: &DrawView) -> AppResult<(TreeHeadDetails, i64)> {
        let qualifies = |size: i64, at: i64| size > view.commitment_position && at >= view.schedule.draw_at_ms;
        let mut version = view.version;
        for attempt in 0..2 {
            if let Some(head) =
                self.store.tree_heads().await?.into_iter().find(|h| qualifies(h.tree_size, h.timestamp_ms))
            {
                return Ok((
                    head_details(head.tree_size, head.timestamp_ms, &head.root_hash, &head.signature),
                    version,
                ));
            }
            let head = self.publish_tree_head().await?;
            if qualifies(head.tree_size, head.timestamp_ms) {
                continue;
            }
            if attempt == 0 {
                // The log has not grown since a head older than the draw minute: record that the
                // draw started, so that a head covering it can be signed now.
                let stream_id = stream::draw(&view.schedule.draw_id);
                let event = Recorded {
                    stream_id: stream_id.clone(),
                    region_code: view.region_code.clone(),
                    event: Event::DrawStarted { draw_id: view.schedule.draw_id.clone() },
                };
                self.record(actor, vec![(stream_id, ExpectedVersion::Exactly(version))], vec![event], Vec::new())
                    .await?;
                version += 1;
            }
        }
        let head = self.publish_tree_head().await?;
        if qualifies(head.tree_size, head.timestamp_ms) {
            return Ok((head_details(head.tree_size, head.timestamp_ms, &head.root_hash, &head.signature), version));
        }
        Err(AppError::Internal("no signed tree head after the draw minute could be published".to_owned()))
    }

    /// Makes a scheduled draw at or after its draw minute.
    pub async fn perform_draw(&self, actor: &Actor, draw_id: &str) -> AppResult<DrawView> {
        let view = self.draw_fold(draw_id).await?;
        let schedule = &view.schedule;
        let row = self.tender_row(&schedule.tender_id).await?;
        self.authorize_draw(actor, &row)?;
        if view.performed.is_some() {
            return Err(AppError::refused("draw_already_performed", "该专家抽取已经完成，不能再次抽取"));
        }
        if self.now_ms() < schedule.draw_at_ms {
            return Err(AppError::refused(
                "draw_minute_not_reached",
                format!("抽取时间（{}）未到，不能抽取", china_time::text(schedule.draw_at_ms)),
            ));
        }
        let state = tender_state(&row)?;
        if state != TenderState::Opened {
            // The screen needs the lot's bidders, which are sealed until the opening (招标投标法
            // 第二十二条); after it they are public and may be named in the exclusions.
            return Err(AppError::refused(
                "draw_before_opening",
                format!("招标项目当前状态为“{}”：开标完成后方可进行专家抽取和回避筛查", state.label()),
            ));
        }
        self.check_before_evaluation(&schedule.tender_id, &schedule.lot_id, schedule.evaluation_start_ms).await?;
        let (pool, exclusions) = self.screened_pool(&row, schedule).await?;
        let request = request_of(&schedule.slots).map_err(|e| AppError::Internal(e.to_string()))?;
        if let Err(error @ DrawError::PoolTooSmall { .. }) = draw(&pool, &request, &mut std::iter::empty()) {
            return Err(draw_refused(error));
        }
        let secret = self.store.draw_secret(draw_id).await?.ok_or(AppError::NotFound { what: "抽取密钥" })?;
        let (head, version) = self.draw_public_value(actor, &view).await?;
        let public_1 = TreeHead {
            tree_size: head.tree_size,
            timestamp_ms: head.timestamp_ms,
            root_hash: hex::decode(&head.root_hash_hex).map_err(|e| AppError::Internal(e.to_string()))?,
        }
        .encode();
        let commitment = hex::decode(&schedule.commitment_hex).map_err(|e| AppError::Internal(e.to_string()))?;
        let inputs = SeedInputs {
            tender_id: &schedule.tender_id,
            lot_id: &schedule.lot_id,
            secret: &secret,
            public_values: &[&public_1],
        };
        let seed = DrawSeed::derive(&inputs, &commitment).map_err(|e| AppError::Internal(e.to_string()))?;
        let made = draw(&pool, &request, &mut seed.stream()).map_err(draw_refused)?;
        let details = DrawPerformedDetails {
            draw_id: draw_id.to_owned(),
            tender_id: schedule.tender_id.clone(),
            lot_id: schedule.lot_id.clone(),
            secret_hex: hex::encode(&secret),
            public_values_hex: vec![hex::encode(&public_1)],
            tree_head: head,
            commitment_position: view.commitment_position,
            pool: pool
                .entries()
                .iter()
                .map(|entry| PoolEntryDetails {
                    expert_id: entry.id.as_str().to_owned(),
                    region_code: entry.region.as_str().to_owned(),
                    specialties: entry.specialties.iter().map(|s| s.as_str().to_owned()).collect(),
                })
                .collect(),
            exclusions,
            picks: made.picks.iter().map(pick_details).collect(),
            values_used: made.values_used,
        };
        let notices = made.picks.iter().map(|pick| self.notification(schedule, pick)).collect();
        let stream_id = stream::draw(draw_id);
        let event = Recorded {
            stream_id: stream_id.clone(),
            region_code: row.region_code.clone(),
            event: Event::DrawPerformed(details),
        };
        self.record(actor, vec![(stream_id, ExpectedVersion::Exactly(version))], vec![event], notices).await?;
        self.draw_fold(draw_id).await
    }

    /// The notification a drawn expert gets (no party is named: the expert learns the bidders at
    /// the evaluation, where they declare any conflict).
    fn notification(&self, schedule: &DrawScheduleDetails, pick: &Pick) -> ProjectionOp {
        let role = match pick.role {
            PickRole::Member => "评标委员会成员",
            PickRole::Reserve => "候补专家",
            PickRole::Replacement => "补抽的评标委员会成员",
        };
        ProjectionOp::Expert(ExpertOp::Enqueue(OutboxRow {
            message_id: format!("{}-{}", schedule.draw_id, pick.stream_position),
            recipient: pick.expert.as_str().to_owned(),
            subject: "评标专家抽取通知".to_owned(),
            body: format!(
                "您已被随机抽取为招标项目 {} 标段 {} 的{role}，评标时间 {} 至 {}。请尽快答复是否参加；如与本项目当事人存在应当回避的情形，请主动提出回避（招标投标法实施条例 第四十六条）。",
                schedule.tender_id,
                schedule.lot_id,
                china_time::text(schedule.evaluation_start_ms),
                china_time::text(schedule.evaluation_end_ms)
            ),
            created_at_ms: self.now_ms(),
            sent_at_ms: None,
            attempts: 0,
            last_error: None,
        }))
    }

    /// Records a drawn expert's answer (the expert themself, or the centre taking it by phone).
    pub async fn answer_draw(
        &self,
        actor: &Actor,
        draw_id: &str,
        expert_id: &str,
        accepted: bool,
        reason: &str,
    ) -> AppResult<DrawView> {
        let view = self.draw_fold(draw_id).await?;
        let region = stored_region(&view.region_code)?;
        let expert = self.expert_row(expert_id).await?;
        let allowed = actor.credential == Credential::System
            || match authz::decide(&actor.grants, Action::AnswerDraw, &region) {
                Decision::Allow => true,
                Decision::AllowIfOwnEntity => expert.user_id.as_deref() == Some(actor.user_id.as_str()),
                Decision::Deny => false,
            };
        if !allowed {
            return Err(AppError::Forbidden(authz::Denied { action: Action::AnswerDraw, region }));
        }
        let pick = view
            .picks
            .iter()
            .rev()
            .find(|p| p.pick.expert_id == expert_id)
            .ok_or(AppError::NotFound { what: "该专家的抽取记录" })?;
        if pick.answer.is_some() || pick.replaced.is_some() {
            return Err(AppError::refused("draw_already_answered", "该专家已经答复或已被替换，不能再次答复"));
        }
        let reason = reason.trim();
        if !accepted && reason.is_empty() {
            return Err(invalid("reason", "invalid_text", "请填写不能参加评标的理由"));
        }
        self.check_before_evaluation(
            &view.schedule.tender_id,
            &view.schedule.lot_id,
            view.schedule.evaluation_start_ms,
        )
        .await?;
        let stream_id = stream::draw(draw_id);
        let event = Recorded {
            stream_id: stream_id.clone(),
            region_code: view.region_code.clone(),
            event: Event::ExpertAnswered {
                draw_id: draw_id.to_owned(),
                expert_id: expert_id.to_owned(),
                accepted,
                reason: reason.to_owned(),
            },
        };
        self.record(actor, vec![(stream_id, ExpectedVersion::Exactly(view.version))], vec![event], Vec::new()).await?;
        self.draw_fold(draw_id).await
    }

    /// Replaces a member who declined (`declined`) or did not answer (`no_answer`) by one more pick
    /// for their slot from the same stream (招标投标法实施条例 第四十六条第二款).
    pub async fn replace_drawn_expert(
        &self,
        actor: &Actor,
        draw_id: &str,
        expert_id: &str,
        reason: &str,
    ) -> AppResult<DrawView> {
        let view = self.draw_fold(draw_id).await?;
        let schedule = &view.schedule;
        let row = self.tender_row(&schedule.tender_id).await?;
        self.authorize_draw(actor, &row)?;
        let performed = view
            .performed
            .as_ref()
            .ok_or_else(|| AppError::refused("draw_not_performed", "专家抽取尚未进行，没有可替换的专家"))?;
        let pick = view.sitting().find(|p| p.pick.expert_id == expert_id).ok_or_else(|| {
            AppError::refused("draw_not_replaceable", format!("专家 {expert_id} 不是本次抽取中在任的评标委员会成员"))
        })?;
        match (reason, &pick.answer) {
            ("declined", Some((false, _))) | ("no_answer", None) => {}
            ("declined" | "no_answer", _) => {
                return Err(AppError::refused(
                    "draw_not_replaceable",
                    "只能替换已答复不参加（declined）或未答复（no_answer）的专家；已确认参加的专家不能替换",
                ));
            }
            _ => {
                return Err(invalid(
                    "reason",
                    "invalid_choice",
                    "替换理由须为 declined（不参加）或 no_answer（未答复）",
                ));
            }
        }
        self.check_before_evaluation(&schedule.tender_id, &schedule.lot_id, schedule.evaluation_start_ms).await?;
        // Replay from the published record, as anyone verifying will.
        let pool = pool_of(&performed.pool).map_err(|e| AppError::Internal(e.to_string()))?;
        let request = request_of(&schedule.slots).map_err(|e| AppError::Internal(e.to_string()))?;
        let secret = hex::decode(&performed.secret_hex).map_err(|e| AppError::Internal(e.to_string()))?;
        let public = performed
            .public_values_hex
            .iter()
            .map(hex::decode)
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| AppError::Internal(e.to_string()))?;
        let public: Vec<&[u8]> = public.iter().map(Vec::as_slice).collect();
        let commitment = hex::decode(&schedule.commitment_hex).map_err(|e| AppError::Internal(e.to_string()))?;
        let inputs = SeedInputs {
            tender_id: &schedule.tender_id,
            lot_id: &schedule.lot_id,
            secret: &secret,
            public_values: &public,
        };
        let seed = DrawSeed::derive(&inputs, &commitment).map_err(|e| AppError::Internal(e.to_string()))?;
        let mut made = Draw {
            picks: view
                .picks
                .iter()
                .map(|p| domain_pick(&p.pick))
                .collect::<Result<_, _>>()
                .map_err(|e| AppError::Internal(e.to_string()))?,
            values_used: view.values_used,
        };
        let slot = pick.pick.slot;
        let new =
            made.replace(&pool, &request, slot, &mut DrawStream::at(seed, view.values_used)).map_err(draw_refused)?;
        let stream_id = stream::draw(draw_id);
        let event = Recorded {
            stream_id: stream_id.clone(),
            region_code: view.region_code.clone(),
            event: Event::ExpertReplaced {
                draw_id: draw_id.to_owned(),
                replaced_expert_id: expert_id.to_owned(),
                reason: reason.to_owned(),
                pick: pick_details(&new),
                values_used: made.values_used,
            },
        };
        let notice = self.notification(schedule, &new);
        self.record(actor, vec![(stream_id, ExpectedVersion::Exactly(view.version))], vec![event], vec![notice])
            .await?;
        self.draw_fold(draw_id).await
    }

    /// A draw as published (public): commitment, pool, picks and answers; the experts' names only
    /// once the lot's winner is decided (招标投标法 第三十七条第五款), or to those who may read the
    /// pool's personal data.
    pub async fn draw(&self, actor: Option<&Actor>, draw_id: &str) -> AppResult<DrawView> {
        let mut view = self.draw_fold(draw_id).await?;
        let region = stored_region(&view.region_code)?;
        let keeper = actor.is_some_and(|actor| {
            actor.credential == Credential::System || actor.authorize(Action::ReadExpertPersonal, &region).is_ok()
        });
        let award = self.lot_fold(&view.schedule.tender_id, &view.schedule.lot_id).await?;
        let decided = award.winner.is_some() || matches!(award.stage, LotStage::Contracted | LotStage::Archived);
        view.names_sealed = !(keeper || decided);
        if !view.names_sealed {
            let mut names = BTreeMap::new();
            for pick in &view.picks {
                if let Some(row) = self.store.expert(&pick.pick.expert_id).await? {
                    names.insert(pick.pick.expert_id.clone(), row.name);
                }
            }
            for pick in &mut view.picks {
                pick.name = names.get(&pick.pick.expert_id).cloned();
            }
        }
        Ok(view)
    }

    /// The experts sitting for a lot after its draw (members and replacements not replaced and not
    /// declined), as (expert id, name), or `None` when no draw was made for it.
    pub(crate) async fn seated_experts(
        &self,
        tender_id: &str,
        lot_id: &str,
    ) -> AppResult<Option<Vec<(String, String)>>> {
        let view = match self.draw_fold(&draw_id_of(tender_id, lot_id)).await {
            Ok(view) if view.performed.is_some() => view,
            Ok(_) | Err(AppError::NotFound { .. }) => return Ok(None),
            Err(other) => return Err(other),
        };
        let mut names = Vec::new();
        for pick in view.sitting().filter(|p| !matches!(p.answer, Some((false, _)))) {
            let name = self.expert_row(&pick.pick.expert_id).await?.name;
            names.push((pick.pick.expert_id.clone(), name));
        }
        Ok(Some(names))
    }

    /// The draw stream's events, for offline verification (public: they name no one).
    pub async fn draw_verification_data(&self, draw_id: &str) -> AppResult<VerificationData> {
        let stored = self.store.stream(&stream::draw(draw_id)).await?;
        if stored.is_empty() {
            return Err(AppError::NotFound { what: "专家抽取" });
        }
        let events = stored
            .into_iter()
            .map(|stored| {
                serde_json::from_str::<Event>(&stored.payload)
                    .map(|event| (stored.position, event))
                    .map_err(|e| AppError::Internal(format!("stored event {}: {e}", stored.position)))
            })
            .collect::<AppResult<Vec<_>>>()?;
        Ok(VerificationData { draw_id: draw_id.to_owned(), events })
    }
}
