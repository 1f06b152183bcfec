//! Credit records (信用记录): the supervising authority records a penalty or a restriction against a
//! market entity, and revokes it when overturned; the public reads them; every procedure asks
//! [`App::check_not_restricted`] before admitting a bidder, in whatever region it runs
//! (一处失信、处处受限). The decision rules are [`ggzy_domain::credit`].

use ggzy_domain::RegionCode;
use ggzy_domain::authz::Action;
use ggzy_domain::credit::{CreditRecord, CreditRecordKind, RestrictionScope};
use ggzy_store::credit::CreditRecordRow;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::App;
use crate::actor::Actor;
use crate::entropy::random_hex;
use crate::error::{AppError, AppResult, FieldError, required_text};
use crate::events::{Event, Recorded, stream};

/// Longest facts text.
const FACTS_MAX_CHARS: usize = 2000;

/// What the authority decided: asked for as typed (strings checked by [`App::record_credit`]), and
/// recorded normalised.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreditDecision {
    /// The entity.
    pub credit_code: String,
    /// `penalty` or `restriction`.
    pub kind: String,
    /// Restrictions: `tendering`, `procurement` or `all`.
    pub scope: Option<String>,
    /// The deciding authority.
    pub authority: String,
    /// The decision's document number (文号).
    pub document_no: String,
    /// Decided on (`YYYY-MM-DD`).
    pub decided_on: String,
    /// Restrictions: first day barred (`YYYY-MM-DD`).
    pub barred_from: Option<String>,
    /// Restrictions: last day barred (`YYYY-MM-DD`).
    pub barred_until: Option<String>,
    /// Legal basis (law and article).
    pub basis: String,
    /// What it was for.
    pub facts: String,
}

/// A decision as asked for.
#[derive(Debug, Clone)]
pub struct NewCreditRecord {
    /// The deciding authority's region.
    pub region: RegionCode,
    /// The decision.
    pub decision: CreditDecision,
}

/// A decision as recorded (the event's payload).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreditRecordDetails {
    /// Record id.
    pub record_id: String,
    /// The deciding authority's region.
    pub region_code: String,
    /// The decision, normalised.
    #[serde(flatten)]
    pub decision: CreditDecision,
}

impl CreditRecordDetails {
    /// The read model's row.
    pub fn row(&self, at_ms: i64) -> CreditRecordRow {
        let decision = &self.decision;
        CreditRecordRow {
            record_id: self.record_id.clone(),
            credit_code: decision.credit_code.clone(),
            region_code: self.region_code.clone(),
            kind: decision.kind.clone(),
            scope: decision.scope.clone(),
            authority: decision.authority.clone(),
            document_no: decision.document_no.clone(),
            decided_on: decision.decided_on.clone(),
            barred_from: decision.barred_from.clone(),
            barred_until: decision.barred_until.clone(),
            basis: decision.basis.clone(),
            facts: decision.facts.clone(),
            recorded_at_ms: at_ms,
            revoked_reason: None,
            revoked_at_ms: None,
        }
    }
}

/// A decision as the public sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreditRecordView {
    /// The row.
    pub row: CreditRecordRow,
    /// The entity's name.
    pub entity_name: String,
    /// The kind.
    pub kind: CreditRecordKind,
    /// The scope of a restriction.
    pub scope: Option<RestrictionScope>,
    /// Whether the entity is barred today by it.
    pub in_force: bool,
}

fn date_field(field: &str, text: &str) -> AppResult<Date> {
    text.trim().parse::<Date>().map_err(|_| {
        AppError::Invalid(vec![FieldError::new(field, "invalid_date", format!("{field} 须为日期，格式 YYYY-MM-DD"))])
    })
}

fn optional_date(field: &str, text: Option<&str>) -> AppResult<Option<Date>> {
    text.map(str::trim).filter(|text| !text.is_empty()).map(|text| date_field(field, text)).transpose()
}

