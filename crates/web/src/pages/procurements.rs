//! Government procurement pages: the list (`/procurements`) and one procurement (`/procurements/{id}`)
//! with its timeline (every step, its time and its article), the statutory dates, the offers once
//! their deadline passed, the ranking with the price score, the single-source publicity's
//! objections, and the objections and complaints with the clocks both sides see.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use ggzy_app::procurement::{ComplaintView, ObjectionView, ProcurementView, QuestionView, SmeClaimKind};
use ggzy_domain::deadline::Deadline;
use ggzy_domain::procurement::{ItemCategory, ProcurementMethod};

use super::PageError;
use super::format::{DeadlineRow, UNCOUNTED_DAY, datetime, machine_datetime, yuan};
use crate::WebState;

/// A procurement as a row of the list.
pub(crate) struct ProcurementRow {
    pub(crate) procurement_id: String,
    pub(crate) title: String,
    pub(crate) method_label: &'static str,
    pub(crate) category_label: &'static str,
    pub(crate) state: &'static str,
    pub(crate) state_label: &'static str,
    pub(crate) budget: String,
    pub(crate) planned: String,
    pub(crate) planned_machine: String,
}

impl From<&ProcurementView> for ProcurementRow {
    fn from(view: &ProcurementView) -> ProcurementRow {
        let planned_ms = view.history.first().map_or(view.server_now_ms, |step| step.at_ms);
        ProcurementRow {
            procurement_id: view.plan.procurement_id.clone(),
            title: view.plan.request.title.clone(),
            method_label: ProcurementMethod::parse(&view.plan.request.method).map_or("", ProcurementMethod::label),
            category_label: ItemCategory::parse(&view.plan.request.category).map_or("", ItemCategory::label),
            state: view.state.as_str(),
            state_label: view.state.label(),
            budget: yuan(view.plan.request.budget_fen),
            planned: datetime(planned_ms),
            planned_machine: machine_datetime(planned_ms),
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "procurements.html")]
pub(crate) struct ProcurementsPage {
    procurements: Vec<ProcurementRow>,
}

pub(crate) async fn list(State(state): State<WebState>) -> Result<ProcurementsPage, PageError> {
    let views = state.app.procurements(50).await?;
    Ok(ProcurementsPage { procurements: views.iter().map(ProcurementRow::from).collect() })
}

/// One step of the timeline.
pub(crate) struct StepRow {
    label: String,
    at: String,
    at_machine: String,
    source: String,
    reason: String,
}

/// One offer after its deadline.
pub(crate) struct OfferRow {
    supplier: String,
    sealed: String,
    price: String,
    sme: &'static str,
    review: &'static str,
}

/// One place of the ranking.
pub(crate) struct RankRow {
    rank: usize,
    supplier: String,
    price: String,
    deduction: String,
    price_points: String,
    total: String,
}

/// A objection or complaint with its clocks.
pub(crate) struct ClaimRow {
    kind: &'static str,
    supplier: String,
    received: String,
    text: String,
    clocks: Vec<String>,
    outcome: String,
}

fn points(centi: Option<i64>) -> String {
    centi.map_or_else(String::new, |value| format!("{}.{:02}", value / 100, value % 100))
}

/// "答复期限：2026-12-16（source）", or a note that the day falls in a year whose holidays are not
/// published yet (counting it would be a guess).
fn clock_line(label: &str, due: Option<&Deadline>) -> String {
    match due {
        Some(due) => format!("{label}：{}（{}）", due.day, due.source),
        None => format!("{label}：{UNCOUNTED_DAY}"),
    }
}

fn question_row(view: &QuestionView) -> ClaimRow {
    ClaimRow {
        kind: "询问",
        supplier: view.supplier_credit_code.clone(),
        received: view.asked_on.to_string(),
        text: view.text.clone(),
        clocks: vec![clock_line("答复期限", view.reply_due.as_ref())],
        outcome: match &view.answer {
            Some((reply, day)) => format!("{day} 答复：{reply}"),
            None => "尚未答复".to_owned(),
        },
    }
}

fn objection_row(view: &ObjectionView) -> ClaimRow {
    let subject = match view.record.subject.as_str() {
        "documents" => "采购文件",
        "process" => "采购过程",
        _ => "中标、成交结果",
    };
    ClaimRow {
        kind: subject,
        supplier: view.record.supplier_credit_code.clone(),
        received: view.record.received_on.clone(),
        text: view.record.text.clone(),
        clocks: vec![
            clock_line("质疑期限", view.last_day.as_ref()),
            clock_line("答复期限", view.reply_due.as_ref()),
            clock_line("投诉期限", view.complaint_last_day.as_ref()),
        ],
        outcome: match &view.answer {
            Some((upheld, reply, day)) => {
                format!("{day} 答复：{}。{reply}", if *upheld { "质疑成立" } else { "质疑不成立" })
            }
            None => "尚未答复".to_owned(),
        },
    }
}

fn complaint_row(view: &ComplaintView) -> ClaimRow {
    let stops = view.clock_stops.iter().map(|(stopped, resumed, reason)| match resumed {
        Some(resumed) => format!("处理期限暂停计算：{stopped} 至 {resumed}（{reason}）"),
        None => format!("处理期限暂停计算：自 {stopped} 起（{reason}）"),
    });
    let mut row = ClaimRow {
        kind: "投诉",
        supplier: view.supplier_credit_code.clone(),
        received: view.received_on.to_string(),
        text: view.text.clone(),
        clocks: vec![
            clock_line("审查期限", view.review_due.as_ref()),
            clock_line("副本发送期限", view.copy_due.as_ref()),
            match view.decision_clock_stopped {
                Some((since, left)) => {
                    format!("处理决定期限：自{since}起暂停计算，剩余{left}个工作日（政府采购法实施条例 第五十八条）")
                }
                None => clock_line("处理决定期限", view.decision_due.as_ref()),
            },
        ],
        outcome: match &view.decision {
            Some((upheld, affects, text, day)) => format!(
                "{day} 处理决定：{}{}。{text}",
                if *upheld { "投诉事项成立" } else { "投诉事项不成立" },
                if *affects { "，影响中标、成交结果" } else { "" }
            ),
            None => "尚未作出处理决定".to_owned(),
        },
    };
    row.clocks.extend(stops);
    row
}

#[derive(Template, WebTemplate)]
#[template(path = "procurement.html")]
pub(crate) struct ProcurementPage {
    procurement: ProcurementRow,
    purchaser: String,
    grounds: Vec<String>,
    scoring: String,
    sme: Option<String>,
    deposit: Option<String>,
    single_source: Option<(String, String)>,
    requirements: Vec<&'static str>,
    award_deemed: Option<String>,
    offers_due: Option<String>,
    offers: Option<Vec<OfferRow>>,
    ranking: Vec<RankRow>,
    winners: Vec<(String, String)>,
    call_offs: Vec<(String, String, String)>,
    publicity_objections: Vec<(String, String, String)>,
    claims: Vec<ClaimRow>,
    steps: Vec<StepRow>,
    deadlines: Vec<DeadlineRow>,
}

pub(crate) async fn detail(
    State(state): State<WebState>,
    Path(procurement_id): Path<String>,
) -> Result<ProcurementPage, PageError> {
    let view = state.app.procurement(&procurement_id).await?;
    let request = &view.plan.request;
    let mut requirements = Vec::new();
    if view.plan.needs_publicity {
        requirements.push("达到公开招标数额标准的单一来源采购，须先公示（政府采购法实施条例 第三十八条）");
    }
    if view.plan.needs_approval {
        requirements.push("采用公开招标以外的方式，须在采购活动开始前经财政部门批准（政府采购法 第二十七条）");
    }
    Ok(ProcurementPage {
        procurement: ProcurementRow::from(&view),
        purchaser: request.purchaser_credit_code.clone(),
        grounds: view
            .plan
            .grounds()
            .into_iter()
            .map(|ground| format!("{}（{}）", ground.line().label, ground.source()))
            .collect(),
        scoring: request.price_weight_percent.map_or_else(
            || "最低评标价法（最低价成交）".to_owned(),
            |weight| format!("综合评分法，价格分值占总分值的 {weight}%"),
        ),
        sme: request.sme_deduction_percent.map(|percent| {
            format!(
                "小微企业报价扣除 {percent}%；联合体或分包小微企业份额达到规定比例的扣除 {}%",
                request.sme_share_deduction_percent.unwrap_or(0)
            )
        }),
        deposit: request.bid_deposit_fen.map(yuan),
        single_source: request
            .single_source_supplier
            .clone()
            .map(|supplier| (supplier, request.justification.clone().unwrap_or_default())),
        requirements,
        award_deemed: view.award_deemed.as_ref().map(|last| {
            format!("采购人未在{}前确定中标（成交）供应商，视为确定排名第一的候选人（{}）", last.day, last.source)
        }),
        offers_due: view.offers_due_ms.map(datetime),
        offers: view.offers.as_ref().map(|offers| {
            offers
                .iter()
                .map(|offer| OfferRow {
                    supplier: offer.supplier_credit_code.clone(),
                    sealed: datetime(offer.at_ms),
                    price: offer.price_fen.map_or_else(|| "未解密".to_owned(), yuan),
                    sme: match offer.sme.map(|sme| sme.kind) {
                        Some(SmeClaimKind::SmallMicro) => "小微企业",
                        Some(SmeClaimKind::Share) => "联合体或分包",
                        _ => "",
                    },
                    review: view
                        .price_reviews
                        .iter()
                        .find(|(supplier, _)| supplier == &offer.supplier_credit_code)
                        .map_or("", |(_, review)| review.label()),
                })
                .collect()
        }),
        ranking: view
            .ranking
            .iter()
            .map(|place| RankRow {
                rank: place.rank,
                supplier: place.supplier_credit_code.clone(),
                price: yuan(place.price_fen),
                deduction: if place.deduction_percent > 0 {
                    format!("{}%", place.deduction_percent)
                } else {
                    String::new()
                },
                price_points: points(place.price_points_centi),
                total: points(place.total_centi),
            })
            .collect(),
        winners: view.winners.iter().map(|(supplier, price)| (supplier.clone(), yuan(*price))).collect(),
        call_offs: view
            .call_offs
            .iter()
            .map(|(supplier, price, at)| (supplier.clone(), yuan(*price), datetime(*at)))
            .collect(),
        publicity_objections: view
            .publicity_objections
            .iter()
            .map(|objection| {
                let review = match &objection.review {
                    Some((upheld, reply)) => format!("{}：{reply}", if *upheld { "异议成立" } else { "异议不成立" }),
                    None => "尚未处理".to_owned(),
                };
                (objection.objector_credit_code.clone(), objection.text.clone(), review)
            })
            .collect(),
        claims: view
            .questions
            .iter()
            .map(question_row)
            .chain(view.objections.iter().map(objection_row))
            .chain(view.complaints.iter().map(complaint_row))
            .collect(),
        steps: view
            .history
            .iter()
            .map(|step| StepRow {
                label: step.label.clone(),
                at: datetime(step.at_ms),
                at_machine: machine_datetime(step.at_ms),
                source: step.source.clone(),
                reason: step.reason.clone(),
            })
            .collect(),
        deadlines: view.deadlines.iter().map(DeadlineRow::from).collect(),
    })
}
