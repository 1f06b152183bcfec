//! Two-stage tendering (两阶段招标, 招标投标法实施条例 第三十条): for a technically complex project
//! the first stage asks for technical proposals without prices; from them the principal settles the
//! technical standards and prepares the documents; the second stage is an ordinary notice (documents,
//! price and final technical bid, the deposit if any) open only to those who proposed.
//!
//! The proposals are sealed like bids until their deadline: before it nobody, the principal
//! included, learns who proposed or how many (招标投标法 第二十二条 in spirit; DESIGN §5). After it
//! the principal reads them to write the documents; proposers never see each other's.

use ggzy_crypto::sm3::sm3;
use ggzy_domain::authz::Action;
use ggzy_domain::china_time;
use ggzy_domain::project::TenderingMethod;
use ggzy_domain::tender::{TenderCommand, TenderState, transition};
pub use ggzy_store::tender_projection::TechnicalProposalRow;
use ggzy_store::tender_projection::{TenderOp, TenderRow};
use ggzy_store::{ExpectedVersion, ProjectionOp};

use crate::App;
use crate::actor::Actor;
use crate::entity::stored_region;
use crate::error::{AppError, AppResult, FieldError, required_text};
use crate::events::{Event, Recorded, stream};
use crate::tender::{TenderView, tender_state};

/// Longest file name of a proposal document.
const FILE_NAME_MAX_CHARS: usize = 200;
/// Longest published text (the first-stage requirements, the settled standards).
const TEXT_MAX_CHARS: usize = 5000;

/// The first-stage notice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProposalInvitation {
    /// Technical proposals are taken until then, UTC ms.
    pub proposal_deadline_ms: i64,
    /// What the proposals must address.
    pub requirements: String,
    /// A bid security asked for in the first stage: always refused (第三十条第四款), taken here so
    /// that a notice carrying one is told why rather than silently dropping it.
    pub bid_security_fen: Option<i64>,
}

fn invalid_transition(refused: impl std::fmt::Display) -> AppError {
    AppError::refused("invalid_transition", refused.to_string())
}

fn field(name: &str, code: &'static str, message: impl Into<String>) -> AppError {
    AppError::Invalid(vec![FieldError::new(name, code, message)])
}

impl App {
    /// Publishes the first-stage notice (or, for an invited tender, the invitation): technical
    /// proposals without prices until `proposal_deadline_ms`. A bid security may be asked for only in
    /// the second stage (第三十条第四款).
    pub async fn invite_proposals(
        &self,
        actor: &Actor,
        tender_id: &str,
        invitation: ProposalInvitation,
    ) -> AppResult<TenderView> {
        let row = self.tender_row(tender_id).await?;
        self.authorize_tender(actor, &row)?;
        transition(tender_state(&row)?, TenderCommand::InviteProposals).map_err(invalid_transition)?;
        if invitation.bid_security_fen.is_some() {
            return Err(AppError::refused(
                "bid_security_in_first_stage",
                "两阶段招标的第一阶段不得要求提交投标保证金：招标人要求提交投标保证金的，应当在第二阶段提出（招标投标法实施条例 第三十条第四款）；请删去 bid_security_fen，在第二阶段的招标公告中写明",
            ));
        }
        let requirements = required_text("requirements", &invitation.requirements, "技术建议的要求", TEXT_MAX_CHARS)?;
        let now_ms = self.now_ms();
        if invitation.proposal_deadline_ms <= now_ms {
            return Err(field(
                "proposal_deadline",
                "invalid_time",
                format!("技术建议的提交截止时间须晚于现在（服务器时间 {}）", china_time::text(now_ms)),
            ));
        }
        let method = if self.store.invitees(tender_id).await?.is_empty() {
            TenderingMethod::Open
        } else {
            TenderingMethod::Invited
        };
        self.check_project_ready(&row, method).await?;
        let event = Event::TechnicalProposalsInvited {
            tender_id: tender_id.to_owned(),
            proposal_deadline_ms: invitation.proposal_deadline_ms,
            requirements,
        };
        self.record_tender(actor, &row.region_code, tender_id, row.version, event).await
    }

