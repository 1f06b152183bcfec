//! The committee's workspace (评标工作): members sign in with the avoidance declaration and their
//! certificate, read the opened bids, elect the chair, hand in signed score sheets on the tender
//! documents' criteria, ask for more time, ask bidders to clarify; the chair drafts the report from
//! the signed sheets and the members sign it, agreeing or dissenting in writing (条例 第四十八条至
//! 第五十三条). The rules are in [`ggzy_domain::evaluation`] (`workspace`); this file checks who
//! acts, verifies signatures and records each act on the lot's stream.
//!
//! Who acts for a member: an expert drawn from the library only through their own account (the
//! user linked to the expert record); the principal's representatives, and experts a voluntary
//! tender named, through the tender's principal or agency account, naming the member.

use std::collections::BTreeMap;

use ggzy_crypto::cert::Certificate;
use ggzy_crypto::evaluation_signing::{SheetScore, report_signature_bytes, score_sheet_bytes};
use ggzy_domain::evaluation::{
    self, Centipoints, MemberScore, Method, Stance, WorkspaceError, WorkspaceState, check_score_sheet, elected_chair,
    stances,
};
use ggzy_domain::lot_award::LotCommand;
use ggzy_domain::role::Role;
use ggzy_store::ExpectedVersion;
use ggzy_store::tender_projection::TenderRow;

use super::evaluation::scoring_table;
use super::work_events::{DraftOutcome, EvaluationAct, EvaluationWork, OutlierDetails, ScoreDetails, StanceDetails};
use super::{LotAward, ReportInput};
use crate::App;
use crate::actor::Actor;
use crate::error::{AppError, AppResult};
use crate::events::{AlertDetails, CommitteeDetails, Event, Recorded, stream};

/// A score is flagged when it is more than this share of the criterion's maximum away from the
/// other members' mean: a practice setting, not a statutory number (the law names no threshold;
/// the flag decides nothing, supervision looks).
pub const OUTLIER_FRACTION: (i64, i64) = (1, 5);

/// Texts longer than this are refused (questions, answers, reasons, declarations).
const TEXT_MAX_CHARS: usize = 2000;

/// A clarification as shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClarificationView {
    /// Id within the lot.
    pub clarification_id: String,
    /// The bidder asked.
    pub bidder_credit_code: String,
    /// The question.
    pub question: String,
    /// The answer, once given.
    pub answer: Option<String>,
}

/// The draft report as it stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DraftView {
    /// What it states.
    pub outcome: DraftOutcome,
    /// SM3 of it, hex: what members sign.
    pub report_sm3_hex: String,
    /// Flagged scores.
    pub outliers: Vec<OutlierDetails>,
    /// Members who signed it, with their stance.
    pub signatures: BTreeMap<String, Stance>,
}

/// The committee's work on a lot, folded from the lot's stream.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Workspace {
    /// Members signed in: certificate PEM and declaration.
    pub signed_in: BTreeMap<String, (String, String)>,
    /// Each member's latest vote for the chair.
    pub votes: BTreeMap<String, String>,
    /// Signed score sheets.
    pub sheets: BTreeMap<String, Vec<ScoreDetails>>,
    /// Members who asked for more time since the last extension, with their reason.
    pub time_requests: BTreeMap<String, String>,
    /// The latest extension: new end (UTC ms) and reason.
    pub extension: Option<(i64, String)>,
    /// Whether the time was extended after the requests now open.
    extended_since_requests: bool,
    /// The pinned ruleset's share of members above which more time is owed (条例 第四十八条).
    pub(super) more_time_share_max: (i64, i64),
    /// Clarifications asked.
    pub clarifications: Vec<ClarificationView>,
    /// The chair's draft.
    pub draft: Option<DraftView>,
    /// The stances once the report is closed.
    pub closed: Option<Vec<StanceDetails>>,
}