/// The domain record of a row (stored rows were checked when recorded).
fn record_of(row: &CreditRecordRow) -> AppResult<CreditRecord> {
    let stored = |what: &str| AppError::Internal(format!("credit record {}: stored {what}", row.record_id));
    let date = |text: &str| text.parse::<Date>().map_err(|_| stored("date"));
    let barred = match (&row.barred_from, &row.barred_until) {
        (Some(from), Some(until)) => Some((date(from)?, date(until)?)),
        _ => None,
    };
    Ok(CreditRecord {
        kind: CreditRecordKind::parse(&row.kind).ok_or_else(|| stored("kind"))?,
        scope: row
            .scope
            .as_deref()
            .map(|scope| RestrictionScope::parse(scope).ok_or_else(|| stored("scope")))
            .transpose()?,
        decided_on: date(&row.decided_on)?,
        barred,
        basis: row.basis.clone(),
        revoked: row.revoked_at_ms.is_some(),
    })
}

impl App {
    /// The supervising authority records a penalty or a restriction against an entity.
    pub async fn record_credit(&self, actor: &Actor, asked: NewCreditRecord) -> AppResult<CreditRecordView> {
        actor.authorize(Action::RecordCredit, &asked.region)?;
        let new = &asked.decision;
        self.store.entity(&new.credit_code).await?.ok_or(AppError::NotFound { what: "市场主体" })?;
        let kind = CreditRecordKind::parse(&new.kind).ok_or_else(|| {
            AppError::Invalid(vec![FieldError::new(
                "kind",
                "invalid_kind",
                "记录类型须为 penalty（行政处罚）或 restriction（禁止参加交易活动）",
            )])
        })?;
        let scope = match new.scope.as_deref().map(str::trim).filter(|text| !text.is_empty()) {
            None => None,
            Some(text) => Some(RestrictionScope::parse(text).ok_or_else(|| {
                AppError::Invalid(vec![FieldError::new(
                    "scope",
                    "invalid_kind",
                    "禁止范围须为 tendering（依法必须招标的项目）、procurement（政府采购）或 all（全部交易活动）",
                )])
            })?),
        };
        let authority = required_text("authority", &new.authority, "作出决定的机关", 100)?;
        let document_no = required_text("document_no", &new.document_no, "决定书文号", 100)?;
        let basis = required_text("basis", &new.basis, "处理依据", 200)?;
        let facts = required_text("facts", &new.facts, "违法事实", FACTS_MAX_CHARS)?;
        let decided_on = date_field("decided_on", &new.decided_on)?;
        if decided_on > ggzy_domain::china_time::date_of(self.now_ms()) {
            return Err(AppError::Invalid(vec![FieldError::new("decided_on", "invalid_date", "决定日期不能晚于今天")]));
        }
        let from = optional_date("barred_from", new.barred_from.as_deref())?;
        let until = optional_date("barred_until", new.barred_until.as_deref())?;
        let barred = match (from, until) {
            (Some(from), Some(until)) => Some((from, until)),
            (None, None) => None,
            _ => {
                return Err(AppError::Invalid(vec![FieldError::new(
                    "barred_until",
                    "invalid_restriction_period",
                    "禁止期间须同时填写开始日（barred_from）和结束日（barred_until）",
                )]));
            }
        };
        let record = CreditRecord { kind, scope, decided_on, barred, basis: basis.clone(), revoked: false };
        record.check().map_err(|error| {
            AppError::Invalid(vec![FieldError::new(error.field(), error.code(), error.to_string())])
        })?;
        let record_id = format!("XY{}", random_hex(self.entropy.as_ref(), 8).to_uppercase());
        let details = CreditRecordDetails {
            record_id: record_id.clone(),
            region_code: asked.region.as_str().to_owned(),
            decision: CreditDecision {
                credit_code: new.credit_code.trim().to_owned(),
                kind: kind.as_str().to_owned(),
                scope: scope.map(|scope| scope.as_str().to_owned()),
                authority,
                document_no,
                decided_on: decided_on.to_string(),
                barred_from: barred.map(|(from, _)| from.to_string()),
                barred_until: barred.map(|(_, until)| until.to_string()),
                basis,
                facts,
            },
        };
        let event = Recorded {
            stream_id: stream::credit(&record_id),
            region_code: details.region_code.clone(),
            event: Event::CreditRecorded(details),
        };
        self.record(actor, Vec::new(), vec![event], Vec::new()).await?;
        self.credit_record(&record_id).await
    }

