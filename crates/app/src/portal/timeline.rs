//! A tender's timeline as the public sees it: every recorded step of the tender's stream and of
//! its lots' award streams, in order, with its time and, where the law sets a deadline, the
//! deadline and its article.
//!
//! Each step is written here from chosen fields of its event, never by passing a payload on: a
//! bidder's, applicant's, objector's or invitee's name never appears (招标投标法 第二十二条), nor
//! the committee (sealed until the award), only what the published notices themselves say. Bids
//! and registrations live on the bidders' own streams, which are not read at all. Events this
//! module does not know (a newer procedure step) are left out rather than shown raw.

use ggzy_store::tender_projection::TenderRow;

use crate::App;
use crate::error::AppResult;
use crate::events::{Event, stream};

/// One step of the procedure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimelineStep {
    /// When it was recorded, UTC ms.
    pub at_ms: i64,
    /// The lot it concerns (`None`: the whole tender).
    pub lot_id: Option<String>,
    /// What happened, in Chinese.
    pub title: String,
    /// Public particulars, in Chinese (may be empty).
    pub detail: String,
    /// The deadline this step set or is held to, when there is one.
    pub deadline: Option<StepDeadline>,
}

/// A deadline attached to a step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepDeadline {
    /// What the deadline is for, e.g. `投标截止时间`.
    pub label: String,
    /// The instant, UTC ms, when it is one.
    pub at_ms: Option<i64>,
    /// The day (`YYYY-MM-DD`, China time), when the law counts in days.
    pub day: Option<String>,
    /// The article it comes from, e.g. `招标投标法 第二十四条`.
    pub article: String,
    /// The rule as the statute words it, when the ruleset has it.
    pub rule: String,
    /// The earliest instant the law allowed (a floor), UTC ms.
    pub earliest_ms: Option<i64>,
    /// Whether the step came in time (for steps held to a deadline), when known.
    pub in_time: Option<bool>,
}

fn step(at_ms: i64, lot_id: Option<&str>, title: &str, detail: impl Into<String>) -> TimelineStep {
    TimelineStep {
        at_ms,
        lot_id: lot_id.map(str::to_owned),
        title: title.to_owned(),
        detail: detail.into(),
        deadline: None,
    }
}

fn with_deadline(mut s: TimelineStep, deadline: StepDeadline) -> TimelineStep {
    s.deadline = Some(deadline);
    s
}

fn deadline(label: &str, article: &str) -> StepDeadline {
    StepDeadline {
        label: label.to_owned(),
        at_ms: None,
        day: None,
        article: article.to_owned(),
        rule: String::new(),
        earliest_ms: None,
        in_time: None,
    }
}

/// `bid_preparation_days_min（招标投标法 第二十四条）` → (`bid_preparation_days_min`, the article).
fn split_rule(rule: &str) -> (&str, &str) {
    match rule.split_once('（') {
        Some((id, rest)) => (id, rest.trim_end_matches('）')),
        None => ("", rule),
    }
}

impl App {
    pub(super) async fn notice_timeline(&self, row: &TenderRow) -> AppResult<Vec<TimelineStep>> {
        let ruleset = self.pinned_ruleset(&row.ruleset_version).ok();
        let mut steps = Vec::new();
        for stored in self.store.stream(&stream::tender(&row.tender_id)).await? {
            let Ok(event) = serde_json::from_str::<Event>(&stored.payload) else { continue };
            if let Some(mut s) = tender_step(stored.recorded_at_ms, event) {
                // The event names the rule by id; the page shows the statute's words instead.
                if let Some(d) = s.deadline.as_mut() {
                    let (id, _) = split_rule(&d.rule);
                    d.rule = ruleset.and_then(|set| set.get(id)).map(|rule| rule.summary.clone()).unwrap_or_default();
                }
                steps.push(s);
            }
        }
        for lot in self.store.tender_lots(&row.tender_id).await? {
            for stored in self.store.stream(&stream::lot(&row.tender_id, &lot.lot_id)).await? {
                let Ok(event) = serde_json::from_str::<Event>(&stored.payload) else { continue };
                steps.extend(lot_step(stored.recorded_at_ms, &lot.lot_id, event));
            }
        }
        // Stable: steps recorded in the same instant keep their stream order.
        steps.sort_by_key(|s| s.at_ms);
        Ok(steps)
    }
}