impl Workspace {
    /// Applies one act.
    pub(super) fn apply(&mut self, act: &EvaluationAct) {
        match act {
            EvaluationAct::MemberSignedIn { member, certificate_pem, declaration } => {
                self.signed_in.insert(member.clone(), (certificate_pem.clone(), declaration.clone()));
            }
            EvaluationAct::ChairVoted { member, candidate } => {
                self.votes.insert(member.clone(), candidate.clone());
            }
            EvaluationAct::ScoresSigned { member, scores, .. } => {
                self.sheets.insert(member.clone(), scores.clone());
            }
            EvaluationAct::MoreTimeRequested { member, reason } => {
                if self.extended_since_requests {
                    self.time_requests.clear();
                    self.extended_since_requests = false;
                }
                self.time_requests.insert(member.clone(), reason.clone());
            }
            EvaluationAct::TimeExtended { until_ms, reason } => {
                self.extension = Some((*until_ms, reason.clone()));
                self.extended_since_requests = true;
            }
            EvaluationAct::ClarificationRequested { clarification_id, bidder_credit_code, question } => {
                self.clarifications.push(ClarificationView {
                    clarification_id: clarification_id.clone(),
                    bidder_credit_code: bidder_credit_code.clone(),
                    question: question.clone(),
                    answer: None,
                });
            }
            EvaluationAct::ClarificationAnswered { clarification_id, answer } => {
                if let Some(c) = self.clarifications.iter_mut().find(|c| &c.clarification_id == clarification_id) {
                    c.answer = Some(answer.clone());
                }
            }
            EvaluationAct::ReportDrafted { outcome, report_sm3_hex, outliers } => {
                self.draft = Some(DraftView {
                    outcome: outcome.clone(),
                    report_sm3_hex: report_sm3_hex.clone(),
                    outliers: outliers.clone(),
                    signatures: BTreeMap::new(),
                });
            }
            EvaluationAct::ReportSigned { member, report_sm3_hex, agree, dissent, .. } => {
                if let Some(draft) = self.draft.as_mut().filter(|d| &d.report_sm3_hex == report_sm3_hex) {
                    let stance = match dissent {
                        Some(text) if !agree => Stance::Dissents(text.clone()),
                        _ => Stance::Agrees,
                    };
                    draft.signatures.insert(member.clone(), stance);
                }
            }
            EvaluationAct::ReportClosed { stances, .. } => self.closed = Some(stances.clone()),
        }
    }

    /// The elected chair, if any.
    pub fn chair(&self, committee: &CommitteeDetails) -> Option<String> {
        elected_chair(committee.members.len(), &self.votes)
    }

    /// Whether more than a third of the committee asked for more time and the principal has not
    /// extended it since (条例 第四十八条第二款).
    pub fn extension_required(&self, committee: &CommitteeDetails) -> bool {
        self.state(committee).extension_owed()
    }

    fn state(&self, committee: &CommitteeDetails) -> WorkspaceState {
        WorkspaceState {
            members: committee.members.iter().map(|m| m.member_id().to_owned()).collect(),
            signed_in: self.signed_in.keys().cloned().collect(),
            chair: self.chair(committee),
            scored: self.sheets.keys().cloned().collect(),
            scores_needed: Method::parse(&committee.method) == Some(Method::ComprehensiveScoring),
            time_requests: self.time_requests.len(),
            more_time_share_max: self.more_time_share_max,
            extended: self.extended_since_requests,
            open_clarifications: self
                .clarifications
                .iter()
                .filter(|c| c.answer.is_none())
                .map(|c| c.bidder_credit_code.clone())
                .collect(),
        }
    }

    /// Every member's scores, as the domain reads them.
    fn member_scores(&self) -> Vec<MemberScore> {
        self.sheets
            .iter()
            .flat_map(|(member, scores)| {
                scores.iter().map(|s| MemberScore {
                    member: member.clone(),
                    bidder: s.bidder_credit_code.clone(),
                    criterion: s.criterion.clone(),
                    points: Centipoints(s.centipoints),
                })
            })
            .collect()
    }
}

/// A member signing in.
#[derive(Debug, Clone)]
pub struct SignInInput {
    /// The member (only when a principal or agency account acts for a representative).
    pub member: Option<String>,
    /// The avoidance declaration (回避承诺), as the member makes it.
    pub declaration: String,
    /// Whether the member affirms that no ground for avoidance applies.
    pub no_conflict: bool,
    /// The member's SM2 certificate, PEM; its common name is the member id.
    pub certificate_pem: String,
}

