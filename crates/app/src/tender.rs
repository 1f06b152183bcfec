//! Tenders (招标项目): creation with lots, the opening-key ceremony, the notice that opens bidding,
//! and bidder registration. Each command is decided by the domain's transition table and recorded
//! as an event on the tender's stream (registrations on the bidder's own stream).

use ggzy_crypto::cert::Certificate;
use ggzy_crypto::sm2::PublicKey;
use ggzy_domain::authz::{self, Action};
use ggzy_domain::calendar::HolidayCalendar;
use ggzy_domain::deadline::{self, DeadlineError};
use ggzy_domain::project::TenderingMethod;
use ggzy_domain::ruleset::Ruleset;
use ggzy_domain::tender::{TenderCommand, TenderState, transition};
use ggzy_domain::{CreditCode, Fen, RegionCode, china_time};
use ggzy_store::ExpectedVersion;
use ggzy_store::tender_projection::TenderRow;

use crate::App;
use crate::actor::Actor;
use crate::entity::stored_region;
use crate::entropy::random_hex;
use crate::error::{AppError, AppResult, FieldError};
use crate::events::{
    DocumentFeeDetails, EscrowShareRecord, EvaluationTermsDetails, Event, LotDetails, Recorded, TenderDetails, stream,
};

/// The ruleset construction tenders pin when they start.
pub const CONSTRUCTION_RULESET_ID: &str = "construction";
/// Most lots one tender may have.
pub const LOTS_MAX: usize = 50;
/// Most officials one key ceremony may name.
pub const OFFICIALS_MAX: usize = 20;

/// A tender to create.
#[derive(Debug, Clone)]
pub struct NewTender {
    /// Region of the trading platform running it.
    pub region: RegionCode,
    /// Title (项目名称).
    pub title: String,
    /// The principal.
    pub principal_credit_code: CreditCode,
    /// The agency, if entrusted.
    pub agency_credit_code: Option<CreditCode>,
    /// Names of the lots (标段), numbered 1.. in this order.
    pub lot_names: Vec<String>,
    /// The registered project (its investment project code).
    pub project_id: String,
}

/// One official's share as handed in from the offline ceremony.
#[derive(Debug, Clone)]
pub struct CeremonyShare {
    /// The official's user id.
    pub official_user_id: String,
    /// The official's certificate (PEM) the share is encrypted to.
    pub official_cert_pem: String,
    /// Share x-coordinate.
    pub share_index: u8,
    /// The encrypted share (SM2 C1C3C2 DER).
    pub encrypted_share: Vec<u8>,
}

/// The result of an offline key ceremony.
#[derive(Debug, Clone)]
pub struct KeyCeremony {
    /// Opening public key (SPKI PEM).
    pub public_key_pem: String,
    /// Shares needed.
    pub threshold: u8,
    /// One share per official.
    pub shares: Vec<CeremonyShare>,
}

/// A tender as the public sees it (nothing about bids or bidders).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TenderView {
    /// Tender id.
    pub tender_id: String,
    /// Region.
    pub region_code: String,
    /// Title.
    pub title: String,
    /// Principal.
    pub principal_credit_code: String,
    /// Agency.
    pub agency_credit_code: Option<String>,
    /// Ruleset pinned.
    pub ruleset: String,
    /// State.
    pub state: TenderState,
    /// Documents issued, UTC ms.
    pub documents_issued_ms: Option<i64>,
    /// Bid deadline, UTC ms.
    pub bid_deadline_ms: Option<i64>,
    /// Opening public key (SPKI PEM) bids are sealed to.
    pub opening_public_key_pem: Option<String>,
    /// Shares needed to open by escrow.
    pub escrow_threshold: Option<i64>,
    /// The estimate (招标项目估算价), fen, if the notice gave it.
    pub estimate_fen: Option<i64>,
    /// The bid security required, fen.
    pub bid_security_fen: Option<i64>,
    /// The ceiling price (最高投标限价), fen.
    pub ceiling_price_fen: Option<i64>,
    /// Bid validity, days from the bid deadline.
    pub bid_validity_days: Option<i64>,
    /// Lots: (id, name).
    pub lots: Vec<(String, String)>,
    /// The project (its investment project code).
    pub project_id: Option<String>,
    /// The first stage's proposal deadline, UTC ms, when the tender runs in two stages.
    pub proposal_deadline_ms: Option<i64>,
    /// Stream version.
    pub version: i64,
}