/// A step of the tender's own stream.
fn tender_step(at: i64, event: Event) -> Option<TimelineStep> {
    Some(match event {
        Event::TenderCreated(_) => step(at, None, "招标项目创建", ""),
        Event::BiddersInvited { ground, .. } => {
            let why = match ground.as_str() {
                "few_bidders" => "技术复杂、有特殊要求或者受自然环境限制，只有少量潜在投标人可供选择",
                "cost_disproportionate" => "采用公开招标方式的费用占项目合同金额的比例过大",
                _ => "",
            };
            with_deadline(step(at, None, "确定采用邀请招标", why), deadline("", "招标投标法实施条例 第八条"))
        }
        Event::OpeningKeyCeremonyHeld { threshold, shares, .. } => step(
            at,
            None,
            "开标密钥生成",
            format!(
                "开标私钥离线生成并拆分为{}份，由{}名工作人员分别保管，至少{}人可托管开启",
                shares.len(),
                shares.len(),
                threshold
            ),
        ),
        Event::PrequalificationPublished { sale_ends_day, application_deadline_ms, .. } => with_deadline(
            step(at, None, "发布资格预审公告", format!("资格预审文件发售至{sale_ends_day}")),
            StepDeadline {
                at_ms: Some(application_deadline_ms),
                ..deadline("资格预审申请截止时间", "招标投标法实施条例 第十七条")
            },
        ),
        Event::PrequalificationAmended { application_deadline_ms, extension_reason, .. } => with_deadline(
            step(at, None, "资格预审文件澄清或修改", extension_reason),
            StepDeadline {
                at_ms: Some(application_deadline_ms),
                ..deadline("资格预审申请截止时间", "招标投标法实施条例 第二十一条")
            },
        ),
        // The recorded reason counts the qualified applicants: a number of potential bidders,
        // which stays sealed (法 第二十二条); the page states the rule instead.
        Event::PrequalificationRecorded { failed_reason, .. } => with_deadline(
            step(
                at,
                None,
                "资格审查结果确定",
                match failed_reason {
                    Some(_) => "通过资格预审的申请人少于3个，应当重新招标",
                    None => "资格预审合格的申请人将收到投标邀请",
                },
            ),
            deadline("", "招标投标法实施条例 第十九条"),
        ),
        // Two-stage tendering (条例 第三十条): the proposers stay unnamed here too.
        Event::TechnicalProposalsInvited { proposal_deadline_ms, .. } => with_deadline(
            step(at, None, "发布两阶段招标第一阶段公告，征集技术建议", "投标人按照要求提交不带报价的技术建议"),
            StepDeadline {
                at_ms: Some(proposal_deadline_ms),
                ..deadline("技术建议提交截止时间", "招标投标法实施条例 第三十条")
            },
        ),
        Event::TechnicalProposalsClosed { failed_reason, .. } => step(
            at,
            None,
            "第一阶段结束，确定技术标准和要求",
            match failed_reason {
                Some(_) => "提交技术建议的投标人不足，招标失败",
                None => "招标人据此编制第二阶段招标文件，向提交技术建议的投标人发出",
            },
        ),
        Event::TenderNoticePublished { bid_deadline_ms, earliest_legal_deadline_ms, deadline_rule, .. } => {
            let (_, article) = split_rule(&deadline_rule);
            with_deadline(
                step(at, None, "发布招标公告，发出招标文件", ""),
                StepDeadline {
                    at_ms: Some(bid_deadline_ms),
                    earliest_ms: Some(earliest_legal_deadline_ms),
                    rule: deadline_rule.clone(),
                    ..deadline("投标截止时间（开标时间）", article)
                },
            )
        }
        Event::AmendmentIssued { bid_deadline_ms, extension_reason, .. } => with_deadline(
            step(at, None, "招标文件澄清或修改", extension_reason),
            StepDeadline {
                at_ms: Some(bid_deadline_ms), ..deadline("投标截止时间", "招标投标法 第二十三条")
            },
        ),
        Event::DocumentObjectionRaised { .. } => step(
            at,
            None,
            "收到对招标文件的异议",
            "招标人作出答复前，暂停招标投标活动（招标投标法实施条例 第二十二条）",
        ),
        Event::DocumentObjectionAnswered { answered_day, in_time, bid_deadline_ms, extension_reason, .. } => {
            with_deadline(
                step(at, None, "招标人答复异议", join(&format!("答复日期 {answered_day}"), &extension_reason)),
                StepDeadline {
                    at_ms: Some(bid_deadline_ms),
                    in_time: Some(in_time),
                    ..deadline("投标截止时间", "招标投标法实施条例 第二十二条")
                },
            )
        }
        // The reasons go to the principal and the bidders; the public API does not show them.
        Event::TenderSuspended { .. } => with_deadline(
            step(at, None, "行政监督部门暂停招标投标活动", "处理投诉期间暂停，处理完毕后恢复"),
            deadline("", "招标投标法实施条例 第六十二条"),
        ),
        Event::TenderResumed { .. } => step(at, None, "恢复招标投标活动", ""),
        // Opening is public (招标投标法 第三十六条): the number of bids is read out there.
        Event::OpeningStarted { bid_count, failed_lots, .. } => {
            let failed = if failed_lots.is_empty() {
                String::new()
            } else {
                format!("；{}个标段因投标人不足而流标", failed_lots.len())
            };
            with_deadline(
                step(at, None, "投标截止，开标", format!("共收到{bid_count}份投标文件{failed}")),
                deadline("", "招标投标法 第三十四条、第三十五条"),
            )
        }
        Event::EscrowQuorumReached { official_user_ids, .. } => {
            step(at, None, "托管开启", format!("{}名密钥保管人到场，重建开标密钥", official_user_ids.len()))
        }
        Event::OpeningRecordSigned(_) => step(at, None, "开标记录签署", "平台以 SM2 签名开标记录"),
        Event::TenderFailed { reason, source, .. } => {
            with_deadline(step(at, None, "招标失败（流标）", reason), deadline("", &source))
        }
        Event::TenderTerminated { reason, source, .. } => {
            with_deadline(step(at, None, "招标人终止招标", reason), deadline("", &source))
        }
        Event::TerminationRefunded { refunded_day, .. } => {
            step(at, None, "终止招标后退还投标保证金", format!("退还日期 {refunded_day}"))
        }
        _ => return None,
    })
}

