//! Pre-qualification (资格预审, 招标投标法实施条例 第十五条至第十九条): the notice puts the documents on
//! sale for at least 5 days and takes applications until at least 5 days after the sale ends; the
//! review's result qualifies some applicants; fewer than 3 qualified and the tender must be re-run;
//! only qualified applicants may then register and bid (第三十六条).

use ggzy_domain::authz::Action;
use ggzy_domain::china_time;
use ggzy_domain::deadline::{self, DeadlineError};
use ggzy_domain::project::TenderingMethod;
use ggzy_domain::ruleset::Rule;
use ggzy_domain::tender::{TenderCommand, transition};
use ggzy_store::ExpectedVersion;
use ggzy_store::tender_projection::TenderRow;
use jiff::civil::Date;

use crate::App;
use crate::actor::Actor;
use crate::entity::stored_region;
use crate::error::{AppError, AppResult};
use crate::events::{Event, PqRejection, Recorded, stream};
use crate::tender::{TenderView, tender_state};

/// The review's result: who qualified, who did not and why.
#[derive(Debug, Clone, Default)]
pub struct PqResultInput {
    /// Qualified applicants.
    pub qualified: Vec<String>,
    /// Rejected applicants with the reason.
    pub rejected: Vec<(String, String)>,
}

fn invalid_transition(refused: impl std::fmt::Display) -> AppError {
    AppError::refused("invalid_transition", refused.to_string())
}

