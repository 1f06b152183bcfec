//! What a sale records and what it is asked for: the announcement (the first event of its stream),
//! a re-disclosure's new terms, and an announcement request.

use ggzy_domain::sale::{MiningRight, SaleKind, SaleTerms};
use ggzy_domain::{Fen, RegionCode};
use ggzy_store::sale::SaleRow;
use serde::{Deserialize, Serialize};

use crate::error::{AppError, AppResult};

/// What a sale is announced with: asked for as typed (checked by `App::announce_sale`), and
/// recorded normalised in the announcement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SaleNotice {
    /// Kind identifier.
    pub kind: String,
    /// Title of the parcel or asset.
    pub title: String,
    /// The principal (出让人 / 转让方).
    pub principal_credit_code: String,
    /// Published description (location, area, use, term, planning indicators, conditions).
    pub description: String,
    /// Start price, fen.
    pub start_price_fen: i64,
    /// Increment, fen.
    pub increment_fen: i64,
    /// Deposit, fen.
    pub deposit_fen: i64,
    /// Appraisal, fen (property transfers).
    pub appraisal_fen: Option<i64>,
    /// SM3 commitment to the sealed reserve, hex (`reference_price::reserve_commitment`).
    pub reserve_commitment_hex: Option<String>,
    /// Applications close, UTC ms.
    pub applications_close_ms: i64,
    /// Bidding starts, UTC ms.
    pub starts_at_ms: i64,
    /// Bidding is scheduled to end, UTC ms.
    pub ends_at_ms: i64,
    /// Countdown, ms.
    pub countdown_ms: Option<i64>,
    /// Which mining right is sold (`exploration` 探矿权, `mining` 采矿权): mining sales only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mining_right: Option<String>,
}

/// A sale's announcement as recorded (the first event of its stream).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SaleAnnouncement {
    /// Sale id.
    pub sale_id: String,
    /// Region of the platform running it.
    pub region_code: String,
    /// What it is announced with.
    #[serde(flatten)]
    pub notice: SaleNotice,
    /// The ruleset the sale is pinned to (`id@version`).
    pub ruleset: String,
}

impl SaleAnnouncement {
    /// The list row.
    pub fn row(&self, at_ms: i64) -> SaleRow {
        SaleRow {
            sale_id: self.sale_id.clone(),
            region_code: self.region_code.clone(),
            kind: self.notice.kind.clone(),
            title: self.notice.title.clone(),
            announced_at_ms: at_ms,
            starts_at_ms: self.notice.starts_at_ms,
            ends_at_ms: self.notice.ends_at_ms,
        }
    }

    /// The mining right sold, for mining sales.
    pub fn mining_right(&self) -> Option<MiningRight> {
        self.notice.mining_right.as_deref().and_then(MiningRight::parse)
    }

    pub(crate) fn sale_kind(&self) -> AppResult<SaleKind> {
        SaleKind::parse(&self.notice.kind)
            .ok_or_else(|| AppError::Internal(format!("stored sale kind {}", self.notice.kind)))
    }

    /// The first round's terms.
    pub fn terms(&self) -> AppResult<SaleTerms> {
        Ok(SaleTerms {
            kind: self.sale_kind()?,
            start_price: Fen(self.notice.start_price_fen),
            increment: Fen(self.notice.increment_fen),
            deposit: Fen(self.notice.deposit_fen),
            appraisal: self.notice.appraisal_fen.map(Fen),
            reserve_sealed: self.notice.reserve_commitment_hex.is_some(),
            applications_close_ms: self.notice.applications_close_ms,
            starts_at_ms: self.notice.starts_at_ms,
            ends_at_ms: self.notice.ends_at_ms,
            countdown_ms: self.notice.countdown_ms,
        })
    }
}

/// A re-disclosure's new terms as recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SaleRepricing {
    /// Sale id.
    pub sale_id: String,
    /// New listed price, fen.
    pub start_price_fen: i64,
    /// Increment, fen.
    pub increment_fen: i64,
    /// Deposit, fen.
    pub deposit_fen: i64,
    /// Applications close, UTC ms.
    pub applications_close_ms: i64,
    /// Bidding starts, UTC ms.
    pub starts_at_ms: i64,
    /// Bidding is scheduled to end, UTC ms.
    pub ends_at_ms: i64,
    /// Countdown, ms.
    pub countdown_ms: Option<i64>,
    /// The approving body's written consent to a price below 90% of the appraisal (32号令 第十八条).
    pub approval_document: Option<String>,
}

impl SaleRepricing {
    /// The terms of the new round (the kind and appraisal stay the sale's).
    pub(crate) fn terms(&self, kind: SaleKind, appraisal: Option<Fen>) -> SaleTerms {
        SaleTerms {
            kind,
            start_price: Fen(self.start_price_fen),
            increment: Fen(self.increment_fen),
            deposit: Fen(self.deposit_fen),
            appraisal,
            reserve_sealed: false,
            applications_close_ms: self.applications_close_ms,
            starts_at_ms: self.starts_at_ms,
            ends_at_ms: self.ends_at_ms,
            countdown_ms: self.countdown_ms,
        }
    }
}

/// What an announcement asks for.
#[derive(Debug, Clone)]
pub struct NewSale {
    /// Region of the platform.
    pub region: RegionCode,
    /// The notice.
    pub notice: SaleNotice,
}