/// A step of one lot's award stream.
fn lot_step(at: i64, lot: &str, event: Event) -> Option<TimelineStep> {
    let lot_id = Some(lot);
    Some(match event {
        Event::CommitteeFormed(_) => with_deadline(
            step(at, lot_id, "依法组建评标委员会", "成员名单在中标结果确定前保密"),
            deadline("", "招标投标法 第三十七条"),
        ),
        Event::EvaluationReported(details) => {
            step(at, lot_id, "评标委员会提交评标报告", format!("推荐中标候选人{}名", details.candidates.len()))
        }
        Event::EvaluationFailed { reason, .. } => {
            with_deadline(step(at, lot_id, "否决全部投标", reason), deadline("", "招标投标法 第四十二条"))
        }
        Event::CandidatesPublicized { start_day, latest_start_day, .. } => with_deadline(
            step(at, lot_id, "中标候选人公示", format!("公示自{start_day}起，不少于3日")),
            StepDeadline {
                day: Some(latest_start_day.clone()),
                in_time: Some(start_day <= latest_start_day),
                ..deadline("公示最迟开始日", "招标投标法实施条例 第五十四条")
            },
        ),
        Event::ObjectionRaised { raised_day, .. } => {
            step(at, lot_id, "收到对评标结果的异议", format!("{raised_day}提出；答复前暂停招标投标活动"))
        }
        Event::ObjectionAnswered { answered_day, .. } => {
            step(at, lot_id, "招标人答复异议", format!("答复日期 {answered_day}"))
        }
        Event::AwardDecided { .. } => {
            with_deadline(step(at, lot_id, "确定中标人", ""), deadline("", "招标投标法 第四十条、实施条例 第五十五条"))
        }
        Event::WinnerDropped { .. } => with_deadline(
            step(at, lot_id, "中标人放弃中标或不符合条件", ""),
            deadline("", "招标投标法实施条例 第五十五条"),
        ),
        Event::LotRetendered { reason, .. } => step(at, lot_id, "重新招标", reason),
        Event::AwardLetterIssued { issued_day, contract_due_day, .. } => with_deadline(
            step(at, lot_id, "发出中标通知书", format!("发出日期 {issued_day}；同时将中标结果通知所有未中标的投标人")),
            StepDeadline {
                day: contract_due_day, ..deadline("书面合同订立期限", "招标投标法 第四十六条")
            },
        ),
        Event::ContractSigned { signed_day, in_time, .. } => with_deadline(
            step(at, lot_id, "签订书面合同", format!("签订日期 {signed_day}")),
            StepDeadline { in_time: Some(in_time), ..deadline("", "招标投标法 第四十六条") },
        ),
        Event::SecuritiesRefunded { refunded_day, due_day, in_time, .. } => with_deadline(
            step(at, lot_id, "退还投标保证金", format!("退还日期 {refunded_day}")),
            StepDeadline {
                day: due_day,
                in_time: Some(in_time),
                ..deadline("最迟退还日", "招标投标法实施条例 第五十七条")
            },
        ),
        Event::RegulatorReported { reported_day, due_day, in_time, .. } => with_deadline(
            step(at, lot_id, "向行政监督部门提交招标投标情况书面报告", format!("提交日期 {reported_day}")),
            StepDeadline {
                day: due_day, in_time: Some(in_time), ..deadline("最迟提交日", "招标投标法 第四十七条")
            },
        ),
        Event::LotArchived { .. } => step(at, lot_id, "归档", "本标段交易资料已归档"),
        _ => return None,
    })
}