/// A member's signed score sheet.
#[derive(Debug, Clone)]
pub struct SheetInput {
    /// The member (when a principal or agency account acts for a representative).
    pub member: Option<String>,
    /// The scores.
    pub scores: Vec<ScoreDetails>,
    /// SM2 signature (DER, hex) over the sheet's bytes.
    pub signature_hex: String,
}

/// A member's signature on the draft report.
#[derive(Debug, Clone)]
pub struct ReportSignatureInput {
    /// The member (when a principal or agency account acts for a representative).
    pub member: Option<String>,
    /// The draft signed (its SM3, hex): signing an older draft is refused.
    pub report_sm3_hex: String,
    /// Agree, or dissent.
    pub agree: bool,
    /// The dissent and its reasons.
    pub dissent: Option<String>,
    /// SM2 signature (DER, hex) over the signing bytes.
    pub signature_hex: String,
}

/// An opened bid as the committee reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenedBidView {
    /// Bidder.
    pub bidder_credit_code: String,
    /// What the bidder declared in the envelope (price and fields), JSON.
    pub declared_json: String,
}

fn text(field: &str, label: &str, value: &str) -> AppResult<String> {
    let trimmed = value.trim();
    if trimmed.is_empty() || trimmed.chars().count() > TEXT_MAX_CHARS {
        return Err(AppError::refused(
            "evaluation_text_invalid",
            format!("{label}（{field}）不能为空，且不超过{TEXT_MAX_CHARS}个字"),
        ));
    }
    Ok(trimmed.to_owned())
}

fn workspace_refusal(error: WorkspaceError) -> AppError {
    AppError::refused(error.code(), error.to_string())
}

fn signature(hex_text: &str) -> AppResult<Vec<u8>> {
    hex::decode(hex_text.trim()).map_err(|_| {
        AppError::refused("evaluation_signature_invalid", "签名（signature_hex）不是十六进制编码的 SM2 签名（DER）")
    })
}

impl App {
    /// The lot in its evaluation with its committee, and the member `actor` acts as.
    async fn acting_member(
        &self,
        actor: &Actor,
        tender_id: &str,
        lot_id: &str,
        requested: Option<&str>,
    ) -> AppResult<(TenderRow, LotAward, CommitteeDetails, String)> {
        let (row, fold) = self.lot_for(tender_id, lot_id, LotCommand::SubmitReport).await?;
        let fold = self.with_clocks(&row, fold)?;
        let committee =
            fold.committee.clone().ok_or_else(|| AppError::Internal("evaluating without a committee".to_owned()))?;
        let member = self.member_of(actor, &row, &committee, requested).await?;
        Ok((row, fold, committee, member))
    }

    /// The member `actor` acts as: a drawn expert through their own account (never naming another),
    /// or the tender's principal or agency naming a member who was not drawn (`requested`).
    pub(super) async fn member_of(
        &self,
        actor: &Actor,
        row: &TenderRow,
        committee: &CommitteeDetails,
        requested: Option<&str>,
    ) -> AppResult<String> {
        if actor.has_role(Role::Expert)
            && let Some(expert) = self.store.expert_of_user(&actor.user_id).await?
            && let Some(member) = committee.members.iter().find(|m| m.expert_id.as_deref() == Some(&expert.expert_id))
        {
            if requested.is_some_and(|r| r != member.member_id()) {
                return Err(AppError::refused(
                    "member_must_act_in_person",
                    "评标专家只能以本人身份进行评标工作，不能代其他成员操作",
                ));
            }
            return Ok(member.member_id().to_owned());
        }
        self.authorize_tender(actor, row)?;
        let requested = requested.ok_or_else(|| {
            AppError::refused("evaluation_member_missing", "请在 member 中写明代为操作的招标人代表（评标委员会成员）")
        })?;
        let member = committee.members.iter().find(|m| m.member_id() == requested).ok_or_else(|| {
            AppError::refused("evaluation_member_unknown", format!("“{requested}”不是本标段评标委员会的成员"))
        })?;
        if member.expert_id.is_some() {
            return Err(AppError::refused(
                "member_must_act_in_person",
                format!(
                    "“{}”是从专家库抽取的评标专家，须由其本人登录评标，招标人和代理机构不能代为操作（招标投标法实施条例 第四十八条）",
                    member.name
                ),
            ));
        }
        Ok(member.member_id().to_owned())
    }