/// A notice to publish.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoticeInput {
    /// Bid deadline (and opening time), UTC ms.
    pub bid_deadline_ms: i64,
    /// The tender's estimated price (招标项目估算价), fen.
    pub estimate_fen: Option<i64>,
    /// The bid security each bidder must lodge, fen (at most 2% of the estimate).
    pub bid_security_fen: Option<i64>,
    /// The ceiling price (最高投标限价), fen: published with the documents; bids above it are rejected.
    pub ceiling_price_fen: Option<i64>,
    /// Bid validity (投标有效期), days from the bid deadline; bid securities must last as long.
    pub bid_validity_days: Option<i64>,
    /// The documents' evaluation method and scoring table (条例 第四十九条).
    pub evaluation: Option<EvaluationTermsDetails>,
    /// A fee for the documents, with the printing and postage costs it recovers (条例 第十六条).
    pub document_fee: Option<DocumentFeeDetails>,
}

/// An amendment as recorded, with what it did to the deadline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AmendmentView {
    /// The tender after it.
    pub tender: TenderView,
    /// The deadline before, UTC ms.
    pub previous_deadline_ms: i64,
    /// Whether the deadline was pushed out.
    pub extended: bool,
    /// Why, citing the article (empty when not extended).
    pub extension_reason: String,
}

fn field(name: &str, code: &'static str, message: impl Into<String>) -> AppError {
    AppError::Invalid(vec![FieldError::new(name, code, message)])
}

/// A documents' fee recovers the printing and postage costs and no more: not for profit (招标投标法实施
/// 条例 第十六条第二款). Documents downloaded from the platform cost neither, so their fee is 0.
fn check_document_fee(fee: &DocumentFeeDetails) -> AppResult<()> {
    let costs = fee.printing_cost_fen.checked_add(fee.postage_cost_fen);
    if fee.fee_fen < 0 || fee.printing_cost_fen < 0 || fee.postage_cost_fen < 0 {
        return Err(field("document_fee", "invalid_amount", "文件费用及其印刷、邮寄成本不能为负数（单位：分）"));
    }
    if costs.is_none_or(|costs| fee.fee_fen > costs) {
        return Err(AppError::refused(
            "document_fee_above_cost",
            format!(
                "招标文件售价{}元，超过印刷、邮寄成本{}元：收取的费用应当限于补偿印刷、邮寄的成本支出，不得以营利为目的（招标投标法实施条例 第十六条）",
                Fen(fee.fee_fen),
                Fen(costs.unwrap_or(i64::MAX))
            ),
        ));
    }
    Ok(())
}

pub(crate) fn tender_state(row: &TenderRow) -> AppResult<TenderState> {
    TenderState::parse(&row.state).ok_or_else(|| AppError::Internal(format!("stored tender state {}", row.state)))
}

impl App {
    /// The ruleset a tender pinned (`id@version`).
    pub(crate) fn pinned_ruleset(&self, key: &str) -> AppResult<&Ruleset> {
        self.rulesets
            .iter()
            .find(|set| set.key() == key)
            .ok_or_else(|| AppError::Internal(format!("pinned ruleset {key} is not loaded")))
    }

    /// The newest construction ruleset in force today.
    pub(crate) fn current_construction_ruleset(&self) -> AppResult<&Ruleset> {
        self.current_ruleset(CONSTRUCTION_RULESET_ID)
    }

    /// The newest ruleset `id` in force today (a procedure pins it when it starts).
    pub(crate) fn current_ruleset(&self, id: &str) -> AppResult<&Ruleset> {
        let (year, month, day) = self.today();
        let today = format!("{year:04}-{month:02}-{day:02}");
        self.rulesets
            .iter()
            .filter(|set| set.id == id && set.effective_from.as_str() <= today.as_str())
            .max_by(|a, b| a.effective_from.cmp(&b.effective_from))
            .ok_or_else(|| AppError::Internal(format!("no {id} ruleset in force")))
    }

