//! Subcontracts of a contracted lot (分包, 招标投标法 第四十八条, 实施条例 第五十九条): the winner may
//! subcontract part of the non-main, non-key work, as the contract provides or with the principal's
//! consent; a subcontractor may not subcontract again, and the project may not be passed on. The
//! principal records each subcontract with its basis; the platform refuses what the law forbids.
//! Whether the subcontractor holds the qualifications the work needs stays the principal's check.

use ggzy_domain::lot_award::LotStage;

use super::LotAward;
use crate::App;
use crate::actor::Actor;
use crate::error::{AppError, AppResult};
use crate::events::{Event, SubcontractDetails};

const ARTICLE: &str = "招标投标法 第四十八条；招标投标法实施条例 第五十九条";

/// A subcontract to record.
#[derive(Debug, Clone)]
pub struct SubcontractInput {
    /// The subcontractor (统一社会信用代码, registered on the platform).
    pub subcontractor: String,
    /// Who subcontracts: the winner (when absent) or, refused, one of its subcontractors.
    pub subcontracted_by: Option<String>,
    /// The work subcontracted.
    pub work: String,
    /// Whether the work is main (主体) or key (关键性) work.
    pub main_or_key_work: bool,
    /// `contract` (the contract provides for it) or `consent` (the principal consents).
    pub basis: String,
}

impl App {
    /// Records a subcontract of a contracted lot, refusing what 法 第四十八条 forbids.
    pub async fn record_subcontract(
        &self,
        actor: &Actor,
        tender_id: &str,
        lot_id: &str,
        input: SubcontractInput,
    ) -> AppResult<LotAward> {
        let row = self.tender_row(tender_id).await?;
        self.authorize_tender(actor, &row)?;
        let fold = self.lot_fold(tender_id, lot_id).await?;
        if fold.stage != LotStage::Contracted {
            return Err(AppError::refused(
                "invalid_transition",
                format!("标段当前阶段为“{}”：签订合同后、归档前方可登记分包", fold.stage.label()),
            ));
        }
        let (winner, _) =
            fold.winner.clone().ok_or_else(|| AppError::Internal("contracted without a winner".into()))?;
        let refuse =
            |code: &'static str, message: String| Err(AppError::refused(code, format!("{message}（{ARTICLE}）")));
        if input.subcontracted_by.as_deref().is_some_and(|by| by != winner) {
            return refuse("subcontract_resubcontracting", "接受分包的人不得再次分包：分包只能由中标人发包".to_owned());
        }
        if input.subcontractor == winner {
            return refuse("subcontract_invalid", "中标人不能把工作分包给自己".to_owned());
        }
        if input.main_or_key_work {
            return refuse(
                "subcontract_main_work",
                "只能将中标项目的部分非主体、非关键性工作分包；主体、关键性工作须由中标人自行完成".to_owned(),
            );
        }
        if !matches!(input.basis.as_str(), "contract" | "consent") {
            return refuse(
                "subcontract_invalid",
                "分包须按照合同约定（basis = contract）或者经招标人同意（basis = consent）".to_owned(),
            );
        }
        let work = input.work.trim();
        if work.is_empty() || work.chars().count() > 500 {
            return refuse("subcontract_invalid", "分包工作内容（work）不能为空，且不超过500个字".to_owned());
        }
        if self.store.entity(&input.subcontractor).await?.is_none() {
            return refuse("subcontract_invalid", format!("接受分包的单位 {} 未在平台登记", input.subcontractor));
        }
        let event = Event::SubcontractRecorded(SubcontractDetails {
            tender_id: tender_id.to_owned(),
            lot_id: lot_id.to_owned(),
            winner_credit_code: winner,
            subcontractor_credit_code: input.subcontractor,
            work: work.to_owned(),
            basis: input.basis,
        });
        self.record_lot(actor, &row, &fold, event).await
    }
}