    async fn record_work(
        &self,
        actor: &Actor,
        row: &TenderRow,
        fold: &LotAward,
        acts: Vec<EvaluationAct>,
        then: Option<Event>,
    ) -> AppResult<LotAward> {
        let stream_id = stream::lot(&fold.tender_id, &fold.lot_id);
        let mut recorded: Vec<Recorded> = acts
            .into_iter()
            .map(|act| Recorded {
                stream_id: stream_id.clone(),
                region_code: row.region_code.clone(),
                event: Event::EvaluationWork(EvaluationWork {
                    tender_id: fold.tender_id.clone(),
                    lot_id: fold.lot_id.clone(),
                    act,
                }),
            })
            .collect();
        if let Some(event) = then {
            recorded.push(Recorded { stream_id: stream_id.clone(), region_code: row.region_code.clone(), event });
        }
        self.record(actor, vec![(stream_id, ExpectedVersion::Exactly(fold.version))], recorded, Vec::new()).await?;
        let fold = self.lot_fold(&fold.tender_id, &fold.lot_id).await?;
        self.shown_to(Some(actor), row, fold).await
    }

    /// A member signs in: the avoidance declaration (回避承诺, 条例 第四十六条第三款) and the
    /// certificate their signatures will verify under (trusted CA, valid now, common name = member).
    pub async fn sign_in_to_evaluation(
        &self,
        actor: &Actor,
        tender_id: &str,
        lot_id: &str,
        input: SignInInput,
    ) -> AppResult<LotAward> {
        let (row, fold, _, member) = self.acting_member(actor, tender_id, lot_id, input.member.as_deref()).await?;
        if !input.no_conflict {
            return Err(AppError::refused(
                "avoidance_declared",
                "您声明存在应当回避的情形：请勿参加本次评标，向招标人申请回避，由其按抽取规则补抽专家（招标投标法 第三十七条第四款；招标投标法实施条例 第四十六条）",
            ));
        }
        let declaration = text("declaration", "回避承诺", &input.declaration)?;
        let cert = Certificate::from_pem(&input.certificate_pem).map_err(|_| {
            AppError::refused("invalid_certificate", "证书（certificate_pem）不是有效的 PEM 格式 SM2 证书")
        })?;
        let trust = &self.bid_services()?.trust;
        trust.verify(&cert, &[], self.now_ms().div_euclid(1000)).map_err(crate::bid::certificate_refusal)?;
        if cert.common_name().as_deref() != Some(member.as_str()) {
            return Err(AppError::refused(
                "member_certificate_mismatch",
                format!("证书主体为 {}，不是评标委员会成员“{member}”本人的证书", cert.subject()),
            ));
        }
        let act = EvaluationAct::MemberSignedIn {
            member,
            certificate_pem: input.certificate_pem.trim().to_owned() + "\n",
            declaration,
        };
        self.record_work(actor, &row, &fold, vec![act], None).await
    }

    /// The opened bids of the lot, for a member who signed in (never before the opening: the
    /// committee sits only after it).
    pub async fn evaluation_bids(
        &self,
        actor: &Actor,
        tender_id: &str,
        lot_id: &str,
        member: Option<&str>,
    ) -> AppResult<Vec<OpenedBidView>> {
        let (_, fold, committee, member) = self.acting_member(actor, tender_id, lot_id, member).await?;
        fold.workspace.state(&committee).check_signed_in(&member).map_err(workspace_refusal)?;
        self.decrypted_bids(tender_id, lot_id).await
    }

    /// The lot's bids that were opened (decrypted), as the committee reads them.
    async fn decrypted_bids(&self, tender_id: &str, lot_id: &str) -> AppResult<Vec<OpenedBidView>> {
        Ok(self
            .store
            .bid_openings(tender_id)
            .await?
            .into_iter()
            .filter(|o| o.lot_id == lot_id && o.status == "decrypted")
            .map(|o| OpenedBidView { bidder_credit_code: o.bidder_credit_code, declared_json: o.declared_json })
            .collect())
    }