    /// The authority revokes a decision overturned on review or in court (撤销); the record stays,
    /// marked revoked, and bars nothing any more.
    pub async fn revoke_credit(&self, actor: &Actor, record_id: &str, reason: &str) -> AppResult<CreditRecordView> {
        let row = self.store.credit_record(record_id).await?.ok_or(AppError::NotFound { what: "信用记录" })?;
        actor.authorize(Action::RecordCredit, &crate::entity::stored_region(&row.region_code)?)?;
        if row.revoked_at_ms.is_some() {
            return Err(AppError::refused("already_revoked", "该信用记录已撤销"));
        }
        let reason = required_text("reason", reason, "撤销理由", 500)?;
        let event = Recorded {
            stream_id: stream::credit(record_id),
            region_code: row.region_code.clone(),
            event: Event::CreditRecordRevoked { record_id: record_id.to_owned(), reason },
        };
        self.record(actor, Vec::new(), vec![event], Vec::new()).await?;
        self.credit_record(record_id).await
    }

    /// One decision.
    pub async fn credit_record(&self, record_id: &str) -> AppResult<CreditRecordView> {
        let row = self.store.credit_record(record_id).await?.ok_or(AppError::NotFound { what: "信用记录" })?;
        self.credit_view(row).await
    }

    /// The latest decisions, newest first.
    pub async fn credit_records(&self, limit: i64) -> AppResult<Vec<CreditRecordView>> {
        let mut views = Vec::new();
        for row in self.store.credit_records(limit.clamp(1, 200)).await? {
            views.push(self.credit_view(row).await?);
        }
        Ok(views)
    }

    /// An entity's decisions, newest first.
    pub async fn entity_credit_records(&self, credit_code: &str) -> AppResult<Vec<CreditRecordView>> {
        let mut views = Vec::new();
        for row in self.store.entity_credit_records(credit_code).await? {
            views.push(self.credit_view(row).await?);
        }
        Ok(views)
    }

    async fn credit_view(&self, row: CreditRecordRow) -> AppResult<CreditRecordView> {
        let record = record_of(&row)?;
        let today = ggzy_domain::china_time::date_of(self.now_ms());
        let in_force =
            [RestrictionScope::Tendering, RestrictionScope::Procurement].iter().any(|area| record.bars(*area, today));
        let entity_name = self.store.entity(&row.credit_code).await?.map(|entity| entity.name).unwrap_or_default();
        Ok(CreditRecordView { row, entity_name, kind: record.kind, scope: record.scope, in_force })
    }

    /// Refuses a bidder barred today from procedures of `area` by any authority in any region
    /// (一处失信、处处受限), naming the decision.
    pub(crate) async fn check_not_restricted(&self, credit_code: &str, area: RestrictionScope) -> AppResult<()> {
        let today = ggzy_domain::china_time::date_of(self.now_ms());
        for row in self.store.entity_credit_records(credit_code).await? {
            let record = record_of(&row)?;
            if record.bars(area, today) {
                return Err(AppError::refused(
                    "bidder_restricted",
                    format!(
                        "该主体被{}以{}决定禁止参加{}，期限至{}（依据：{}），不能参加本次交易",
                        row.authority,
                        row.document_no,
                        record.scope.map_or("交易活动", RestrictionScope::label),
                        row.barred_until.as_deref().unwrap_or_default(),
                        row.basis
                    ),
                ));
            }
        }
        Ok(())
    }
}
