//! Invited tendering (邀请招标, 招标投标法 第十七条): at least the ruleset's number (3) of entities are
//! invited; a state-funded project that must tender needs one of the two grounds of 招标投标法实施条例
//! 第八条 as found by the approving authority (`crate::project`); only the invited may register
//! (获取招标文件) and bid.

use ggzy_domain::CreditCode;
use ggzy_domain::project::{TenderingMethod, check_method};
use ggzy_domain::tender::{TenderCommand, transition};
use ggzy_store::tender_projection::TenderRow;

use crate::App;
use crate::actor::Actor;
use crate::error::{AppError, AppResult};
use crate::events::Event;
use crate::project::{parse_ground, procedure_refused};
use crate::tender::{TenderView, tender_state};

impl App {
    /// Makes a draft tender an invited one, naming the invited entities.
    pub async fn invite_bidders(
        &self,
        actor: &Actor,
        tender_id: &str,
        invitees: &[CreditCode],
        ground: &str,
        approval_reference: &str,
    ) -> AppResult<TenderView> {
        let row = self.tender_row(tender_id).await?;
        self.authorize_tender(actor, &row)?;
        transition(tender_state(&row)?, TenderCommand::InviteBidders)
            .map_err(|refused| AppError::refused("invalid_transition", refused.to_string()))?;
        if !self.store.invitees(tender_id).await?.is_empty() {
            return Err(AppError::refused("invalid_transition", "该招标项目已经确定了被邀请人"));
        }
        let project = self.check_project_ready(&row, TenderingMethod::Invited).await?;
        // A ground given here, or the one the project was registered or approved with.
        let ground = match ground.trim() {
            "" => project.invitation_ground,
            text => parse_ground("ground", Some(text))?,
        };
        check_method(&project.assessment, TenderingMethod::Invited, ground).map_err(procedure_refused)?;
        let approval_reference = approval_reference.trim();
        if approval_reference.chars().count() > 500 || (ground.is_some() && approval_reference.is_empty()) {
            return Err(AppError::refused(
                "invalid_text",
                "以实施条例 第八条的情形邀请招标的，须写明项目审批、核准部门或行政监督部门的认定（文号），不超过500字",
            ));
        }
        let mut codes: Vec<String> = invitees.iter().map(|code| code.as_str().to_owned()).collect();
        codes.sort();
        codes.dedup();
        let ruleset = self.pinned_ruleset(&row.ruleset_version)?;
        let minimum = ruleset
            .get("invited_bidders_min")
            .ok_or_else(|| AppError::Internal("ruleset lacks invited_bidders_min".to_owned()))?;
        if i64::try_from(codes.len()).unwrap_or(i64::MAX) < minimum.value {
            return Err(AppError::refused(
                "invited_bidders_too_few",
                format!(
                    "邀请招标应当向{}个以上特定的法人或者其他组织发出投标邀请书，现只有{}个（{}）",
                    minimum.value,
                    codes.len(),
                    minimum.source
                ),
            ));
        }
        for code in &codes {
            self.store.entity(code).await?.ok_or(AppError::NotFound { what: "市场主体" })?;
        }
        let event = Event::BiddersInvited {
            tender_id: tender_id.to_owned(),
            invitees: codes,
            ground: ground.map(|g| g.as_str().to_owned()).unwrap_or_default(),
            approval_reference: approval_reference.to_owned(),
        };
        self.record_tender(actor, &row.region_code, tender_id, row.version, event).await
    }

    /// An invited tender takes registrations from the invited only (招标投标法 第十七条).
    pub(crate) async fn check_invited(&self, row: &TenderRow, bidder: &str) -> AppResult<()> {
        let invitees = self.store.invitees(&row.tender_id).await?;
        if invitees.is_empty() || invitees.iter().any(|code| code == bidder) {
            return Ok(());
        }
        Err(AppError::refused(
            "bidder_not_invited",
            format!("本项目为邀请招标，{bidder} 不在被邀请人之列，不能获取招标文件或投标（招标投标法 第十七条）"),
        ))
    }
}