    pub(crate) async fn tender_row(&self, tender_id: &str) -> AppResult<TenderRow> {
        self.store.tender(tender_id).await?.ok_or(AppError::NotFound { what: "招标项目" })
    }

    /// The actor acts for the tender's principal or its agency.
    pub(crate) fn authorize_tender(&self, actor: &Actor, row: &TenderRow) -> AppResult<RegionCode> {
        let region = stored_region(&row.region_code)?;
        let principal = actor.authorize_on_entity(Action::ManageTender, &region, &row.principal_credit_code);
        match (&principal, &row.agency_credit_code) {
            (Err(AppError::NotEntityMember), Some(agency)) => {
                actor.authorize_on_entity(Action::ManageTender, &region, agency)?;
            }
            _ => principal?,
        }
        Ok(region)
    }

    /// Creates a tender in draft; the creator must act for the principal or the agency.
    pub async fn create_tender(&self, actor: &Actor, new: NewTender) -> AppResult<TenderView> {
        let title = new.title.trim();
        if title.is_empty() || title.chars().count() > 200 {
            return Err(field("title", "invalid_text", "项目名称不能为空，且不超过200个字"));
        }
        if new.lot_names.is_empty() || new.lot_names.len() > LOTS_MAX {
            return Err(field("lots", "invalid_text", format!("至少设1个标段，最多{LOTS_MAX}个")));
        }
        if let Some(index) = new.lot_names.iter().position(|name| name.trim().is_empty() || name.chars().count() > 200)
        {
            return Err(field(format!("lots[{index}]").as_str(), "invalid_text", "标段名称不能为空，且不超过200个字"));
        }
        for code in std::iter::once(&new.principal_credit_code).chain(new.agency_credit_code.as_ref()) {
            self.store.entity(code.as_str()).await?.ok_or(AppError::NotFound { what: "市场主体" })?;
        }
        let principal =
            actor.authorize_on_entity(Action::ManageTender, &new.region, new.principal_credit_code.as_str());
        match (&principal, &new.agency_credit_code) {
            (Err(AppError::NotEntityMember), Some(agency)) => {
                actor.authorize_on_entity(Action::ManageTender, &new.region, agency.as_str())?;
            }
            _ => principal?,
        }
        self.project_for_new_tender(&new.project_id, &new.principal_credit_code, new.agency_credit_code.as_ref())
            .await?;
        let ruleset = self.current_construction_ruleset()?.key();
        let (year, month, day) = self.today();
        let tender_id = format!(
            "ZB{}{year:04}{month:02}{day:02}{}",
            new.region.as_str(),
            random_hex(self.entropy.as_ref(), 3).to_uppercase()
        );
        let details = TenderDetails {
            tender_id: tender_id.clone(),
            region_code: new.region.as_str().to_owned(),
            title: title.to_owned(),
            principal_credit_code: new.principal_credit_code.as_str().to_owned(),
            agency_credit_code: new.agency_credit_code.as_ref().map(|code| code.as_str().to_owned()),
            ruleset,
            lots: new
                .lot_names
                .iter()
                .enumerate()
                .map(|(i, name)| LotDetails { lot_id: (i + 1).to_string(), name: name.trim().to_owned() })
                .collect(),
            project_id: Some(new.project_id.trim().to_owned()),
        };
        let stream_id = stream::tender(&tender_id);
        let event = Recorded {
            stream_id: stream_id.clone(),
            region_code: details.region_code.clone(),
            event: Event::TenderCreated(details),
        };
        self.record(actor, vec![(stream_id, ExpectedVersion::NoStream)], vec![event], Vec::new()).await?;
        self.tender(&tender_id).await
    }