    /// A member's vote for the chair; more than half of the committee elects.
    pub async fn vote_for_chair(
        &self,
        actor: &Actor,
        tender_id: &str,
        lot_id: &str,
        member: Option<&str>,
        candidate: &str,
    ) -> AppResult<LotAward> {
        let (row, fold, committee, member) = self.acting_member(actor, tender_id, lot_id, member).await?;
        fold.workspace.state(&committee).check_signed_in(&member).map_err(workspace_refusal)?;
        if !committee.members.iter().any(|m| m.member_id() == candidate) {
            return Err(AppError::refused(
                "evaluation_member_unknown",
                format!("“{candidate}”不是本标段评标委员会的成员，不能被推举为负责人"),
            ));
        }
        let act = EvaluationAct::ChairVoted { member, candidate: candidate.to_owned() };
        self.record_work(actor, &row, &fold, vec![act], None).await
    }

    /// A member hands in their signed score sheet (comprehensive scoring): every opened bid on
    /// every criterion of the documents' table except price (条例 第四十九条), signed with the key
    /// of the certificate given at sign-in. A new sheet replaces the member's earlier one until the
    /// chair drafts the report.
    pub async fn sign_scores(
        &self,
        actor: &Actor,
        tender_id: &str,
        lot_id: &str,
        input: SheetInput,
    ) -> AppResult<LotAward> {
        let (row, fold, committee, member) =
            self.acting_member(actor, tender_id, lot_id, input.member.as_deref()).await?;
        let state = fold.workspace.state(&committee);
        state.check_signed_in(&member).map_err(workspace_refusal)?;
        let table = match (&committee.scoring_table, Method::parse(&committee.method)) {
            (Some(table), Some(Method::ComprehensiveScoring)) => scoring_table(table)?,
            _ => {
                return Err(AppError::refused(
                    "scores_not_needed",
                    "本标段采用经评审的最低投标价法，不逐项评分：请直接由负责人汇总评标报告",
                ));
            }
        };
        if fold.workspace.draft.is_some() {
            return Err(AppError::refused("report_already_drafted", "评标报告已汇总，不能再修改评分"));
        }
        let bidders: Vec<String> =
            self.decrypted_bids(tender_id, lot_id).await?.into_iter().map(|b| b.bidder_credit_code).collect();
        let scores: Vec<MemberScore> = input
            .scores
            .iter()
            .map(|s| MemberScore {
                member: member.clone(),
                bidder: s.bidder_credit_code.clone(),
                criterion: s.criterion.clone(),
                points: Centipoints(s.centipoints),
            })
            .collect();
        check_score_sheet(&table, &member, &scores, &bidders)
            .map_err(|error| AppError::refused(error.code(), error.to_string()))?;
        let sheet: Vec<SheetScore<'_>> = input
            .scores
            .iter()
            .map(|s| SheetScore { bidder: &s.bidder_credit_code, criterion: &s.criterion, centipoints: s.centipoints })
            .collect();
        let bytes = score_sheet_bytes(tender_id, lot_id, &member, &sheet);
        self.check_member_signature(&fold, &member, &bytes, &input.signature_hex, "评分表")?;
        let act = EvaluationAct::ScoresSigned {
            member,
            scores: input.scores,
            signature_hex: input.signature_hex.trim().into(),
        };
        self.record_work(actor, &row, &fold, vec![act], None).await
    }

    fn check_member_signature(
        &self,
        fold: &LotAward,
        member: &str,
        bytes: &[u8],
        signature_hex: &str,
        what: &str,
    ) -> AppResult<()> {
        let (pem, _) = fold
            .workspace
            .signed_in
            .get(member)
            .ok_or_else(|| workspace_refusal(WorkspaceError::NotSignedIn { member: member.to_owned() }))?;
        let key = Certificate::from_pem(pem)
            .and_then(|cert| cert.public_key())
            .map_err(|e| AppError::Internal(format!("recorded certificate of {member}: {e}")))?;
        key.verify(bytes, &signature(signature_hex)?).map_err(|_| {
            AppError::refused(
                "evaluation_signature_invalid",
                format!("{what}的签名无法用成员“{member}”签到时提交的证书验证：请用该证书的私钥对 docs/evaluation.md 所述内容签名"),
            )
        })
    }