fn join(first: &str, second: &str) -> String {
    match (first.is_empty(), second.is_empty()) {
        (_, true) => first.to_owned(),
        (true, false) => second.to_owned(),
        (false, false) => format!("{first}；{second}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rule_id_and_article_are_read_from_the_recorded_rule() {
        assert_eq!(
            split_rule("bid_preparation_days_min（招标投标法 第二十四条）"),
            ("bid_preparation_days_min", "招标投标法 第二十四条")
        );
        assert_eq!(split_rule("招标投标法 第二十四条"), ("", "招标投标法 第二十四条"));
    }

    #[test]
    fn a_failed_prequalification_names_no_applicant_and_gives_no_count() {
        let event = Event::PrequalificationRecorded {
            tender_id: "t".to_owned(),
            qualified: vec!["9133000014291836XX".to_owned(), "91330106143117580P".to_owned()],
            rejected: Vec::new(),
            failed_reason: Some("通过资格预审的申请人为2个，少于3个，应当重新招标".to_owned()),
        };
        let s = tender_step(0, event).expect("a step");
        let text = format!("{} {}", s.title, s.detail);
        assert!(!text.contains("2个") && !text.contains("9133000014291836XX"), "{text}");
        assert_eq!(s.deadline.map(|d| d.article), Some("招标投标法实施条例 第十九条".to_owned()));
    }

    #[test]
    fn a_document_objection_step_does_not_name_the_objector() {
        let event = Event::DocumentObjectionRaised {
            tender_id: "t".to_owned(),
            objection_id: "o".to_owned(),
            objector_credit_code: "91330106MA2B3C4D5E".to_owned(),
            text: "某投标人的异议".to_owned(),
            raised_day: "2026-11-24".to_owned(),
        };
        let s = tender_step(0, event).expect("a step");
        assert!(!s.detail.contains("91330106MA2B3C4D5E") && !s.title.contains("91330106MA2B3C4D5E"));
        assert!(!s.detail.contains("某投标人"));
    }
}