    /// A tender as published (public).
    pub async fn tender(&self, tender_id: &str) -> AppResult<TenderView> {
        let row = self.tender_row(tender_id).await?;
        let lots = self.store.tender_lots(tender_id).await?.into_iter().map(|lot| (lot.lot_id, lot.name)).collect();
        Ok(TenderView {
            state: tender_state(&row)?,
            tender_id: row.tender_id,
            region_code: row.region_code,
            title: row.title,
            principal_credit_code: row.principal_credit_code,
            agency_credit_code: row.agency_credit_code,
            ruleset: row.ruleset_version,
            documents_issued_ms: row.documents_issued_ms,
            bid_deadline_ms: row.bid_deadline_ms,
            opening_public_key_pem: row.opening_public_key,
            escrow_threshold: row.escrow_threshold,
            estimate_fen: row.estimate_fen,
            bid_security_fen: row.bid_security_fen,
            ceiling_price_fen: row.ceiling_price_fen,
            bid_validity_days: row.bid_validity_days,
            lots,
            project_id: row.project_id,
            proposal_deadline_ms: row.proposal_deadline_ms,
            version: row.version,
        })
    }

    /// Records the offline key ceremony: the opening public key and each official's encrypted share.
    /// Officials must hold the escrow role for the tender's region and a certificate the platform trusts.
    pub async fn record_key_ceremony(
        &self,
        actor: &Actor,
        tender_id: &str,
        ceremony: KeyCeremony,
    ) -> AppResult<TenderView> {
        let row = self.tender_row(tender_id).await?;
        let region = self.authorize_tender(actor, &row)?;
        let before_notice = tender_state(&row)?.before_notice();
        if !before_notice || row.opening_public_key.is_some() {
            return Err(AppError::refused(
                "invalid_transition",
                format!(
                    "招标项目当前状态为“{}”，开标密钥仪式只能在发布招标公告前进行一次",
                    tender_state(&row)?.label()
                ),
            ));
        }
        PublicKey::from_public_key_pem(&ceremony.public_key_pem)
            .map_err(|_| field("public_key_pem", "invalid_opening_key", "开标公钥不是有效的SM2公钥（SPKI PEM）"))?;
        let n = ceremony.shares.len();
        if !(2..=OFFICIALS_MAX).contains(&n) || ceremony.threshold < 2 || usize::from(ceremony.threshold) > n {
            return Err(field(
                "threshold",
                "invalid_escrow_threshold",
                format!(
                    "开标密钥须分给2至{OFFICIALS_MAX}名监督人员，恢复所需份数须不少于2且不超过人数（现为{}/{n}）",
                    ceremony.threshold
                ),
            ));
        }
        let trust = &self.bid_services()?.trust;
        let now_unix = self.now_ms().div_euclid(1000);
        let mut records = Vec::with_capacity(n);
        for (i, share) in ceremony.shares.iter().enumerate() {
            let at = |name: &str| format!("shares[{i}].{name}");
            if ceremony.shares[..i].iter().any(|other| other.official_user_id == share.official_user_id) {
                return Err(field(&at("official_user_id"), "invalid_escrow_share", "同一监督人员只能持有一份密钥分片"));
            }
            if share.share_index == 0 || ceremony.shares[..i].iter().any(|other| other.share_index == share.share_index)
            {
                return Err(field(&at("share_index"), "invalid_escrow_share", "分片序号须为1至255且互不相同"));
            }
            if share.encrypted_share.is_empty() || share.encrypted_share.len() > 1024 {
                return Err(field(&at("encrypted_share"), "invalid_escrow_share", "加密分片为空或过长"));
            }
            self.store.user(&share.official_user_id).await?.ok_or(AppError::NotFound { what: "监督人员用户" })?;
            let grants = self.grants_of(&share.official_user_id).await?;
            if authz::authorize(&grants, Action::EscrowOpening, &region).is_err() {
                return Err(field(
                    &at("official_user_id"),
                    "invalid_escrow_share",
                    format!("用户 {} 不是本区划交易中心或监管部门的人员，不能持有开标密钥分片", share.official_user_id),
                ));
            }
            let cert = Certificate::from_pem(&share.official_cert_pem)
                .map_err(|_| field(&at("official_cert_pem"), "invalid_certificate", "监督人员证书不是有效的PEM证书"))?;
            trust.verify(&cert, &[], now_unix).map_err(crate::bid::certificate_refusal)?;
            records.push(EscrowShareRecord {
                official_user_id: share.official_user_id.clone(),
                share_index: share.share_index,
                cert_serial: cert.serial_hex(),
                cert_subject: cert.subject(),
                encrypted_share_hex: hex::encode(&share.encrypted_share),
            });
        }
        let stream_id = stream::tender(tender_id);
        let event = Recorded {
            stream_id: stream_id.clone(),
            region_code: row.region_code.clone(),
            event: Event::OpeningKeyCeremonyHeld {
                tender_id: tender_id.to_owned(),
                public_key_pem: ceremony.public_key_pem.trim().to_owned() + "\n",
                threshold: ceremony.threshold,
                shares: records,
            },
        };
        self.record(actor, vec![(stream_id, ExpectedVersion::Exactly(row.version))], vec![event], Vec::new()).await?;
        self.tender(tender_id).await
    }