    /// A member finds the evaluation time too short (条例 第四十八条第二款); when more than a third
    /// do, the report waits for the principal's extension.
    pub async fn request_more_time(
        &self,
        actor: &Actor,
        tender_id: &str,
        lot_id: &str,
        member: Option<&str>,
        reason: &str,
    ) -> AppResult<LotAward> {
        let (row, fold, committee, member) = self.acting_member(actor, tender_id, lot_id, member).await?;
        fold.workspace.state(&committee).check_signed_in(&member).map_err(workspace_refusal)?;
        let reason = text("reason", "理由", reason)?;
        self.record_work(actor, &row, &fold, vec![EvaluationAct::MoreTimeRequested { member, reason }], None).await
    }

    /// The principal extends the evaluation time (条例 第四十八条第二款: 应当适当延长).
    pub async fn extend_evaluation(
        &self,
        actor: &Actor,
        tender_id: &str,
        lot_id: &str,
        until_ms: i64,
        reason: &str,
    ) -> AppResult<LotAward> {
        let (row, fold) = self.lot_for(tender_id, lot_id, LotCommand::SubmitReport).await?;
        self.authorize_tender(actor, &row)?;
        if until_ms <= self.now_ms() {
            return Err(AppError::refused(
                "evaluation_extension_invalid",
                "延长后的评标结束时间（until）应晚于当前时间",
            ));
        }
        let reason = text("reason", "延长理由", reason)?;
        self.record_work(actor, &row, &fold, vec![EvaluationAct::TimeExtended { until_ms, reason }], None).await
    }

    /// The chair asks a bidder, in writing, to clarify an ambiguity or an obvious error in its bid
    /// (条例 第五十二条). Bidders cannot clarify on their own initiative: they only answer this.
    pub async fn request_clarification(
        &self,
        actor: &Actor,
        tender_id: &str,
        lot_id: &str,
        member: Option<&str>,
        bidder: &str,
        question: &str,
    ) -> AppResult<LotAward> {
        let (row, fold, committee, member) = self.acting_member(actor, tender_id, lot_id, member).await?;
        fold.workspace.state(&committee).check_chair(&member, "要求投标人澄清").map_err(workspace_refusal)?;
        if fold.workspace.draft.is_some() {
            return Err(AppError::refused("report_already_drafted", "评标报告已汇总，不能再要求澄清"));
        }
        if !self.decrypted_bids(tender_id, lot_id).await?.iter().any(|b| b.bidder_credit_code == bidder) {
            return Err(AppError::refused(
                "bidder_not_in_lot",
                format!("{bidder} 没有在该标段开标的投标文件，不能要求其澄清"),
            ));
        }
        let question = text("question", "澄清问题", question)?;
        let act = EvaluationAct::ClarificationRequested {
            clarification_id: (fold.workspace.clarifications.len() + 1).to_string(),
            bidder_credit_code: bidder.to_owned(),
            question,
        };
        self.record_work(actor, &row, &fold, vec![act], None).await
    }

    /// The bidder answers, in writing, within its bid: the answer may not change the bid's
    /// substance (条例 第五十二条); only the bidder asked may answer, once.
    pub async fn answer_clarification(
        &self,
        actor: &Actor,
        tender_id: &str,
        lot_id: &str,
        clarification_id: &str,
        answer: &str,
    ) -> AppResult<LotAward> {
        let (row, fold) = self.lot_for(tender_id, lot_id, LotCommand::SubmitReport).await?;
        let asked = fold
            .workspace
            .clarifications
            .iter()
            .find(|c| c.clarification_id == clarification_id)
            .ok_or(AppError::NotFound { what: "澄清要求" })?;
        actor.authorize_on_entity(
            ggzy_domain::authz::Action::SubmitBid,
            &crate::entity::stored_region(&row.region_code)?,
            &asked.bidder_credit_code,
        )?;
        if asked.answer.is_some() {
            return Err(AppError::refused("clarification_answered", "该澄清要求已答复，不能重复答复"));
        }
        let answer = text("answer", "澄清答复", answer)?;
        let act = EvaluationAct::ClarificationAnswered { clarification_id: clarification_id.to_owned(), answer };
        self.record_work(actor, &row, &fold, vec![act], None).await
    }