    /// A potential bidder hands in its technical proposal (one document) before the deadline; a
    /// later one from the same proposer replaces it. Returns the proposal as recorded.
    pub async fn submit_technical_proposal(
        &self,
        actor: &Actor,
        tender_id: &str,
        proposer: &str,
        file_name: &str,
        bytes: Vec<u8>,
    ) -> AppResult<TechnicalProposalRow> {
        let row = self.tender_row(tender_id).await?;
        actor.authorize_on_entity(Action::SubmitBid, &stored_region(&row.region_code)?, proposer)?;
        self.store.entity(proposer).await?.ok_or(AppError::NotFound { what: "市场主体" })?;
        transition(tender_state(&row)?, TenderCommand::SubmitProposal).map_err(invalid_transition)?;
        let deadline_ms = row.proposal_deadline_ms.unwrap_or(i64::MIN);
        let now_ms = self.now_ms();
        if now_ms >= deadline_ms {
            return Err(AppError::refused(
                "proposal_deadline_passed",
                format!(
                    "技术建议的提交截止时间为 {}，服务器时间为 {}，已过截止时间",
                    china_time::text(deadline_ms),
                    china_time::text(now_ms)
                ),
            ));
        }
        self.check_invited(&row, proposer).await?;
        let file_name = required_text("file_name", file_name, "技术建议文件名", FILE_NAME_MAX_CHARS)?;
        if bytes.is_empty() {
            return Err(field("document", "invalid_file", "技术建议文件为空，请上传文件内容"));
        }
        let digest = sm3(&bytes);
        let size_bytes = i64::try_from(bytes.len()).map_err(|_| AppError::Internal("file too large".to_owned()))?;
        self.bid_services()?
            .blobs
            .put(std::sync::Arc::new(bytes), digest)
            .await
            .map_err(|error| AppError::Internal(format!("blob storage: {error}")))?;
        let proposal = Recorded {
            stream_id: stream::proposer(tender_id, proposer),
            region_code: row.region_code.clone(),
            event: Event::TechnicalProposalSubmitted {
                tender_id: tender_id.to_owned(),
                proposer_credit_code: proposer.to_owned(),
                file_name,
                size_bytes,
                document_sm3_hex: hex::encode(digest),
            },
        };
        // Still taking proposals when written, whatever happened since the check above.
        let guard = ProjectionOp::Tender(TenderOp::RequireState {
            tender_id: tender_id.to_owned(),
            state: TenderState::Proposing.as_str().to_owned(),
        });
        self.record(actor, vec![(proposal.stream_id.clone(), ExpectedVersion::Any)], vec![proposal], vec![guard])
            .await?;
        self.store
            .technical_proposals(tender_id)
            .await?
            .into_iter()
            .find(|row| row.proposer_credit_code == proposer)
            .ok_or_else(|| AppError::Internal("recorded proposal not found".to_owned()))
    }

    /// The proposals, for the tender's principal or agency once the proposal deadline has passed.
    pub async fn technical_proposals(&self, actor: &Actor, tender_id: &str) -> AppResult<Vec<TechnicalProposalRow>> {
        let row = self.tender_row(tender_id).await?;
        self.authorize_tender(actor, &row)?;
        self.check_proposals_unsealed(&row)?;
        Ok(self.store.technical_proposals(tender_id).await?)
    }

    /// A proposal's document: for its proposer at any time, for the principal or agency after the
    /// deadline. Returns the row and the bytes.
    pub async fn technical_proposal_document(
        &self,
        actor: &Actor,
        tender_id: &str,
        proposer: &str,
    ) -> AppResult<(TechnicalProposalRow, Vec<u8>)> {
        let row = self.tender_row(tender_id).await?;
        let region = stored_region(&row.region_code)?;
        if actor.authorize_on_entity(Action::SubmitBid, &region, proposer).is_err() {
            self.authorize_tender(actor, &row)?;
            self.check_proposals_unsealed(&row)?;
        }
        let proposal = self
            .store
            .technical_proposals(tender_id)
            .await?
            .into_iter()
            .find(|row| row.proposer_credit_code == proposer)
            .ok_or(AppError::NotFound { what: "技术建议" })?;
        let digest: [u8; 32] = hex::decode(&proposal.document_sm3_hex)
            .ok()
            .and_then(|bytes| bytes.try_into().ok())
            .ok_or_else(|| AppError::Internal("stored proposal digest".to_owned()))?;
        let bytes = self
            .bid_services()?
            .blobs
            .read(&digest)
            .await
            .map_err(|error| AppError::Internal(format!("blob storage: {error}")))?;
        if sm3(&bytes) != digest {
            return Err(AppError::Internal(format!(
                "stored proposal {} does not match its SM3",
                proposal.document_sm3_hex
            )));
        }
        Ok((proposal, bytes))
    }