    /// Publishes the notice: documents are issued now and bids are accepted until `bid_deadline_ms`,
    /// which must respect the ruleset's floor (招标投标法 第二十四条: at least 20 days).
    pub async fn publish_notice(&self, actor: &Actor, tender_id: &str, bid_deadline_ms: i64) -> AppResult<TenderView> {
        self.publish_notice_with(
            actor,
            tender_id,
            NoticeInput {
                bid_deadline_ms,
                estimate_fen: None,
                bid_security_fen: None,
                ceiling_price_fen: None,
                bid_validity_days: None,
                evaluation: None,
                document_fee: None,
            },
        )
        .await
    }

    /// Publishes the notice with its bid-security terms: a required security above the ruleset's
    /// percent of the estimate is refused (招标投标法实施条例 第二十六条: 2%).
    pub async fn publish_notice_with(
        &self,
        actor: &Actor,
        tender_id: &str,
        notice: NoticeInput,
    ) -> AppResult<TenderView> {
        let NoticeInput {
            bid_deadline_ms,
            estimate_fen,
            bid_security_fen,
            ceiling_price_fen,
            bid_validity_days,
            evaluation,
            document_fee,
        } = notice;
        if bid_validity_days.is_some_and(|days| !(1..=365).contains(&days)) {
            return Err(field(
                "bid_validity_days",
                "invalid_amount",
                "投标有效期须为1至365日，自投标截止之日起算（招标投标法实施条例 第二十五条）",
            ));
        }
        let row = self.tender_row(tender_id).await?;
        self.authorize_tender(actor, &row)?;
        let state = tender_state(&row)?;
        transition(state, TenderCommand::PublishNotice)
            .map_err(|refused| AppError::refused("invalid_transition", refused.to_string()))?;
        let method = if self.store.invitees(tender_id).await?.is_empty() {
            TenderingMethod::Open
        } else {
            TenderingMethod::Invited
        };
        self.check_project_ready(&row, method).await?;
        if row.opening_public_key.is_none() {
            return Err(AppError::refused(
                "opening_key_missing",
                "发布招标公告前须先完成开标密钥仪式：投标文件要加密到开标公钥，且开标私钥须分片交监督人员保管",
            ));
        }
        let now_ms = self.now_ms();
        let ruleset = self.pinned_ruleset(&row.ruleset_version)?;
        let floor = check_bid_deadline(&self.calendar, ruleset, now_ms, bid_deadline_ms)?;
        if ceiling_price_fen.is_some_and(|fen| fen <= 0) {
            return Err(field("ceiling_price_fen", "invalid_amount", "最高投标限价须大于0（单位：分）"));
        }
        if estimate_fen.is_some_and(|fen| fen <= 0) {
            return Err(field("estimate_fen", "invalid_amount", "招标项目估算价须大于0（单位：分）"));
        }
        if let Some(security) = bid_security_fen {
            let Some(estimate) = estimate_fen else {
                return Err(field(
                    "estimate_fen",
                    "invalid_amount",
                    "要求投标保证金时须写明招标项目估算价：保证金不得超过估算价的2%（招标投标法实施条例 第二十六条）",
                ));
            };
            let cap = ruleset
                .get("bid_deposit_percent_max")
                .ok_or_else(|| AppError::Internal("ruleset lacks bid_deposit_percent_max".to_owned()))?;
            ggzy_domain::evaluation::check_bid_deposit(Fen(security), Fen(estimate), cap.value)
                .map_err(|error| AppError::refused(error.code(), error.to_string()))?;
        }
        if let Some(terms) = &evaluation {
            crate::award::check_evaluation_terms(terms)?;
        }
        if let Some(fee) = &document_fee {
            check_document_fee(fee)?;
        }
        let stream_id = stream::tender(tender_id);
        let event = Recorded {
            stream_id: stream_id.clone(),
            region_code: row.region_code.clone(),
            event: Event::TenderNoticePublished {
                tender_id: tender_id.to_owned(),
                documents_issued_ms: now_ms,
                bid_deadline_ms,
                earliest_legal_deadline_ms: floor.earliest_ms,
                deadline_rule: floor.rule,
                estimate_fen,
                bid_security_fen,
                ceiling_price_fen,
                bid_validity_days,
                evaluation,
                document_fee,
            },
        };
        self.record(actor, vec![(stream_id, ExpectedVersion::Exactly(row.version))], vec![event], Vec::new()).await?;
        self.tender(tender_id).await
    }