impl App {
    pub(crate) fn rule_of<'a>(&'a self, row: &TenderRow, id: &str) -> AppResult<&'a Rule> {
        let ruleset = self.pinned_ruleset(&row.ruleset_version)?;
        ruleset.get(id).ok_or_else(|| AppError::Internal(format!("{} lacks {id}", ruleset.key())))
    }

    /// A floor from `start` to `proposed`, refused with the earliest legal day and the article.
    fn check_pq_floor(&self, row: &TenderRow, id: &str, start: Date, proposed: Date, what: &str) -> AppResult<()> {
        let rule = self.rule_of(row, id)?;
        match deadline::check_floor(&self.calendar, start, proposed, rule) {
            Ok(_) => Ok(()),
            Err(error @ DeadlineError::TooEarly { .. }) => Err(AppError::refused(
                "deadline_below_statutory_minimum",
                format!("{what}不符合法定最短期限（不少于{}日）：{error}", rule.value),
            )),
            Err(DeadlineError::Calendar(error)) => Err(AppError::refused("calendar_not_covered", error.to_string())),
            Err(other) => Err(AppError::Internal(other.to_string())),
        }
    }

    /// Publishes the pre-qualification notice: documents on sale from today until `sale_ends`
    /// (at least 5 days, 条例 第十六条), applications until `application_deadline_ms` (at least 5 days
    /// after the sale ends, 第十七条).
    pub async fn publish_prequalification(
        &self,
        actor: &Actor,
        tender_id: &str,
        sale_ends: Date,
        application_deadline_ms: i64,
    ) -> AppResult<TenderView> {
        let row = self.tender_row(tender_id).await?;
        self.authorize_tender(actor, &row)?;
        transition(tender_state(&row)?, TenderCommand::PublishPrequalification).map_err(invalid_transition)?;
        self.check_project_ready(&row, TenderingMethod::Open).await?;
        let today = china_time::date_of(self.now_ms());
        self.check_pq_floor(&row, "doc_sale_days_min", today, sale_ends, "资格预审文件的发售期")?;
        let deadline_day = china_time::date_of(application_deadline_ms);
        self.check_pq_floor(
            &row,
            "pq_application_days_min",
            sale_ends,
            deadline_day,
            "提交资格预审申请文件的截止时间",
        )?;
        let event = Event::PrequalificationPublished {
            tender_id: tender_id.to_owned(),
            sale_ends_day: sale_ends.to_string(),
            application_deadline_ms,
        };
        self.record_tender(actor, &row.region_code, tender_id, row.version, event).await
    }

    /// An applicant applies for pre-qualification, before the application deadline.
    pub async fn apply_for_prequalification(
        &self,
        actor: &Actor,
        tender_id: &str,
        applicant: &str,
    ) -> AppResult<TenderView> {
        let row = self.tender_row(tender_id).await?;
        actor.authorize_on_entity(Action::SubmitBid, &stored_region(&row.region_code)?, applicant)?;
        self.store.entity(applicant).await?.ok_or(AppError::NotFound { what: "市场主体" })?;
        transition(tender_state(&row)?, TenderCommand::ApplyForPrequalification).map_err(invalid_transition)?;
        let deadline_ms = row.pq_deadline_ms.unwrap_or(i64::MIN);
        let now_ms = self.now_ms();
        if now_ms >= deadline_ms {
            return Err(AppError::refused(
                "pq_deadline_passed",
                format!(
                    "资格预审申请文件的提交截止时间为 {}，服务器时间为 {}，已过截止时间（招标投标法实施条例 第十七条）",
                    china_time::text(deadline_ms),
                    china_time::text(now_ms)
                ),
            ));
        }
        if self.store.pq_applications(tender_id).await?.iter().any(|(code, _, _)| code == applicant) {
            return Err(AppError::AlreadyExists { what: "资格预审申请" });
        }
        let event = Recorded {
            stream_id: stream::applicant(tender_id, applicant),
            region_code: row.region_code.clone(),
            event: Event::PrequalificationApplied {
                tender_id: tender_id.to_owned(),
                applicant_credit_code: applicant.to_owned(),
            },
        };
        self.record(actor, vec![(event.stream_id.clone(), ExpectedVersion::NoStream)], vec![event], Vec::new()).await?;
        self.tender(tender_id).await
    }

    /// Records the review's result once applications are closed: every applicant qualified or
    /// rejected with a reason. Fewer qualified than the ruleset's minimum (3) fails the tender, to
    /// be re-tendered (条例 第十九条).
    pub async fn record_prequalification(
        &self,
        actor: &Actor,
        tender_id: &str,
        result: PqResultInput,
    ) -> AppResult<TenderView> {
        let row = self.tender_row(tender_id).await?;
        self.authorize_tender(actor, &row)?;
        transition(tender_state(&row)?, TenderCommand::RecordPrequalification).map_err(invalid_transition)?;
        let deadline_ms = row.pq_deadline_ms.unwrap_or(i64::MAX);
        if self.now_ms() < deadline_ms {
            return Err(AppError::refused(
                "pq_deadline_not_passed",
                format!("资格预审申请的提交截止时间 {} 未到，不能登记审查结果", china_time::text(deadline_ms)),
            ));
        }
        let applicants: Vec<String> =
            self.store.pq_applications(tender_id).await?.into_iter().map(|(code, _, _)| code).collect();
        let decided: Vec<&String> =
            result.qualified.iter().chain(result.rejected.iter().map(|(code, _)| code)).collect();
        if let Some(unknown) = decided.iter().find(|code| !applicants.contains(code)) {
            return Err(AppError::refused(
                "pq_applicant_unknown",
                format!("{unknown} 没有提交资格预审申请，不能列入审查结果"),
            ));
        }
        let missing: Vec<&str> = applicants.iter().filter(|code| !decided.contains(code)).map(String::as_str).collect();
        if !missing.is_empty() || decided.len() != applicants.len() {
            return Err(AppError::refused(
                "pq_result_incomplete",
                format!("审查结果须对每个申请人作出且仅作出一个结论；未作结论或重复的申请人：{}", missing.join("、")),
            ));
        }
        if let Some((code, _)) = result.rejected.iter().find(|(_, reason)| reason.trim().is_empty()) {
            return Err(AppError::refused("invalid_text", format!("未通过资格预审的申请人 {code} 须写明理由")));
        }
        let minimum = self.rule_of(&row, "pq_qualified_min")?;
        let failed_reason = (i64::try_from(result.qualified.len()).unwrap_or(i64::MAX) < minimum.value).then(|| {
            format!(
                "通过资格预审的申请人为{}个，少于{}个，应当重新招标（{}）",
                result.qualified.len(),
                minimum.value,
                minimum.source
            )
        });
        let event = Event::PrequalificationRecorded {
            tender_id: tender_id.to_owned(),
            qualified: result.qualified,
            rejected: result
                .rejected
                .into_iter()
                .map(|(applicant_credit_code, reason)| PqRejection {
                    applicant_credit_code,
                    reason: reason.trim().to_owned(),
                })
                .collect(),
            failed_reason,
        };
        self.record_tender(actor, &row.region_code, tender_id, row.version, event).await
    }

    /// After pre-qualification only qualified applicants may register (条例 第十九条、第三十六条).
    pub(crate) async fn check_prequalified(&self, row: &TenderRow, bidder: &str) -> AppResult<()> {
        if row.pq_deadline_ms.is_none() {
            return Ok(());
        }
        let qualified = self
            .store
            .pq_applications(&row.tender_id)
            .await?
            .iter()
            .any(|(code, result, _)| code == bidder && result == "qualified");
        if qualified {
            return Ok(());
        }
        Err(AppError::refused(
            "bidder_not_prequalified",
            format!(
                "{bidder} 未通过本项目的资格预审，不能获取招标文件或投标（招标投标法实施条例 第十九条、第三十六条）"
            ),
        ))
    }
}
