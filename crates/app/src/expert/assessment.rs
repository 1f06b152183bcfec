//! Assessments of experts after each evaluation (评标专家考核评价): once the committee's report is
//! recorded, the tender's principal or agency rates each drawn expert's work on the lot, once. The
//! assessments stay on the expert's record for those who may read it; the centre uses them when it
//! reviews the expert's standing (a suspension stays its own decision, 招标投标法实施条例 第七十一条).

use ggzy_store::ExpectedVersion;
use ggzy_store::expert::AssessmentRow;

use crate::App;
use crate::actor::Actor;
use crate::error::{AppError, AppResult};
use crate::events::{AssessmentDetails, Event, Recorded, stream};

/// The ratings, best first, with their Chinese names.
pub const RATINGS: [(&str, &str); 4] =
    [("excellent", "优秀"), ("good", "良好"), ("adequate", "合格"), ("unqualified", "不合格")];

/// Remarks longer than this are refused.
const REMARKS_MAX_CHARS: usize = 1000;

/// An assessment to record.
#[derive(Debug, Clone)]
pub struct AssessmentInput {
    /// The expert.
    pub expert_id: String,
    /// One of [`RATINGS`].
    pub rating: String,
    /// Remarks (required when unqualified).
    pub remarks: String,
}

impl App {
    /// Records the principal's or agency's assessment of a drawn expert who sat on the lot's
    /// committee, after its report was recorded; once per expert and lot.
    pub async fn assess_expert(
        &self,
        actor: &Actor,
        tender_id: &str,
        lot_id: &str,
        input: AssessmentInput,
    ) -> AppResult<AssessmentRow> {
        let row = self.tender_row(tender_id).await?;
        self.authorize_tender(actor, &row)?;
        let fold = self.lot_fold(tender_id, lot_id).await?;
        if fold.workspace.closed.is_none() {
            return Err(AppError::refused(
                "assessment_before_report",
                "评标报告签署完成后，方可对评标专家的评标工作作出评价",
            ));
        }
        let sat = fold
            .committee
            .as_ref()
            .is_some_and(|c| c.members.iter().any(|m| m.expert_id.as_deref() == Some(input.expert_id.as_str())));
        if !sat {
            return Err(AppError::refused(
                "expert_not_on_committee",
                format!("专家 {} 不是本标段评标委员会中从专家库抽取的专家，不能对其评价", input.expert_id),
            ));
        }
        if !RATINGS.iter().any(|(id, _)| *id == input.rating) {
            return Err(AppError::refused(
                "assessment_rating_invalid",
                format!(
                    "评价等级“{}”无效：应为 {}",
                    input.rating,
                    RATINGS.iter().map(|(id, name)| format!("{id}（{name}）")).collect::<Vec<_>>().join("、")
                ),
            ));
        }
        let remarks = input.remarks.trim().to_owned();
        if remarks.chars().count() > REMARKS_MAX_CHARS || (input.rating == "unqualified" && remarks.is_empty()) {
            return Err(AppError::refused(
                "assessment_remarks_invalid",
                format!("评价说明不超过{REMARKS_MAX_CHARS}个字；评为不合格的，须写明事实和理由"),
            ));
        }
        let stream_id = stream::expert_assessment(&input.expert_id, tender_id, lot_id);
        if !self.store.stream(&stream_id).await?.is_empty() {
            return Err(AppError::refused(
                "expert_already_assessed",
                format!("已对专家 {} 在本标段的评标工作作出评价，不能重复评价", input.expert_id),
            ));
        }
        let details = AssessmentDetails {
            expert_id: input.expert_id.clone(),
            tender_id: tender_id.to_owned(),
            lot_id: lot_id.to_owned(),
            rating: input.rating,
            remarks,
            assessed_by: actor.user_id.clone(),
        };
        let recorded = Recorded {
            stream_id: stream_id.clone(),
            region_code: row.region_code.clone(),
            event: Event::ExpertAssessed(details),
        };
        self.record(actor, vec![(stream_id, ExpectedVersion::NoStream)], vec![recorded], Vec::new()).await?;
        self.store
            .expert_assessments(&input.expert_id)
            .await?
            .into_iter()
            .find(|a| a.tender_id == tender_id && a.lot_id == lot_id)
            .ok_or_else(|| AppError::Internal("assessment not projected".to_owned()))
    }

    /// An expert's assessments, for those who may read the expert's record (the centre, the
    /// regulators, the expert).
    pub async fn expert_assessments(&self, actor: &Actor, expert_id: &str) -> AppResult<Vec<AssessmentRow>> {
        let row = self.expert_row(expert_id).await?;
        self.may_read_expert(actor, &row)?;
        Ok(self.store.expert_assessments(expert_id).await?)
    }
}