    /// Issues a clarification or amendment. One that may affect bid preparation must come at least
    /// the ruleset's period before the deadline (招标投标法 第二十三条: 15 days); a later one stands and
    /// pushes the deadline out (顺延, 实施条例 第二十一条), keeping its time of day. Returns the
    /// amendment as recorded.
    pub async fn issue_amendment(
        &self,
        actor: &Actor,
        tender_id: &str,
        summary: &str,
        affects_bids: bool,
    ) -> AppResult<AmendmentView> {
        let row = self.tender_row(tender_id).await?;
        self.authorize_tender(actor, &row)?;
        let summary = summary.trim();
        if summary.is_empty() || summary.chars().count() > 2000 {
            return Err(field("summary", "invalid_text", "澄清或修改的内容不能为空，且不超过2000字"));
        }
        let state = tender_state(&row)?;
        transition(state, TenderCommand::IssueAmendment)
            .map_err(|refused| AppError::refused("invalid_transition", refused.to_string()))?;
        let now_ms = self.now_ms();
        // Before pre-qualification ends an amendment concerns the applications and their deadline
        // (3 days, 条例 第二十一条); afterwards the bids and theirs (15 days, 法 第二十三条).
        let prequalification = state == TenderState::Prequalifying;
        let (previous_deadline_ms, rule_id, what) = if prequalification {
            let deadline_ms = row.pq_deadline_ms.unwrap_or(i64::MIN);
            if now_ms >= deadline_ms {
                return Err(AppError::refused(
                    "pq_deadline_passed",
                    format!(
                        "资格预审申请截止时间（{}）已过，不能再澄清或修改资格预审文件",
                        china_time::text(deadline_ms)
                    ),
                ));
            }
            (deadline_ms, "amendment_before_pq_deadline_days_min", ("资格预审申请文件", "资格预审申请截止时间"))
        } else {
            crate::bid::check_bidding(&row, now_ms)?;
            (
                row.bid_deadline_ms.unwrap_or(i64::MAX),
                "amendment_before_bid_deadline_days_min",
                ("投标文件", "投标截止时间"),
            )
        };
        let (deadline_ms, extension_reason) = if affects_bids {
            self.deadline_after_amendment(&row, now_ms, previous_deadline_ms, rule_id, what)?
        } else {
            (previous_deadline_ms, String::new())
        };
        let stream_id = stream::tender(tender_id);
        let event = Recorded {
            stream_id: stream_id.clone(),
            region_code: row.region_code.clone(),
            event: if prequalification {
                Event::PrequalificationAmended {
                    tender_id: tender_id.to_owned(),
                    summary: summary.to_owned(),
                    affects_applications: affects_bids,
                    previous_deadline_ms,
                    application_deadline_ms: deadline_ms,
                    extension_reason: extension_reason.clone(),
                }
            } else {
                Event::AmendmentIssued {
                    tender_id: tender_id.to_owned(),
                    summary: summary.to_owned(),
                    affects_bids,
                    previous_deadline_ms,
                    bid_deadline_ms: deadline_ms,
                    extension_reason: extension_reason.clone(),
                }
            },
        };
        self.record(actor, vec![(stream_id, ExpectedVersion::Exactly(row.version))], vec![event], Vec::new()).await?;
        Ok(AmendmentView {
            tender: self.tender(tender_id).await?,
            previous_deadline_ms,
            extended: deadline_ms != previous_deadline_ms,
            extension_reason,
        })
    }