    /// Closes the first stage after the deadline with the technical standards the principal settled
    /// from the proposals. The second stage is open only to the proposers (第三十条第三款), so with
    /// fewer of them than the ruleset's minimum of bids (3, 招标投标法 第二十八条) it could not succeed:
    /// the tender fails then, to be re-tendered.
    pub async fn close_proposals(
        &self,
        actor: &Actor,
        tender_id: &str,
        technical_standards: &str,
    ) -> AppResult<TenderView> {
        let row = self.tender_row(tender_id).await?;
        self.authorize_tender(actor, &row)?;
        let state = tender_state(&row)?;
        transition(state, TenderCommand::CloseProposals).map_err(invalid_transition)?;
        let deadline_ms = row.proposal_deadline_ms.unwrap_or(i64::MAX);
        if self.now_ms() < deadline_ms {
            return Err(AppError::refused(
                "proposal_deadline_not_passed",
                format!("技术建议的提交截止时间 {} 未到，不能结束第一阶段", china_time::text(deadline_ms)),
            ));
        }
        let technical_standards =
            required_text("technical_standards", technical_standards, "确定的技术标准和要求", TEXT_MAX_CHARS)?;
        let proposers: Vec<String> =
            self.store.technical_proposals(tender_id).await?.into_iter().map(|row| row.proposer_credit_code).collect();
        let minimum = self.rule_of(&row, "bids_min")?;
        let failed_reason = if i64::try_from(proposers.len()).unwrap_or(i64::MAX) < minimum.value {
            let line = transition(state, TenderCommand::DeclareFailed).map_err(invalid_transition)?;
            Some(format!(
                "提交技术建议的潜在投标人为{}个，少于{}个：第二阶段只向其提供招标文件，投标人必然少于{}个，应当重新招标（{}）",
                proposers.len(),
                minimum.value,
                minimum.value,
                line.source
            ))
        } else {
            None
        };
        let event = Event::TechnicalProposalsClosed {
            tender_id: tender_id.to_owned(),
            technical_standards,
            proposers,
            failed_reason,
        };
        self.record_tender(actor, &row.region_code, tender_id, row.version, event).await
    }

    /// In the second stage only those who proposed in the first may register and bid (第三十条第三款).
    pub(crate) async fn check_proposer(&self, row: &TenderRow, bidder: &str) -> AppResult<()> {
        if row.proposal_deadline_ms.is_none() {
            return Ok(());
        }
        let proposed =
            self.store.technical_proposals(&row.tender_id).await?.iter().any(|row| row.proposer_credit_code == bidder);
        if proposed {
            return Ok(());
        }
        Err(AppError::refused(
            "bidder_not_proposer",
            format!(
                "本项目为两阶段招标，{bidder} 未在第一阶段提交技术建议，不能获取第二阶段的招标文件或投标（招标投标法实施条例 第三十条第三款）"
            ),
        ))
    }

    fn check_proposals_unsealed(&self, row: &TenderRow) -> AppResult<()> {
        let deadline_ms =
            row.proposal_deadline_ms.ok_or(AppError::NotFound { what: "两阶段招标的技术建议" })?;
        if self.now_ms() < deadline_ms {
            return Err(AppError::refused(
                "proposals_sealed",
                format!(
                    "技术建议的提交截止时间 {} 前，不公开提交人和数量（招标投标法 第二十二条）",
                    china_time::text(deadline_ms)
                ),
            ));
        }
        Ok(())
    }
}