    /// The chair drafts the report from the signed sheets and the review (rejections,
    /// adjustments), once every member signed in, every sheet is in, every clarification answered
    /// and the time extended if more than a third asked. Outlying scores are flagged in the draft
    /// and raised to supervision as alerts. A new draft replaces the old one and its signatures.
    pub async fn draft_report(
        &self,
        actor: &Actor,
        tender_id: &str,
        lot_id: &str,
        member: Option<&str>,
        input: ReportInput,
    ) -> AppResult<LotAward> {
        let (row, fold, committee, member) = self.acting_member(actor, tender_id, lot_id, member).await?;
        fold.workspace.state(&committee).check_ready_to_report(&member).map_err(workspace_refusal)?;
        let scores = fold.workspace.member_scores();
        let outcome = self.evaluate_outcome(&row, &fold, &input, &scores).await?;
        let outliers = match &committee.scoring_table {
            Some(table) => evaluation::outlier_scores(&scores, &scoring_table(table)?, OUTLIER_FRACTION)
                .map_err(|e| AppError::Internal(e.to_string()))?
                .into_iter()
                .map(|o| OutlierDetails {
                    member: o.member,
                    bidder_credit_code: o.bidder,
                    criterion: o.criterion,
                    centipoints: o.points.0,
                    others_mean_centipoints: o.others_mean.0,
                })
                .collect(),
            None => Vec::new(),
        };
        let canonical = serde_json::to_vec(&outcome).map_err(|e| AppError::Internal(e.to_string()))?;
        let report_sm3_hex = hex::encode(ggzy_crypto::sm3::sm3(&canonical));
        let act = EvaluationAct::ReportDrafted { outcome, report_sm3_hex, outliers };
        self.record_work(actor, &row, &fold, vec![act], None).await
    }

    /// A member signs the draft: agreeing, or dissenting with written reasons (条例 第五十三条).
    /// The last signature closes the report.
    pub async fn sign_report(
        &self,
        actor: &Actor,
        tender_id: &str,
        lot_id: &str,
        input: ReportSignatureInput,
    ) -> AppResult<LotAward> {
        let (row, fold, committee, member) =
            self.acting_member(actor, tender_id, lot_id, input.member.as_deref()).await?;
        let draft = fold
            .workspace
            .draft
            .as_ref()
            .ok_or_else(|| AppError::refused("report_not_drafted", "负责人尚未汇总评标报告，暂不能签字"))?;
        if draft.report_sm3_hex != input.report_sm3_hex.trim() {
            return Err(AppError::refused(
                "report_draft_changed",
                format!(
                    "签字的报告（SM3 {}）不是当前的评标报告（SM3 {}）：请阅读最新的报告后再签字",
                    input.report_sm3_hex.trim(),
                    draft.report_sm3_hex
                ),
            ));
        }
        let stance = Stance::of_signature(input.agree, input.dissent.as_deref()).map_err(workspace_refusal)?;
        let dissent = match &stance {
            Stance::Dissents(text) => Some(text.clone()),
            _ => None,
        };
        let bytes = report_signature_bytes(
            tender_id,
            lot_id,
            &member,
            &draft.report_sm3_hex,
            input.agree,
            dissent.as_deref().unwrap_or(""),
        );
        self.check_member_signature(&fold, &member, &bytes, &input.signature_hex, "评标报告")?;
        let mut signed = draft.signatures.clone();
        signed.insert(member.clone(), stance);
        let act = EvaluationAct::ReportSigned {
            member,
            report_sm3_hex: draft.report_sm3_hex.clone(),
            agree: input.agree,
            dissent,
            signature_hex: input.signature_hex.trim().to_owned(),
        };
        let everyone = committee.members.iter().all(|m| signed.contains_key(m.member_id()));
        if everyone {
            let (close, event) = closing(&fold, &committee, &draft.report_sm3_hex, &signed)?;
            let alerts = draft.outliers.clone();
            let fold = self.record_work(actor, &row, &fold, vec![act, close], Some(event)).await?;
            self.raise_outlier_alerts(actor, &row, &fold, &alerts).await?;
            return Ok(fold);
        }
        self.record_work(actor, &row, &fold, vec![act], None).await
    }