    /// The deadline after an amendment that may affect what is being prepared (`what`: the
    /// documents prepared and the deadline's name): unchanged when issued at least the rule's days
    /// before it, else pushed out to the period's end from today, at the same time of day (顺延,
    /// 条例 第二十一条).
    fn deadline_after_amendment(
        &self,
        row: &TenderRow,
        now_ms: i64,
        previous_deadline_ms: i64,
        rule_id: &str,
        (documents, deadline_name): (&str, &str),
    ) -> AppResult<(i64, String)> {
        let ruleset = self.pinned_ruleset(&row.ruleset_version)?;
        let rule = ruleset.get(rule_id).ok_or_else(|| AppError::Internal(format!("ruleset lacks {rule_id}")))?;
        let extension = deadline::extend_for_late_amendment(
            &self.calendar,
            china_time::date_of(now_ms),
            china_time::date_of(previous_deadline_ms),
            rule,
        )
        .map_err(|error| match error {
            DeadlineError::Calendar(error) => AppError::refused("calendar_not_covered", error.to_string()),
            other => AppError::Internal(format!("{rule_id}: {other}")),
        })?;
        if !extension.extended {
            return Ok((previous_deadline_ms, String::new()));
        }
        let time_of_day = china_time::datetime_of(previous_deadline_ms).time();
        let moved = china_time::instant_of(extension.deadline.day.to_datetime(time_of_day))
            .ok_or_else(|| AppError::Internal("deadline out of range".to_owned()))?;
        let reason = format!(
            "澄清或修改可能影响{documents}编制，发出时距{deadline_name}不足{}日，{deadline_name}顺延至{}",
            rule.value, extension.deadline
        );
        Ok((moved, reason))
    }

    /// Terminates the tender (终止招标, 招标投标法实施条例 第三十一条): the termination is published with its
    /// reason, and the principal owes the bidders a refund of document fees, and of bid deposits with
    /// their interest; from now on nothing is accepted.
    pub async fn terminate_tender(&self, actor: &Actor, tender_id: &str, reason: &str) -> AppResult<TenderView> {
        let row = self.tender_row(tender_id).await?;
        self.authorize_tender(actor, &row)?;
        let reason = reason.trim();
        if reason.is_empty() || reason.chars().count() > 2000 {
            return Err(field("reason", "invalid_text", "终止招标须说明理由（不超过2000字），理由将随终止公告公开"));
        }
        let line = transition(tender_state(&row)?, TenderCommand::Terminate)
            .map_err(|refused| AppError::refused("invalid_transition", refused.to_string()))?;
        let stream_id = stream::tender(tender_id);
        let event = Recorded {
            stream_id: stream_id.clone(),
            region_code: row.region_code.clone(),
            event: Event::TenderTerminated {
                tender_id: tender_id.to_owned(),
                reason: reason.to_owned(),
                source: format!(
                    "{}：及时发布公告，或以书面形式通知被邀请的或已获取资格预审文件、招标文件的潜在投标人；已收取的资格预审文件、招标文件费用以及所收取的投标保证金及银行同期存款利息应当退还",
                    line.source
                ),
            },
        };
        self.record(actor, vec![(stream_id, ExpectedVersion::Exactly(row.version))], vec![event], Vec::new()).await?;
        self.tender(tender_id).await
    }

    /// Registers a bidder as a potential bidder for a lot (获取招标文件). Its name stays sealed from
    /// the principal until opening (招标投标法 第二十二条).
    pub async fn register_bidder(
        &self,
        actor: &Actor,
        tender_id: &str,
        lot_id: &str,
        bidder: &CreditCode,
    ) -> AppResult<()> {
        let row = self.tender_row(tender_id).await?;
        let region = stored_region(&row.region_code)?;
        actor.authorize_on_entity(Action::SubmitBid, &region, bidder.as_str())?;
        self.store.entity(bidder.as_str()).await?.ok_or(AppError::NotFound { what: "市场主体" })?;
        if !self.store.tender_lots(tender_id).await?.iter().any(|lot| lot.lot_id == lot_id) {
            return Err(AppError::NotFound { what: "标段" });
        }
        crate::bid::check_accepting(&row, self.now_ms())?;
        self.check_not_restricted(bidder.as_str(), ggzy_domain::credit::RestrictionScope::Tendering).await?;
        self.check_prequalified(&row, bidder.as_str()).await?;
        self.check_invited(&row, bidder.as_str()).await?;
        self.check_proposer(&row, bidder.as_str()).await?;
        if self.store.is_registered(tender_id, lot_id, bidder.as_str()).await? {
            return Err(AppError::AlreadyExists { what: "投标报名" });
        }
        let event = Recorded {
            stream_id: stream::bidder(tender_id, lot_id, bidder.as_str()),
            region_code: row.region_code.clone(),
            event: Event::BidderRegistered {
                tender_id: tender_id.to_owned(),
                lot_id: lot_id.to_owned(),
                bidder_credit_code: bidder.as_str().to_owned(),
            },
        };
        let guard = ggzy_store::ProjectionOp::Tender(ggzy_store::tender_projection::TenderOp::RequireState {
            tender_id: tender_id.to_owned(),
            state: TenderState::Bidding.as_str().to_owned(),
        });
        self.record(actor, Vec::new(), vec![event], vec![guard]).await?;
        Ok(())
    }
}

/// The floor a notice's bid deadline met: the earliest legal deadline and the rule.
struct Floor {
    earliest_ms: i64,
    rule: String,
}

/// The bid deadline respects the ruleset's floor counted from the day the documents are issued
/// (招标投标法 第二十四条: at least 20 days; counted per 民法典 第二百零一条、第二百零三条).
fn check_bid_deadline(
    calendar: &HolidayCalendar,
    ruleset: &Ruleset,
    issued_ms: i64,
    bid_deadline_ms: i64,
) -> AppResult<Floor> {
    const RULE: &str = "bid_preparation_days_min";
    let rule = ruleset.get(RULE).ok_or_else(|| AppError::Internal(format!("{} lacks {RULE}", ruleset.key())))?;
    let start = china_time::date_of(issued_ms);
    let earliest = match deadline::check_floor(calendar, start, china_time::date_of(bid_deadline_ms), rule) {
        Ok(earliest) => earliest,
        Err(error @ DeadlineError::TooEarly { .. }) => {
            return Err(AppError::refused(
                "deadline_below_statutory_minimum",
                format!("投标截止时间不符合法定最短期限（自招标文件开始发出之日起不少于{}日）：{error}", rule.value),
            ));
        }
        Err(DeadlineError::Calendar(error)) => {
            return Err(AppError::refused("calendar_not_covered", error.to_string()));
        }
        Err(other) => return Err(AppError::Internal(format!("checking {RULE}: {other}"))),
    };
    let earliest_ms = china_time::instant_of(earliest.day.to_datetime(jiff::civil::Time::midnight()))
        .ok_or_else(|| AppError::Internal(format!("date {} out of range", earliest.day)))?;
    Ok(Floor { earliest_ms, rule: format!("{}（{}）", rule.id, rule.source) })
}