    /// The chair closes the report although some members did not sign: who neither signed nor
    /// dissented in writing is deemed to agree (条例 第五十三条).
    pub async fn close_report(
        &self,
        actor: &Actor,
        tender_id: &str,
        lot_id: &str,
        member: Option<&str>,
    ) -> AppResult<LotAward> {
        let (row, fold, committee, member) = self.acting_member(actor, tender_id, lot_id, member).await?;
        fold.workspace.state(&committee).check_chair(&member, "签发评标报告").map_err(workspace_refusal)?;
        let draft =
            fold.workspace.draft.as_ref().ok_or_else(|| AppError::refused("report_not_drafted", "尚未汇总评标报告"))?;
        let (close, event) = closing(&fold, &committee, &draft.report_sm3_hex, &draft.signatures)?;
        let alerts = draft.outliers.clone();
        let fold = self.record_work(actor, &row, &fold, vec![close], Some(event)).await?;
        self.raise_outlier_alerts(actor, &row, &fold, &alerts).await?;
        Ok(fold)
    }

    /// Outlying scores go to the region's regulators as alerts (条例 第七十一条第（三）项 is what
    /// they check: evaluation outside the documents' standards).
    async fn raise_outlier_alerts(
        &self,
        actor: &Actor,
        row: &TenderRow,
        fold: &LotAward,
        outliers: &[OutlierDetails],
    ) -> AppResult<()> {
        let mut recorded = Vec::new();
        for (n, outlier) in outliers.iter().enumerate() {
            let alert_id = format!("{}-{}-outlier_score-{}", fold.tender_id, fold.lot_id, n + 1);
            let details = AlertDetails {
                alert_id: alert_id.clone(),
                region_code: row.region_code.clone(),
                tender_id: fold.tender_id.clone(),
                lot_id: fold.lot_id.clone(),
                rule: "outlier_score".to_owned(),
                label: "评标专家评分畸高畸低".to_owned(),
                article: "招标投标法实施条例 第四十九条、第七十一条第（三）项".to_owned(),
                // The flag is a threshold crossing, not a graded likelihood.
                score_permille: 1000,
                bidders: vec![outlier.bidder_credit_code.clone()],
                evidence: vec![
                    ("评标委员会成员".to_owned(), outlier.member.clone()),
                    ("评分项".to_owned(), outlier.criterion.clone()),
                    ("该成员评分".to_owned(), centipoints_text(outlier.centipoints)),
                    ("其他成员平均分".to_owned(), centipoints_text(outlier.others_mean_centipoints)),
                ],
            };
            recorded.push(Recorded {
                stream_id: stream::alert(&alert_id),
                region_code: row.region_code.clone(),
                event: Event::AlertRaised(details),
            });
        }
        if !recorded.is_empty() {
            let expected = recorded.iter().map(|r| (r.stream_id.clone(), ExpectedVersion::NoStream)).collect();
            self.record(actor, expected, recorded, Vec::new()).await?;
        }
        Ok(())
    }
}

fn centipoints_text(value: i64) -> String {
    format!("{}.{:02}", value.div_euclid(100), value.rem_euclid(100))
}

/// The closing act and the report event it releases.
fn closing(
    fold: &LotAward,
    committee: &CommitteeDetails,
    report_sm3_hex: &str,
    signed: &BTreeMap<String, Stance>,
) -> AppResult<(EvaluationAct, Event)> {
    let draft = fold.workspace.draft.as_ref().ok_or_else(|| AppError::Internal("closing without a draft".into()))?;
    let members: Vec<String> = committee.members.iter().map(|m| m.member_id().to_owned()).collect();
    let stances = stances(&members, signed)
        .into_iter()
        .map(|(member, stance)| StanceDetails {
            member,
            stance: stance.as_str().to_owned(),
            dissent: match stance {
                Stance::Dissents(text) => Some(text),
                _ => None,
            },
        })
        .collect();
    let event = match draft.outcome.clone() {
        DraftOutcome::Reported(details) => Event::EvaluationReported(details),
        DraftOutcome::Failed { reason, rejected } => {
            Event::EvaluationFailed { tender_id: fold.tender_id.clone(), lot_id: fold.lot_id.clone(), reason, rejected }
        }
    };
    Ok((EvaluationAct::ReportClosed { report_sm3_hex: report_sm3_hex.to_owned(), stances }, event))
}
