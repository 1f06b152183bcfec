//! The events of the record and the projection updates each one causes.
//!
//! Payloads are JSON objects with a `type` tag. Secrets never enter an event: `PasswordSet` records
//! that a password was set, not the hash (the hash is an operational row written alongside).

use ggzy_store::alert::{AlertOp, AlertRow};
use ggzy_store::expert::{AssessmentRow, ExpertOp};
use ggzy_store::projection::{EntityRow, ProjectionOp};
use serde::{Deserialize, Serialize};

/// An event payload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type")]
pub enum Event {
    /// A region starts running a (branch) platform (分平台).
    PlatformRegionEnabled {
        /// Region code.
        region_code: String,
        /// Full Chinese name.
        name: String,
        /// Platform region above it.
        parent_code: Option<String>,
    },
    /// A market entity (市场主体) registered.
    EntityRegistered(EntityDetails),
    /// A market entity's details changed.
    EntityUpdated(EntityDetails),
    /// A user acts for an entity from now on.
    EntityMemberAdded {
        /// The entity.
        credit_code: String,
        /// The user.
        user_id: String,
    },
    /// An entity declared its shareholders, officers and controlling entity (关联关系), replacing
    /// its previous declaration; persons appear masked and by person key only.
    EntityRelationsDeclared(crate::entity::relations::EntityRelationsDetails),
    /// A user account was created.
    UserCreated {
        /// User id.
        user_id: String,
        /// Login name.
        username: String,
        /// Name shown.
        display_name: String,
        /// Home region.
        region_code: String,
    },
    /// A role was granted for a region.
    RoleGranted {
        /// User id.
        user_id: String,
        /// Role identifier.
        role: String,
        /// Region.
        region_code: String,
    },
    /// The user's password was set or changed.
    PasswordSet {
        /// User id.
        user_id: String,
    },
    /// A project was registered (项目登记) with its funding, packages, method and form.
    ProjectRegistered(ProjectDetails),
    /// The approving authority's decision on the project's tender scope, method and organisation
    /// form was recorded (实施条例 第七条); it binds the project's tenders.
    ProjectApprovalRecorded {
        /// Project.
        project_id: String,
        /// The approving authority (审批、核准部门).
        authority: String,
        /// Its document number (文号).
        document_number: String,
        /// Day of the decision (`YYYY-MM-DD`).
        decided_on: String,
        /// Approved method.
        method: String,
        /// Approved organisation form.
        organisation_form: String,
        /// The ground found for invited tendering (实施条例 第八条), if any.
        invitation_ground: Option<String>,
    },
    /// The principal filed its self-tendering with the regulator (招标投标法 第十二条第三款).
    SelfTenderingFiled {
        /// Project.
        project_id: String,
        /// Technical staff able to run the tender (实施条例 第十条).
        technical_staff: u32,
        /// Economic staff.
        economic_staff: u32,
        /// The principal's statement of its capacity.
        statement: String,
    },
    /// A bidder objected to the opening, on the spot (条例 第四十四条).
    OpeningObjectionRaised {
        /// Tender.
        tender_id: String,
        /// Number within the opening, from 1.
        objection_id: i64,
        /// The objecting bidder.
        objector_credit_code: String,
        /// What it objects to.
        text: String,
    },
    /// The principal answered an objection at the opening, on the spot.
    OpeningObjectionAnswered {
        /// Tender.
        tender_id: String,
        /// The objection.
        objection_id: i64,
        /// The answer.
        answer: String,
    },
    /// The principal committed to a lot's sealed reference price (标底, 条例 第二十七条): only the
    /// commitment is recorded before the opening.
    ReferencePriceCommitted {
        /// Tender.
        tender_id: String,
        /// Lot.
        lot_id: String,
        /// SM3 commitment (hex, `ggzy_crypto::reference_price`).
        commitment_hex: String,
    },
    /// The reference price read out at the opening (条例 第五十条), with the salt that opens its
    /// commitment.
    ReferencePriceRevealed {
        /// Tender.
        tender_id: String,
        /// Lot.
        lot_id: String,
        /// The price, fen.
        price_fen: i64,
        /// The salt (hex).
        salt_hex: String,
    },
    /// OCDS releases of another publisher were imported (`ggzy import --ocds`).
    OcdsImported {
        /// The publisher, as the importer named it.
        publisher: String,
        /// SM3 of the file (hex).
        file_sm3: String,
        /// Lines imported.
        imported: i64,
        /// Lines refused (each reported with its line and field).
        rejected: i64,
    },
    /// A screen raised a supervision alert (预警) on a lot, with its evidence.
    AlertRaised(AlertDetails),
    /// The regulator confirmed, dismissed or referred an alert.
    AlertReviewed {
        /// The alert.
        alert_id: String,
        /// The state after (`confirmed`, `dismissed`, `referred`).
        state: String,
        /// Why (dismissal), what was found (confirmation), or to whom and why (referral).
        reason: String,
    },
    /// A tender (招标项目) was created with its lots; it pins its ruleset.
    TenderCreated(TenderDetails),
    /// The opening key ceremony: the public key bids are sealed to, and its private key split k-of-n
    /// among named officials, each share encrypted to the official's certificate. The private key
    /// itself never reached the platform.
    OpeningKeyCeremonyHeld {
        /// Tender.
        tender_id: String,
        /// Opening public key, SPKI PEM.
        public_key_pem: String,
        /// Shares needed to rebuild the key.
        threshold: u8,
        /// One share per official.
        shares: Vec<EscrowShareRecord>,
    },
    /// The tender notice was published and the documents issued; bids are accepted until the deadline.
    TenderNoticePublished {
        /// Tender.
        tender_id: String,
        /// When the documents were first issued, UTC ms.
        documents_issued_ms: i64,
        /// Bid deadline (and opening time), UTC ms.
        bid_deadline_ms: i64,
        /// The earliest deadline the law allowed, UTC ms, and the rule it comes from.
        earliest_legal_deadline_ms: i64,
        /// Rule id and article of the floor checked.
        deadline_rule: String,
        /// The tender's estimated price, fen (the base of the bid-security cap, 条例 第二十六条).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        estimate_fen: Option<i64>,
        /// The bid security each bidder must lodge, fen.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        bid_security_fen: Option<i64>,
        /// The published ceiling price (最高投标限价, 条例 第二十七条), fen.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        ceiling_price_fen: Option<i64>,
        /// Bid validity (投标有效期, 条例 第二十五条), days from the bid deadline.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        bid_validity_days: Option<i64>,
        /// The evaluation method and scoring table the documents state (条例 第四十九条: the committee
        /// uses these and no other).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        evaluation: Option<EvaluationTermsDetails>,
        /// The documents' fee and the costs it recovers (条例 第十六条).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        document_fee: Option<DocumentFeeDetails>,
    },
    /// A clarification or amendment of the tender documents was issued; if it came too late for the
    /// bids, the deadline was pushed out (顺延) and the event says why.
    AmendmentIssued {
        /// Tender.
        tender_id: String,
        /// What changed, as published.
        summary: String,
        /// Whether it may affect the preparation of bids (then the 15-day rule applies).
        affects_bids: bool,
        /// The deadline before, UTC ms.
        previous_deadline_ms: i64,
        /// The deadline now, UTC ms (equal when not extended).
        bid_deadline_ms: i64,
        /// Why the deadline moved, citing the article (empty when it did not).
        extension_reason: String,
    },
    /// A clarification or amendment of the pre-qualification documents; one that may affect the
    /// applications, issued less than the ruleset's days (3) before the application deadline, pushes
    /// that deadline out (招标投标法实施条例 第二十一条).
    PrequalificationAmended {
        /// Tender.
        tender_id: String,
        /// What changed, as published.
        summary: String,
        /// Whether it may affect the preparation of applications.
        affects_applications: bool,
        /// The application deadline before, UTC ms.
        previous_deadline_ms: i64,
        /// The application deadline now, UTC ms (equal when not extended).
        application_deadline_ms: i64,
        /// Why the deadline moved, citing the article (empty when it did not).
        extension_reason: String,
    },
    /// A potential bidder registered for a lot (its name is sealed from the principal until opening, 法 22).
    BidderRegistered {
        /// Tender.
        tender_id: String,
        /// Lot.
        lot_id: String,
        /// Bidder.
        bidder_credit_code: String,
    },
    /// A sealed bid was accepted (a later one from the same bidder for the lot replaces it).
    BidSubmitted(BidDetails),
    /// The bidder withdrew its bid for the lot before the deadline.
    BidWithdrawn {
        /// Tender.
        tender_id: String,
        /// Lot.
        lot_id: String,
        /// Bidder.
        bidder_credit_code: String,
    },
    /// The deadline passed: lots with enough bids are opened, the others fail (流标).
    OpeningStarted {
        /// Tender.
        tender_id: String,
        /// Bids received by the deadline.
        bid_count: u32,
        /// Lots that failed for too few bids.
        failed_lots: Vec<LotFailure>,
    },
    /// The tender failed (流标).
    TenderFailed {
        /// Tender.
        tender_id: String,
        /// Why, in Chinese.
        reason: String,
        /// The article.
        source: String,
    },
    /// The principal terminated the tender (终止招标); what it owes bidders is named with the article.
    TenderTerminated {
        /// Tender.
        tender_id: String,
        /// Why, as published in the notice of termination.
        reason: String,
        /// The article and the obligations it sets.
        source: String,
    },
    /// The trading centre refunded one bidder's security after the bidder withdrew its bid
    /// (招标投标法实施条例 第三十五条: within 5 days of the written withdrawal).
    WithdrawnSecurityRefunded {
        /// Tender.
        tender_id: String,
        /// Lot.
        lot_id: String,
        /// Bidder.
        bidder_credit_code: String,
        /// Day refunded (`YYYY-MM-DD`, China time).
        refunded_day: String,
        /// The last day allowed (`None` when it reaches a year without holiday data).
        due_day: Option<String>,
        /// Within the period.
        in_time: bool,
    },
    /// After a termination, the principal refunded every bid security lodged, with the interest
    /// on cash (招标投标法实施条例 第三十一条).
    TerminationRefunded {
        /// Tender.
        tender_id: String,
        /// The lots whose securities were refunded.
        lot_ids: Vec<String>,
        /// The bidders refunded.
        bidders: Vec<String>,
        /// Day (`YYYY-MM-DD`, China time).
        refunded_day: String,
    },
    /// An objection to the tender documents (条例 第二十二条): the tendering activity stops until the
    /// reply. The objector is sealed from the principal (招标投标法 第二十二条).
    DocumentObjectionRaised {
        /// Tender.
        tender_id: String,
        /// Objection id.
        objection_id: String,
        /// The objector.
        objector_credit_code: String,
        /// What it says.
        text: String,
        /// Day raised (`YYYY-MM-DD`).
        raised_day: String,
    },
    /// The principal answered an objection to the documents; when it was the last one open, the bid
    /// deadline moves out by the days the activity stood still.
    DocumentObjectionAnswered {
        /// Tender.
        tender_id: String,
        /// Objection id.
        objection_id: String,
        /// The reply.
        reply: String,
        /// Day answered (`YYYY-MM-DD`).
        answered_day: String,
        /// Whether within the reply period (3 days).
        in_time: bool,
        /// The deadline before, UTC ms.
        previous_deadline_ms: i64,
        /// The deadline after, UTC ms.
        bid_deadline_ms: i64,
        /// Why it moved (empty when it did not).
        extension_reason: String,
        /// Whether the objection was to the pre-qualification documents: then the deadlines above
        /// are the application deadline's (条例 第二十二条).
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        prequalification: bool,
    },
    /// A complaint about a tender reached the regulator (条例 第六十条).
    ComplaintFiled {
        /// Complaint id.
        complaint_id: String,
        /// Tender.
        tender_id: String,
        /// The complainant.
        complainant_credit_code: String,
        /// What it says.
        text: String,
        /// The day it knew or should have known (`YYYY-MM-DD`).
        known_on: String,
        /// Day filed (`YYYY-MM-DD`).
        filed_day: String,
    },
    /// The regulator accepted the complaint, or declined with a reason (条例 第六十一条).
    ComplaintAcceptanceDecided {
        /// Complaint id.
        complaint_id: String,
        /// Accepted for handling.
        accepted: bool,
        /// Why not (empty when accepted).
        reason: String,
        /// Day (`YYYY-MM-DD`).
        day: String,
        /// Within 3 working days of filing.
        in_time: bool,
    },
    /// The regulator decided the complaint in writing (条例 第六十一条).
    ComplaintDecided {
        /// Complaint id.
        complaint_id: String,
        /// Whether the complaint was upheld.
        upheld: bool,
        /// The decision.
        decision: String,
        /// Day (`YYYY-MM-DD`).
        day: String,
        /// Within 30 working days of acceptance.
        in_time: bool,
    },
    /// The tender became an invited one (邀请招标, 招标投标法 第十七条) on a ground of 条例 第八条.
    BiddersInvited {
        /// Tender.
        tender_id: String,
        /// The invited entities.
        invitees: Vec<String>,
        /// `few_bidders` or `cost_disproportionate` (条例 第八条第（一）、（二）项).
        ground: String,
        /// The approving authority's finding (审批、核准 or the regulator's 认定), as cited.
        approval_reference: String,
    },
    /// The pre-qualification notice went out (条例 第十五条至第十七条).
    PrequalificationPublished {
        /// Tender.
        tender_id: String,
        /// Last day the documents are on sale (`YYYY-MM-DD`).
        sale_ends_day: String,
        /// Application deadline, UTC ms.
        application_deadline_ms: i64,
    },
    /// An applicant applied for pre-qualification.
    PrequalificationApplied {
        /// Tender.
        tender_id: String,
        /// Applicant.
        applicant_credit_code: String,
    },
    /// The review's result (条例 第十八条、第十九条); with too few qualified the tender fails.
    PrequalificationRecorded {
        /// Tender.
        tender_id: String,
        /// Qualified applicants.
        qualified: Vec<String>,
        /// Rejected applicants and why.
        rejected: Vec<PqRejection>,
        /// Set when too few qualified: the tender fails and must be re-run.
        failed_reason: Option<String>,
    },
    /// The first-stage notice of a two-stage tender went out: technical proposals without prices
    /// until the deadline, and no bid security asked for (招标投标法实施条例 第三十条).
    TechnicalProposalsInvited {
        /// Tender.
        tender_id: String,
        /// Proposal deadline, UTC ms.
        proposal_deadline_ms: i64,
        /// What the proposals must address (published with the notice).
        requirements: String,
    },
    /// A potential bidder handed in (or replaced) its technical proposal.
    TechnicalProposalSubmitted {
        /// Tender.
        tender_id: String,
        /// The potential bidder.
        proposer_credit_code: String,
        /// The document's file name.
        file_name: String,
        /// Its size.
        size_bytes: i64,
        /// Its SM3 (hex), the blob address.
        document_sm3_hex: String,
    },
    /// The first stage closed: the technical standards the principal settled from the proposals,
    /// and who may take part in the second stage (第三十条第二款、第三款).
    TechnicalProposalsClosed {
        /// Tender.
        tender_id: String,
        /// The technical standards and requirements settled (published).
        technical_standards: String,
        /// The proposers, the only ones the second stage is open to.
        proposers: Vec<String>,
        /// Set when too few proposed for the second stage to reach the minimum of bids: the tender fails.
        failed_reason: Option<String>,
    },
    /// The regulator suspended the procedure while handling a complaint (条例 第六十二条).
    TenderSuspended {
        /// Tender.
        tender_id: String,
        /// Why.
        reason: String,
        /// The state it was suspended from.
        suspended_from: String,
    },
    /// The regulator let the procedure go on.
    TenderResumed {
        /// Tender.
        tender_id: String,
        /// Why.
        reason: String,
        /// The state it returned to.
        resumed_to: String,
    },
    /// A bid was decrypted at opening and its digest matched; its declared fields are now public.
    BidDecrypted {
        /// Tender.
        tender_id: String,
        /// Lot.
        lot_id: String,
        /// Bidder.
        bidder_credit_code: String,
        /// `bidder` (the bidder sent its data key) or `escrow` (the officials' quorum opened it).
        method: String,
        /// Fields the bidder declared in the envelope, JSON.
        declared_json: String,
        /// SM3 of each file of the bid, hex: identical files in different bidders' bids are a sign
        /// of collusion (条例 第四十条第（一）项、第（五）项); the digests reveal no content.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        file_sm3_hex: Vec<String>,
    },
    /// A bidder's attempt to decrypt failed (wrong key); the escrow quorum may still open the bid.
    BidDecryptionFailed {
        /// Tender.
        tender_id: String,
        /// Lot.
        lot_id: String,
        /// Bidder.
        bidder_credit_code: String,
        /// Why, in Chinese.
        reason: String,
    },
    /// Enough officials handed in their shares; the opening key was rebuilt in memory only.
    EscrowQuorumReached {
        /// Tender.
        tender_id: String,
        /// The officials whose shares were used.
        official_user_ids: Vec<String>,
    },
    /// The opening record (开标记录表), signed by the platform; the opening is closed.
    OpeningRecordSigned(OpeningRecordDetails),
    /// The evaluation committee of a lot was formed (招标投标法 第三十七条); names stay sealed from
    /// the public until the winner is decided.
    CommitteeFormed(CommitteeDetails),
    /// The committee's report for a lot: ranking, candidates, rejections (条例 第五十三条).
    EvaluationReported(EvaluationDetails),
    /// The committee rejected every bid of a lot (招标投标法 第四十二条).
    EvaluationFailed {
        /// Tender.
        tender_id: String,
        /// Lot.
        lot_id: String,
        /// Why, citing the article.
        reason: String,
        /// The rejected bids with their grounds.
        rejected: Vec<RejectedDetails>,
    },
    /// One act of the committee's work on a lot (sign-in, chair vote, signed scores, clarification,
    /// draft report, signature; `crate::award::EvaluationAct`).
    EvaluationWork(crate::award::EvaluationWork),
    /// The candidates were publicised (条例 第五十四条).
    CandidatesPublicized {
        /// Tender.
        tender_id: String,
        /// Lot.
        lot_id: String,
        /// First day of publicity (`YYYY-MM-DD`, China time); the period counts from the next day.
        start_day: String,
        /// The latest day the law allowed to start (3 days after the report).
        latest_start_day: String,
    },
    /// An objection to the result was raised during publicity; the clock stops (条例 第五十四条).
    ObjectionRaised {
        /// Tender.
        tender_id: String,
        /// Lot.
        lot_id: String,
        /// Objection id.
        objection_id: String,
        /// The objecting bidder.
        objector_credit_code: String,
        /// What it says.
        text: String,
        /// Day raised (`YYYY-MM-DD`).
        raised_day: String,
    },
    /// The principal answered an objection; the clock runs again.
    ObjectionAnswered {
        /// Tender.
        tender_id: String,
        /// Lot.
        lot_id: String,
        /// Objection id.
        objection_id: String,
        /// The reply.
        reply: String,
        /// Day answered (`YYYY-MM-DD`).
        answered_day: String,
    },
    /// The principal decided the winner (招标投标法 第四十条, 条例 第五十五条).
    AwardDecided {
        /// Tender.
        tender_id: String,
        /// Lot.
        lot_id: String,
        /// The winner.
        winner_credit_code: String,
        /// Its rank among the candidates.
        rank: i64,
        /// Whether state funds control or lead the project (the principal's declaration).
        state_funded: bool,
        /// On what basis (`first_candidate`, `next_candidate_or_retender`, `any_candidate`).
        basis: String,
    },
    /// The winner dropped out on one of the grounds of 条例 第五十五条.
    WinnerDropped {
        /// Tender.
        tender_id: String,
        /// Lot.
        lot_id: String,
        /// The bidder.
        bidder_credit_code: String,
        /// Ground identifier.
        ground: String,
    },
    /// The principal re-tenders the lot instead of taking the next candidate.
    LotRetendered {
        /// Tender.
        tender_id: String,
        /// Lot.
        lot_id: String,
        /// Why.
        reason: String,
    },
    /// The award letter went to the winner and the result to every other bidder (招标投标法 第四十五条).
    AwardLetterIssued {
        /// Tender.
        tender_id: String,
        /// Lot.
        lot_id: String,
        /// The winner.
        winner_credit_code: String,
        /// The bidders told the result.
        notified: Vec<String>,
        /// Day issued (`YYYY-MM-DD`).
        issued_day: String,
        /// Last day for the written contract (招标投标法 第四十六条); absent when the period reaches
        /// a year without holiday data.
        contract_due_day: Option<String>,
        /// The period's last day by counting alone.
        contract_counted_day: String,
    },
    /// The written contract was signed (招标投标法 第四十六条).
    ContractSigned {
        /// Tender.
        tender_id: String,
        /// Lot.
        lot_id: String,
        /// The winner.
        winner_credit_code: String,
        /// Contract amount, fen.
        amount_fen: i64,
        /// Performance bond, fen (0 when none).
        performance_bond_fen: i64,
        /// Day signed (`YYYY-MM-DD`).
        signed_day: String,
        /// Whether it was signed within the legal period.
        in_time: bool,
    },
    /// The principal recorded a subcontract of the contracted lot (招标投标法 第四十八条).
    SubcontractRecorded(SubcontractDetails),
    /// A bidder lodged its bid security for a lot (cash or an electronic guarantee), before the
    /// deadline, on its own stream (sealed from the principal until opening like the bid).
    SecurityLodged(SecurityDetails),
    /// A lot's securities were refunded (条例 第五十七条: within 5 days of the contract).
    SecuritiesRefunded {
        /// Tender.
        tender_id: String,
        /// Lot.
        lot_id: String,
        /// The bidders refunded.
        bidders: Vec<String>,
        /// Day (`YYYY-MM-DD`).
        refunded_day: String,
        /// The last legal day, when the calendar covers it.
        due_day: Option<String>,
        /// Whether it was in time.
        in_time: bool,
    },
    /// The written report on the tendering went to the regulator (招标投标法 第四十七条).
    RegulatorReported {
        /// Tender.
        tender_id: String,
        /// Lot.
        lot_id: String,
        /// Day (`YYYY-MM-DD`).
        reported_day: String,
        /// The last legal day (15 days after the winner was decided), when the calendar covers it.
        due_day: Option<String>,
        /// Whether it was in time.
        in_time: bool,
    },
    /// The lot's procedure is archived (归档): nothing more happens to it.
    LotArchived {
        /// Tender.
        tender_id: String,
        /// Lot.
        lot_id: String,
    },
    /// An expert joined the pool (专家库入库). Personal data: the event log is read only by the roles
    /// that keep or supervise the pool.
    ExpertRegistered(ExpertDetails),
    /// An expert's record changed (the whole record as it is now).
    ExpertUpdated(ExpertDetails),
    /// An expert's standing changed through the status table (`ggzy_domain::expert::EXPERT_TRANSITIONS`).
    ExpertStatusChanged {
        /// The expert.
        expert_id: String,
        /// `active`, `suspended` or `removed`.
        status: String,
        /// Why, as the keeper wrote it.
        reason: String,
        /// The article of the transition.
        source: String,
    },
    /// An expert draw for a lot was scheduled and its commitment published (docs/draw.md step 1);
    /// the secret stays sealed in an operational row until the draw.
    DrawScheduled(DrawScheduleDetails),
    /// The draw minute came but the log had not grown since its last signed head: this event makes a
    /// head signed after the draw minute possible (its public value, docs/draw.md step 3).
    DrawStarted {
        /// The draw.
        draw_id: String,
    },
    /// The draw was made: the secret revealed, the public value, the screened pool, the exclusions
    /// with their reasons and every pick with its stream position (docs/draw.md steps 2-4).
    DrawPerformed(DrawPerformedDetails),
    /// A drawn expert accepted or declined to sit.
    ExpertAnswered {
        /// The draw.
        draw_id: String,
        /// The expert.
        expert_id: String,
        /// Whether they will sit.
        accepted: bool,
        /// Why not (empty when accepted).
        reason: String,
    },
    /// A member who declined or did not answer was replaced by the next pick of the same stream
    /// (招标投标法实施条例 第四十六条第二款).
    ExpertReplaced {
        /// The draw.
        draw_id: String,
        /// The member replaced.
        replaced_expert_id: String,
        /// `declined` or `no_answer`.
        reason: String,
        /// The replacement's pick.
        pick: PickDetails,
        /// Stream values used after it.
        values_used: u64,
    },
    /// The principal or agency assessed a drawn expert's work on a lot (评标专家考核评价).
    ExpertAssessed(AssessmentDetails),
    /// A land-use rights or state-property sale was announced (出让公告 / 信息披露). The reserve price
    /// A government procurement was planned with its method (采购实施计划).
    ProcurementPlanned(crate::procurement::ProcurementPlan),
    /// A step of a procurement's transition table.
    ProcurementStepped {
        /// Procurement.
        procurement_id: String,
        /// Command identifier.
        command: String,
        /// State left.
        from: String,
        /// State reached.
        to: String,
        /// The article of the table's line.
        source: String,
        /// A new deadline for offers, UTC ms.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        offers_due_ms: Option<i64>,
        /// The end of a single-source publicity, UTC ms.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        publicity_ends_ms: Option<i64>,
        /// A price (single-source award, framework call-off), fen.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        price_fen: Option<i64>,
        /// A supplier (framework call-off).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        supplier_credit_code: Option<String>,
        /// The performance bond (履约保证金) at the contract's signing, fen.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        performance_bond_fen: Option<i64>,
        /// Why, or what was done (published with the step).
        #[serde(default)]
        reason: String,
    },
    /// The suppliers chosen to respond.
    ProcurementSuppliersInvited {
        /// Procurement.
        procurement_id: String,
        /// How they were chosen: `notice`, `library_draw` or `recommendation`.
        selection: String,
        /// The qualified candidates they were drawn from at random (empty: named directly).
        #[serde(default)]
        candidates: Vec<String>,
        /// Their credit codes.
        suppliers: Vec<String>,
    },
    /// A sealed offer (an SM3 commitment to price and salt).
    ProcurementOfferSealed {
        /// Procurement.
        procurement_id: String,
        /// Round (0: bids or responses; then final offers).
        round: u32,
        /// The supplier.
        supplier_credit_code: String,
        /// The commitment, hex.
        commitment_hex: String,
        /// Server time, UTC ms.
        at_ms: i64,
    },
    /// An offer opened against its commitment.
    ProcurementOfferOpened {
        /// Procurement.
        procurement_id: String,
        /// Round.
        round: u32,
        /// The supplier.
        supplier_credit_code: String,
        /// Price, fen.
        price_fen: i64,
        /// Its SME claim.
        sme: crate::procurement::SmeClaimRecord,
    },
    /// A move in a bid's abnormally-low-price review (异常低价, 87号令 第六十条).
    ProcurementPriceReviewed {
        /// Procurement.
        procurement_id: String,
        /// The supplier.
        supplier_credit_code: String,
        /// The move (`flag`, `request_explanation`, `accept_explanation`, `reject_explanation`,
        /// `miss_explanation`).
        command: String,
        /// The review's state after it.
        review: String,
        /// Why, or the explanation's gist.
        reason: String,
    },
    /// The committee's ranking.
    ProcurementEvaluated {
        /// Procurement.
        procurement_id: String,
        /// In rank order.
        ranking: Vec<crate::procurement::RankRecord>,
        /// Suppliers found non-compliant.
        #[serde(default)]
        non_compliant: Vec<String>,
        /// The committee or group.
        #[serde(default)]
        committee: Vec<crate::procurement::CommitteeMemberRecord>,
    },
    /// A winner (or an admitted framework supplier) at a price.
    ProcurementWinnerDetermined {
        /// Procurement.
        procurement_id: String,
        /// The supplier.
        supplier_credit_code: String,
        /// Price, fen.
        price_fen: i64,
    },
    /// An objection to a single-source publicity.
    ProcurementPublicityObjected {
        /// Procurement.
        procurement_id: String,
        /// Objection id.
        objection_id: String,
        /// The objecting supplier.
        objector_credit_code: String,
        /// What is objected to.
        text: String,
    },
    /// The purchaser's review of a publicity objection.
    ProcurementPublicityObjectionReviewed {
        /// Procurement.
        procurement_id: String,
        /// Objection id.
        objection_id: String,
        /// Whether upheld.
        upheld: bool,
        /// The reply.
        reply: String,
    },
    /// A supplier's question (询问).
    ProcurementQuestionAsked {
        /// Procurement.
        procurement_id: String,
        /// Question id.
        question_id: String,
        /// The supplier.
        supplier_credit_code: String,
        /// The question.
        text: String,
        /// The day asked.
        asked_on: String,
    },
    /// The purchaser's (or agency's) answer to a question.
    ProcurementQuestionAnswered {
        /// Procurement.
        procurement_id: String,
        /// Question id.
        question_id: String,
        /// The answer.
        reply: String,
        /// The day answered.
        answered_on: String,
    },
    /// A supplier objection (质疑).
    ProcurementObjectionFiled(crate::procurement::ObjectionRecord),
    /// The purchaser's reply to an objection.
    ProcurementObjectionAnswered {
        /// Procurement.
        procurement_id: String,
        /// Objection id.
        objection_id: String,
        /// Whether the objection was found justified.
        upheld: bool,
        /// The reply.
        reply: String,
        /// The day replied.
        answered_on: String,
    },
    /// A complaint (投诉) to the finance department.
    ProcurementComplaintFiled {
        /// Procurement.
        procurement_id: String,
        /// Complaint id.
        complaint_id: String,
        /// The objection it follows.
        objection_id: String,
        /// The complainant.
        supplier_credit_code: String,
        /// What is complained about.
        text: String,
        /// The day received (accepted that day if admissible).
        received_on: String,
    },
    /// The finance department stopped or restarted a complaint's decision clock (条例 第五十八条).
    ProcurementComplaintClockMoved {
        /// Procurement.
        procurement_id: String,
        /// Complaint id.
        complaint_id: String,
        /// Stopped (true) or restarted.
        stopped: bool,
        /// The day.
        on: String,
        /// Why it stopped (testing, expert review, correction).
        #[serde(default)]
        reason: String,
    },
    /// The finance department's decision on a complaint.
    ProcurementComplaintDecided {
        /// Procurement.
        procurement_id: String,
        /// Complaint id.
        complaint_id: String,
        /// Whether upheld.
        upheld: bool,
        /// Whether the unlawful act affects the result (条例 第七十一条).
        affects_result: bool,
        /// The decision published.
        decision: String,
        /// The day decided.
        decided_on: String,
    },
    /// is only a commitment (SM3) until the bidding ends.
    SaleAnnounced(crate::sale::SaleAnnouncement),
    /// A bidder applied to bid (竞买申请).
    SaleApplied {
        /// Sale.
        sale_id: String,
        /// The applicant.
        bidder_credit_code: String,
    },
    /// The trading center confirmed the applicant's deposit and qualification and gave it a paddle.
    SaleBidderAdmitted {
        /// Sale.
        sale_id: String,
        /// The bidder.
        bidder_credit_code: String,
        /// Its paddle number (竞买号牌), drawn at random.
        paddle: u32,
        /// The deposit received, fen.
        deposit_fen: i64,
        /// The bank's reference of the deposit.
        deposit_reference: String,
    },
    /// A bid was accepted (by paddle: bidders stay anonymous).
    SaleBidPlaced {
        /// Sale.
        sale_id: String,
        /// Paddle.
        paddle: u32,
        /// Price, fen.
        price_fen: i64,
        /// Server time of the bid, UTC ms.
        at_ms: i64,
    },
    /// The bidding was paused after a platform incident; the reason is published.
    SalePaused {
        /// Sale.
        sale_id: String,
        /// When, UTC ms.
        at_ms: i64,
        /// Why.
        reason: String,
    },
    /// The bidding goes on after a pause.
    SaleResumed {
        /// Sale.
        sale_id: String,
        /// When, UTC ms.
        at_ms: i64,
    },
    /// A listing period closed and two or more bidders go on to live bidding (现场竞价).
    SaleLiveBiddingOpened {
        /// Sale.
        sale_id: String,
        /// When, UTC ms.
        at_ms: i64,
        /// Scheduled end, UTC ms.
        ends_at_ms: i64,
        /// Countdown, ms.
        countdown_ms: i64,
        /// The paddles going on.
        paddles: Vec<u32>,
    },
    /// A sealed tender bid was handed in: only the SM3 commitment to its price (by paddle).
    SaleSealedBidSubmitted {
        /// Sale.
        sale_id: String,
        /// Paddle.
        paddle: u32,
        /// The commitment, hex (`reserve_commitment(price_fen, salt)` of docs/auction.md).
        commitment_hex: String,
        /// Server time, UTC ms.
        at_ms: i64,
    },
    /// A sealed tender bid was opened; its price and salt matched the commitment.
    SaleSealedBidOpened {
        /// Sale.
        sale_id: String,
        /// Paddle.
        paddle: u32,
        /// The price, fen.
        price_fen: i64,
        /// The salt, hex.
        salt_hex: String,
    },
    /// The tender's panel reported (评标).
    SaleTenderEvaluated {
        /// Sale.
        sale_id: String,
        /// The members, by name.
        panel: Vec<String>,
        /// `highest_price` or `comprehensive`.
        method: String,
        /// Comprehensive: each valid paddle's total score, hundredths of a point.
        scores: Vec<crate::sale::TenderScore>,
    },
    /// A listing period closed without live bidding.
    SaleListingClosed {
        /// Sale.
        sale_id: String,
        /// When, UTC ms.
        at_ms: i64,
    },
    /// The principal revealed the sealed reserve price; it matched the commitment.
    SaleReserveRevealed {
        /// Sale.
        sale_id: String,
        /// The reserve, fen.
        reserve_fen: i64,
        /// The salt, hex.
        salt_hex: String,
    },
    /// The deal was confirmed (成交确认书) and the result published with the buyer's name.
    SaleConfirmed {
        /// Sale.
        sale_id: String,
        /// The buyer.
        winner_credit_code: String,
        /// Its paddle.
        paddle: u32,
        /// The price, fen.
        price_fen: i64,
    },
    /// A losing bidder's deposit was refunded.
    SaleDepositRefunded {
        /// Sale.
        sale_id: String,
        /// The bidder.
        bidder_credit_code: String,
        /// The last day allowed (`YYYY-MM-DD`).
        due_date: String,
        /// After that day.
        late: bool,
    },
    /// An unsold property transfer was disclosed again under new terms (32号令 第十八条).
    SaleRepriced(crate::sale::SaleRepricing),
    /// A supervising authority recorded a penalty or a restriction against a market entity (信用记录).
    CreditRecorded(crate::credit::CreditRecordDetails),
    /// The authority revoked a credit record (overturned on review or in court).
    CreditRecordRevoked {
        /// The record.
        record_id: String,
        /// Why.
        reason: String,
    },
    /// The center registered a venue (场地: 开标室, 评标室).
    VenueRegistered(crate::venue::VenueDetails),
    /// The center booked a venue for a tender's opening or evaluation (场地预约).
    VenueBooked(crate::venue::VenueBookingDetails),
    /// The center cancelled a booking.
    VenueBookingCancelled {
        /// Venue.
        venue_id: String,
        /// Booking.
        booking_id: String,
        /// Why.
        reason: String,
    },
    /// The buyer and the principal signed the contract.
    SaleContractSigned {
        /// Sale.
        sale_id: String,
    },
    /// The trading centre received a payment of the price from the buyer.
    SalePaymentRecorded {
        /// Sale.
        sale_id: String,
        /// Amount, fen.
        amount_fen: i64,
        /// The bank's reference.
        reference: String,
        /// The last day of the statutory payment period (`YYYY-MM-DD`), if the ruleset sets one.
        due_date: String,
        /// After that day.
        late: bool,
    },
}

/// An expert's record as kept in the pool.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExpertDetails {
    /// Pool id (never changes: draws sort by it).
    pub expert_id: String,
    /// Name.
    pub name: String,
    /// Resident ID number (GB 11643), kept whole: the avoidance screen matches relations by it.
    pub resident_id: String,
    /// Region the expert belongs to (GB/T 2260).
    pub region_code: String,
    /// Phone for notifications.
    pub phone: String,
    /// The expert's user account, if linked (to read their record and answer draws).
    pub user_id: Option<String>,
    /// Employments, current and past.
    pub employments: Vec<EmploymentDetails>,
    /// First day of work in the field (`YYYY-MM-DD`).
    pub career_start: String,
    /// Specialty codes.
    pub specialties: Vec<String>,
    /// Titles and qualifications.
    pub qualifications: Vec<QualificationDetails>,
    /// `except_leave` or `only_within`.
    pub availability: String,
    /// The windows of `availability`: (start, end) UTC ms, end excluded.
    pub windows: Vec<(i64, i64)>,
    /// Penalties for misconduct in tendering or evaluation: (day `YYYY-MM-DD`, authority, what for).
    pub penalties: Vec<(String, String, String)>,
}

/// One employment of an expert.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmploymentDetails {
    /// The employer's credit code.
    pub employer_credit_code: String,
    /// First day (`YYYY-MM-DD`).
    pub from: String,
    /// Last day (`YYYY-MM-DD`); `None` while it lasts.
    pub until: Option<String>,
}

/// A title or qualification.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QualificationDetails {
    /// `intermediate`, `vice_senior`, `senior` or `practice`.
    pub level: String,
    /// Name.
    pub name: String,
    /// Certificate number.
    pub certificate_no: String,
    /// Last valid day (`YYYY-MM-DD`), if it expires.
    pub valid_until: Option<String>,
}

/// A scheduled draw as published before it is made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DrawScheduleDetails {
    /// Draw id.
    pub draw_id: String,
    /// Tender.
    pub tender_id: String,
    /// Lot.
    pub lot_id: String,
    /// The slots, in the order requested.
    pub slots: Vec<DrawSlotDetails>,
    /// Evaluation start, UTC ms.
    pub evaluation_start_ms: i64,
    /// Evaluation end, UTC ms.
    pub evaluation_end_ms: i64,
    /// The draw minute, UTC ms: the draw may be made from then on, and its public value is the
    /// first signed tree head at or after it.
    pub draw_at_ms: i64,
    /// Experts excluded by name on request, with the reason given.
    pub excluded_by_name: Vec<(String, String)>,
    /// Look-back for former employment, months (from the pinned ruleset).
    pub former_employment_months: u16,
    /// `SM3(COMMIT_TAG || lp(tender) || lp(lot) || lp(secret))`, hex.
    pub commitment_hex: String,
}

/// One slot of a draw request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DrawSlotDetails {
    /// Specialty code.
    pub specialty: String,
    /// Regions to draw from (empty: anywhere).
    pub include: Vec<String>,
    /// Regions never to draw from (remote cross-region draw: the project's region).
    pub exclude: Vec<String>,
    /// Members.
    pub count: u16,
    /// Reserves.
    pub reserves: u16,
}

/// A draw as made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DrawPerformedDetails {
    /// Draw id.
    pub draw_id: String,
    /// Tender.
    pub tender_id: String,
    /// Lot.
    pub lot_id: String,
    /// The revealed secret, hex.
    pub secret_hex: String,
    /// The public values in order, hex (the first is the encoded signed tree head).
    pub public_values_hex: Vec<String>,
    /// The signed tree head used as the first public value.
    pub tree_head: TreeHeadDetails,
    /// Position of the `DrawScheduled` event in the log (the head must be larger).
    pub commitment_position: i64,
    /// The eligible pool in canonical order (no names).
    pub pool: Vec<PoolEntryDetails>,
    /// Experts excluded by the avoidance screen, each with every reason.
    pub exclusions: Vec<ExclusionDetails>,
    /// Members and reserves, in the order drawn.
    pub picks: Vec<PickDetails>,
    /// Stream values used.
    pub values_used: u64,
}

/// A signed tree head as recorded in a draw.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TreeHeadDetails {
    /// Events covered.
    pub tree_size: i64,
    /// When signed, UTC ms.
    pub timestamp_ms: i64,
    /// Merkle root, hex.
    pub root_hash_hex: String,
    /// Platform SM2 signature (DER), hex.
    pub signature_hex: String,
}

/// One eligible expert as the draw sees them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PoolEntryDetails {
    /// Expert id.
    pub expert_id: String,
    /// Region.
    pub region_code: String,
    /// Specialty codes.
    pub specialties: Vec<String>,
}

/// An expert the screen excluded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExclusionDetails {
    /// Expert id.
    pub expert_id: String,
    /// Every reason: (code, Chinese description, legal source or empty).
    pub reasons: Vec<(String, String, String)>,
}

/// One pick.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PickDetails {
    /// Slot index in the request.
    pub slot: usize,
    /// `member`, `reserve` or `replacement`.
    pub role: String,
    /// Expert id.
    pub expert_id: String,
    /// Candidates there were.
    pub candidates: u64,
    /// Index chosen among them.
    pub index: u64,
    /// Stream values consumed before it.
    pub stream_position: u64,
}

/// A lot that failed at the deadline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LotFailure {
    /// Lot.
    pub lot_id: String,
    /// Why, citing the article.
    pub reason: String,
}

/// The signed opening record as recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpeningRecordDetails {
    /// Tender.
    pub tender_id: String,
    /// When the opening closed, UTC ms.
    pub closed_at_ms: i64,
    /// One line per bid.
    pub lines: Vec<OpeningLineDetails>,
    /// Platform SM2 signature over the `GGZY-OPENING-RECORD-V1` encoding, hex.
    pub signature_hex: String,
}

/// One bid's line of the opening record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpeningLineDetails {
    /// Lot.
    pub lot_id: String,
    /// Bidder.
    pub bidder_credit_code: String,
    /// `decrypted` or `failed`.
    pub status: String,
    /// `bidder` or `escrow`, empty when failed.
    pub method: String,
    /// Declared fields, JSON (`{}` when failed).
    pub declared_json: String,
    /// When the bid was received, UTC ms.
    pub received_at_ms: i64,
}

/// A tender as created.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TenderDetails {
    /// Tender id.
    pub tender_id: String,
    /// Region running it.
    pub region_code: String,
    /// Title.
    pub title: String,
    /// Principal's credit code.
    pub principal_credit_code: String,
    /// Agency's credit code, if entrusted.
    pub agency_credit_code: Option<String>,
    /// Ruleset pinned (`id@version`).
    pub ruleset: String,
    /// Lots.
    pub lots: Vec<LotDetails>,
    /// The registered project (its investment project code); absent in tenders recorded before
    /// projects were registered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub project_id: Option<String>,
}

/// A supervision alert as raised.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AlertDetails {
    /// Id (`{tender}-{lot}-{rule}-{n}`).
    pub alert_id: String,
    /// Region of the tender (whose regulators see it).
    pub region_code: String,
    /// Tender.
    pub tender_id: String,
    /// Lot.
    pub lot_id: String,
    /// The screen's rule code (`ggzy_analytics::collusion::Rule::code`).
    pub rule: String,
    /// The rule in Chinese.
    pub label: String,
    /// The article it points to.
    pub article: String,
    /// Score in thousandths.
    pub score_permille: i64,
    /// The bidders concerned.
    pub bidders: Vec<String>,
    /// Evidence rows: (what, value).
    pub evidence: Vec<(String, String)>,
}

/// A project as registered (项目登记).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProjectDetails {
    /// The investment project code (投资项目代码), also the project's id.
    pub project_id: String,
    /// Name.
    pub name: String,
    /// Region of the platform it is registered on.
    pub region_code: String,
    /// The principal (项目业主 / 招标人).
    pub principal_credit_code: String,
    /// Ruleset pinned (`id@version`).
    pub ruleset: String,
    /// 招标投标法 第三条第（一）项.
    pub public_interest: bool,
    /// 招标投标法 第三条第（三）项.
    pub foreign_loan_or_aid: bool,
    /// Total investment, fen.
    pub total_investment_fen: i64,
    /// Budget funds in it, fen.
    pub state_budget_funds_fen: i64,
    /// State-owned funds control or lead.
    pub state_controlled: bool,
    /// Procurement packages: (kind, estimate in fen).
    pub packages: Vec<PackageDetails>,
    /// A claimed exemption (ground identifier) and its justification.
    pub exemption: Option<(String, String)>,
    /// The project needs 审批/核准 (not only 备案).
    pub approval_required: bool,
    /// Proposed method (`open` / `invited`).
    pub method: String,
    /// Proposed organisation form (`entrusted` / `self`).
    pub organisation_form: String,
    /// For invited tendering of a state-funded project: the ground of 实施条例 第八条.
    pub invitation_ground: Option<String>,
}

/// One procurement package of a project.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PackageDetails {
    /// Kind (`works`, `goods`, `survey`, `design`, `supervision`).
    pub kind: String,
    /// Name.
    pub name: String,
    /// Contract estimate, fen.
    pub estimate_fen: i64,
}

/// A lot (标段).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LotDetails {
    /// Lot id within the tender.
    pub lot_id: String,
    /// Name.
    pub name: String,
}

/// One official's share of an opening key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EscrowShareRecord {
    /// The official.
    pub official_user_id: String,
    /// Share x-coordinate.
    pub share_index: u8,
    /// Serial of the official's certificate.
    pub cert_serial: String,
    /// Subject of the official's certificate.
    pub cert_subject: String,
    /// The share, SM2-encrypted (C1C3C2 DER) to that certificate, hex.
    pub encrypted_share_hex: String,
}

/// What the platform records of an accepted bid: never its content.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BidDetails {
    /// Tender.
    pub tender_id: String,
    /// Lot.
    pub lot_id: String,
    /// Bidder.
    pub bidder_credit_code: String,
    /// SM3 the bidder signed, hex.
    pub envelope_digest_hex: String,
    /// SM3 of the stored file (its blob address), hex.
    pub blob_sm3_hex: String,
    /// Size in bytes.
    pub size_bytes: i64,
    /// Serial of the bidder's certificate.
    pub cert_serial: String,
    /// When the bidder's tool sealed it (client clock).
    pub sealed_at_ms: i64,
    /// Client fingerprint: tool version.
    pub tool_version: String,
    /// Client fingerprint: SM3 of the machine id, hex.
    pub machine_id_hash_hex: String,
    /// Client fingerprint: SM3 of the MAC address, hex.
    pub mac_hash_hex: String,
    /// Submitting IP.
    pub client_ip: String,
    /// Server time at ingest, UTC ms.
    pub received_at_ms: i64,
}

/// An applicant that did not pass pre-qualification.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PqRejection {
    /// Applicant.
    pub applicant_credit_code: String,
    /// Why.
    pub reason: String,
}

/// A bid security as lodged.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecurityDetails {
    /// Tender.
    pub tender_id: String,
    /// Lot.
    pub lot_id: String,
    /// Bidder.
    pub bidder_credit_code: String,
    /// `cash` or `e_guarantee`.
    pub kind: String,
    /// Amount, fen.
    pub amount_fen: i64,
    /// Bank transfer reference or guarantee number.
    pub reference: String,
    /// Guarantee issuer; empty for cash.
    pub issuer: String,
    /// Last valid day of the guarantee (`YYYY-MM-DD`); empty for cash.
    pub valid_until: String,
    /// SM3 of the guarantee document, hex.
    pub document_sm3_hex: Option<String>,
}

/// A lot's evaluation committee as formed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommitteeDetails {
    /// Tender.
    pub tender_id: String,
    /// Lot.
    pub lot_id: String,
    /// The evaluation method of the tender documents (`lowest_evaluated_price`, `comprehensive_scoring`).
    pub method: String,
    /// Members.
    pub members: Vec<MemberDetails>,
    /// The scoring table of the tender documents (comprehensive scoring only).
    pub scoring_table: Option<ScoringTableDetails>,
}

/// A committee member.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberDetails {
    /// Name.
    pub name: String,
    /// `expert` or `principal_representative`.
    pub kind: String,
    /// The expert's id in the library, for an expert drawn from it: that expert signs in and acts
    /// on the committee through their own account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expert_id: Option<String>,
}

impl MemberDetails {
    /// The member's id on the committee: the expert id when drawn, the name otherwise.
    pub fn member_id(&self) -> &str {
        self.expert_id.as_deref().unwrap_or(&self.name)
    }
}

/// A subcontract of a contracted lot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubcontractDetails {
    /// Tender.
    pub tender_id: String,
    /// Lot.
    pub lot_id: String,
    /// The winner, who subcontracts.
    pub winner_credit_code: String,
    /// The subcontractor.
    pub subcontractor_credit_code: String,
    /// The (non-main, non-key) work.
    pub work: String,
    /// `contract` or `consent`.
    pub basis: String,
}

/// An assessment of an expert's work on one lot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssessmentDetails {
    /// The expert.
    pub expert_id: String,
    /// Tender.
    pub tender_id: String,
    /// Lot.
    pub lot_id: String,
    /// `excellent`, `good`, `adequate` or `unqualified`.
    pub rating: String,
    /// Remarks (required for `unqualified`).
    pub remarks: String,
    /// The user who assessed.
    pub assessed_by: String,
}

/// A fee for the documents and the costs it recovers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentFeeDetails {
    /// The fee, fen.
    pub fee_fen: i64,
    /// Printing cost per copy, fen.
    pub printing_cost_fen: i64,
    /// Postage per copy, fen.
    pub postage_cost_fen: i64,
}

/// The evaluation terms of the tender documents.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EvaluationTermsDetails {
    /// `lowest_evaluated_price` or `comprehensive_scoring`.
    pub method: String,
    /// The scoring table (comprehensive scoring only).
    pub scoring_table: Option<ScoringTableDetails>,
}

/// A scoring table as recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScoringTableDetails {
    /// Criteria.
    pub criteria: Vec<CriterionDetails>,
    /// `lowest_valid` or `average_valid`.
    pub benchmark: String,
    /// Price-score deduction per 100% above the benchmark, basis points.
    pub penalty_above_bp: i64,
    /// Price-score deduction per 100% below the benchmark, basis points.
    pub penalty_below_bp: i64,
}

/// One criterion of a scoring table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CriterionDetails {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Maximum, hundredths of a point.
    pub max_centipoints: i64,
    /// `price`, `technical` or `commercial`.
    pub kind: String,
}

/// A committee's report as recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EvaluationDetails {
    /// Tender.
    pub tender_id: String,
    /// Lot.
    pub lot_id: String,
    /// Method.
    pub method: String,
    /// Every bid that stands, ranked.
    pub ranking: Vec<RankedDetails>,
    /// The candidates (the first of the ranking, at most the ruleset's number).
    pub candidates: Vec<String>,
    /// Rejected bids with their grounds.
    pub rejected: Vec<RejectedDetails>,
    /// Bids flagged as abnormally low (asked to explain; not rejected by the flag).
    pub abnormally_low: Vec<String>,
    /// Fewer valid bids than the ruleset's minimum: the committee noted a lack of competition.
    pub competition_lacking: bool,
}

/// One ranked bid.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RankedDetails {
    /// Rank, 1-based.
    pub rank: i64,
    /// Bidder.
    pub bidder_credit_code: String,
    /// Bid price, fen.
    pub price_fen: i64,
    /// Evaluated price, fen.
    pub evaluated_price_fen: i64,
    /// Total score, hundredths of a point (comprehensive scoring only).
    pub total_centipoints: Option<i64>,
}

/// A rejected bid.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RejectedDetails {
    /// Bidder.
    pub bidder_credit_code: String,
    /// Ground identifiers (条例 第五十一条).
    pub grounds: Vec<String>,
}

/// The details of a market entity as recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntityDetails {
    /// 统一社会信用代码.
    pub credit_code: String,
    /// Registered name.
    pub name: String,
    /// Registration region.
    pub region_code: String,
    /// Legal representative's name.
    pub legal_rep_name: String,
    /// Legal representative's resident ID, masked: the full number is checked and then dropped.
    pub legal_rep_id_masked: String,
    /// Legal representative's person key (hex, `crate::entity::person_key`), so the person is
    /// recognised across entities; absent in events recorded before keys existed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub legal_rep_person_key: Option<String>,
    /// Contact person.
    pub contact_name: String,
    /// Contact phone.
    pub contact_phone: String,
    /// Address.
    pub address: String,
}

impl Event {
    /// The event type name stored in the `event_type` column.
    pub fn type_name(&self) -> &'static str {
        match self {
            Event::PlatformRegionEnabled { .. } => "PlatformRegionEnabled",
            Event::EntityRegistered(_) => "EntityRegistered",
            Event::EntityUpdated(_) => "EntityUpdated",
            Event::EntityMemberAdded { .. } => "EntityMemberAdded",
            Event::EntityRelationsDeclared(_) => "EntityRelationsDeclared",
            Event::UserCreated { .. } => "UserCreated",
            Event::RoleGranted { .. } => "RoleGranted",
            Event::PasswordSet { .. } => "PasswordSet",
            Event::OcdsImported { .. } => "OcdsImported",
            Event::OpeningObjectionRaised { .. } => "OpeningObjectionRaised",
            Event::OpeningObjectionAnswered { .. } => "OpeningObjectionAnswered",
            Event::ReferencePriceCommitted { .. } => "ReferencePriceCommitted",
            Event::ReferencePriceRevealed { .. } => "ReferencePriceRevealed",
            Event::AlertRaised(_) => "AlertRaised",
            Event::AlertReviewed { .. } => "AlertReviewed",
            Event::ProjectRegistered(_) => "ProjectRegistered",
            Event::ProjectApprovalRecorded { .. } => "ProjectApprovalRecorded",
            Event::SelfTenderingFiled { .. } => "SelfTenderingFiled",
            Event::TenderCreated(_) => "TenderCreated",
            Event::OpeningKeyCeremonyHeld { .. } => "OpeningKeyCeremonyHeld",
            Event::TenderNoticePublished { .. } => "TenderNoticePublished",
            Event::AmendmentIssued { .. } => "AmendmentIssued",
            Event::PrequalificationAmended { .. } => "PrequalificationAmended",
            Event::TechnicalProposalsInvited { .. } => "TechnicalProposalsInvited",
            Event::TechnicalProposalSubmitted { .. } => "TechnicalProposalSubmitted",
            Event::TechnicalProposalsClosed { .. } => "TechnicalProposalsClosed",
            Event::BidderRegistered { .. } => "BidderRegistered",
            Event::BidSubmitted(_) => "BidSubmitted",
            Event::BidWithdrawn { .. } => "BidWithdrawn",
            Event::OpeningStarted { .. } => "OpeningStarted",
            Event::TenderFailed { .. } => "TenderFailed",
            Event::TenderTerminated { .. } => "TenderTerminated",
            Event::TerminationRefunded { .. } => "TerminationRefunded",
            Event::WithdrawnSecurityRefunded { .. } => "WithdrawnSecurityRefunded",
            Event::TenderSuspended { .. } => "TenderSuspended",
            Event::PrequalificationPublished { .. } => "PrequalificationPublished",
            Event::BiddersInvited { .. } => "BiddersInvited",
            Event::ComplaintFiled { .. } => "ComplaintFiled",
            Event::ComplaintAcceptanceDecided { .. } => "ComplaintAcceptanceDecided",
            Event::ComplaintDecided { .. } => "ComplaintDecided",
            Event::DocumentObjectionRaised { .. } => "DocumentObjectionRaised",
            Event::DocumentObjectionAnswered { .. } => "DocumentObjectionAnswered",
            Event::PrequalificationApplied { .. } => "PrequalificationApplied",
            Event::PrequalificationRecorded { .. } => "PrequalificationRecorded",
            Event::TenderResumed { .. } => "TenderResumed",
            Event::BidDecrypted { .. } => "BidDecrypted",
            Event::BidDecryptionFailed { .. } => "BidDecryptionFailed",
            Event::EscrowQuorumReached { .. } => "EscrowQuorumReached",
            Event::OpeningRecordSigned(_) => "OpeningRecordSigned",
            Event::CommitteeFormed(_) => "CommitteeFormed",
            Event::EvaluationReported(_) => "EvaluationReported",
            Event::EvaluationFailed { .. } => "EvaluationFailed",
            Event::EvaluationWork(work) => work.act.name(),
            Event::CandidatesPublicized { .. } => "CandidatesPublicized",
            Event::ObjectionRaised { .. } => "ObjectionRaised",
            Event::ObjectionAnswered { .. } => "ObjectionAnswered",
            Event::AwardDecided { .. } => "AwardDecided",
            Event::WinnerDropped { .. } => "WinnerDropped",
            Event::LotRetendered { .. } => "LotRetendered",
            Event::AwardLetterIssued { .. } => "AwardLetterIssued",
            Event::ContractSigned { .. } => "ContractSigned",
            Event::SubcontractRecorded(_) => "SubcontractRecorded",
            Event::SecurityLodged(_) => "SecurityLodged",
            Event::SecuritiesRefunded { .. } => "SecuritiesRefunded",
            Event::RegulatorReported { .. } => "RegulatorReported",
            Event::LotArchived { .. } => "LotArchived",
            Event::ExpertRegistered(_) => "ExpertRegistered",
            Event::ExpertUpdated(_) => "ExpertUpdated",
            Event::ExpertStatusChanged { .. } => "ExpertStatusChanged",
            Event::DrawScheduled(_) => "DrawScheduled",
            Event::DrawStarted { .. } => "DrawStarted",
            Event::DrawPerformed(_) => "DrawPerformed",
            Event::ExpertAnswered { .. } => "ExpertAnswered",
            Event::ExpertReplaced { .. } => "ExpertReplaced",
            Event::ExpertAssessed(_) => "ExpertAssessed",
            Event::ProcurementPlanned(_) => "ProcurementPlanned",
            Event::ProcurementStepped { .. } => "ProcurementStepped",
            Event::ProcurementSuppliersInvited { .. } => "ProcurementSuppliersInvited",
            Event::ProcurementOfferSealed { .. } => "ProcurementOfferSealed",
            Event::ProcurementOfferOpened { .. } => "ProcurementOfferOpened",
            Event::ProcurementPriceReviewed { .. } => "ProcurementPriceReviewed",
            Event::ProcurementEvaluated { .. } => "ProcurementEvaluated",
            Event::ProcurementWinnerDetermined { .. } => "ProcurementWinnerDetermined",
            Event::ProcurementPublicityObjected { .. } => "ProcurementPublicityObjected",
            Event::ProcurementPublicityObjectionReviewed { .. } => "ProcurementPublicityObjectionReviewed",
            Event::ProcurementQuestionAsked { .. } => "ProcurementQuestionAsked",
            Event::ProcurementQuestionAnswered { .. } => "ProcurementQuestionAnswered",
            Event::ProcurementObjectionFiled(_) => "ProcurementObjectionFiled",
            Event::ProcurementObjectionAnswered { .. } => "ProcurementObjectionAnswered",
            Event::ProcurementComplaintFiled { .. } => "ProcurementComplaintFiled",
            Event::ProcurementComplaintClockMoved { .. } => "ProcurementComplaintClockMoved",
            Event::ProcurementComplaintDecided { .. } => "ProcurementComplaintDecided",
            Event::SaleAnnounced(_) => "SaleAnnounced",
            Event::SaleApplied { .. } => "SaleApplied",
            Event::SaleBidderAdmitted { .. } => "SaleBidderAdmitted",
            Event::SaleBidPlaced { .. } => "SaleBidPlaced",
            Event::SalePaused { .. } => "SalePaused",
            Event::SaleResumed { .. } => "SaleResumed",
            Event::SaleLiveBiddingOpened { .. } => "SaleLiveBiddingOpened",
            Event::SaleListingClosed { .. } => "SaleListingClosed",
            Event::SaleSealedBidSubmitted { .. } => "SaleSealedBidSubmitted",
            Event::SaleSealedBidOpened { .. } => "SaleSealedBidOpened",
            Event::SaleTenderEvaluated { .. } => "SaleTenderEvaluated",
            Event::SaleReserveRevealed { .. } => "SaleReserveRevealed",
            Event::SaleConfirmed { .. } => "SaleConfirmed",
            Event::SaleDepositRefunded { .. } => "SaleDepositRefunded",
            Event::SaleRepriced(_) => "SaleRepriced",
            Event::CreditRecorded(_) => "CreditRecorded",
            Event::CreditRecordRevoked { .. } => "CreditRecordRevoked",
            Event::VenueRegistered(_) => "VenueRegistered",
            Event::VenueBooked(_) => "VenueBooked",
            Event::VenueBookingCancelled { .. } => "VenueBookingCancelled",
            Event::SaleContractSigned { .. } => "SaleContractSigned",
            Event::SalePaymentRecorded { .. } => "SalePaymentRecorded",
        }
    }

    /// The JSON payload.
    pub fn to_payload(&self) -> String {
        // Serializing these plain structs cannot fail (string keys, no maps with non-string keys).
        serde_json::to_string(self).unwrap_or_default()
    }

    /// The projection updates this event causes; `at_ms` is when it was recorded and
    /// `stream_version` the version of its stream after it.
    pub fn projections(&self, at_ms: i64, stream_version: i64) -> Vec<ProjectionOp> {
        match self {
            Event::PlatformRegionEnabled { region_code, name, parent_code } => {
                vec![ProjectionOp::EnablePlatformRegion {
                    region_code: region_code.clone(),
                    name: name.clone(),
                    parent_code: parent_code.clone(),
                    enabled_at_ms: at_ms,
                }]
            }
            Event::EntityRegistered(details) => {
                vec![ProjectionOp::InsertEntity(entity_row(details, at_ms, at_ms, stream_version))]
            }
            // The registration time is kept by the UPDATE (it does not set registered_at_ms).
            Event::EntityUpdated(details) => {
                vec![ProjectionOp::UpdateEntity(entity_row(details, at_ms, at_ms, stream_version))]
            }
            Event::EntityMemberAdded { credit_code, user_id } => vec![
                ProjectionOp::AddEntityMember { credit_code: credit_code.clone(), user_id: user_id.clone() },
                ProjectionOp::SetEntityVersion { credit_code: credit_code.clone(), version: stream_version },
            ],
            Event::EntityRelationsDeclared(details) => vec![details.projection(at_ms)],
            Event::UserCreated { user_id, username, display_name, region_code } => vec![ProjectionOp::InsertUser {
                user_id: user_id.clone(),
                username: username.clone(),
                display_name: display_name.clone(),
                region_code: region_code.clone(),
                created_at_ms: at_ms,
            }],
            Event::RoleGranted { user_id, role, region_code } => vec![ProjectionOp::GrantRole {
                user_id: user_id.clone(),
                role: role.clone(),
                region_code: region_code.clone(),
            }],
            Event::PasswordSet { .. } => Vec::new(),
            Event::TenderCreated(_)
            | Event::OpeningKeyCeremonyHeld { .. }
            | Event::TenderNoticePublished { .. }
            | Event::AmendmentIssued { .. }
            | Event::PrequalificationAmended { .. }
            | Event::TechnicalProposalsInvited { .. }
            | Event::TechnicalProposalSubmitted { .. }
            | Event::TechnicalProposalsClosed { .. }
            | Event::BidderRegistered { .. }
            | Event::BidSubmitted(_)
            | Event::BidWithdrawn { .. }
            | Event::OpeningStarted { .. }
            | Event::TenderFailed { .. }
            | Event::TenderTerminated { .. }
            | Event::TerminationRefunded { .. }
            | Event::WithdrawnSecurityRefunded { .. }
            | Event::TenderSuspended { .. }
            | Event::TenderResumed { .. }
            | Event::PrequalificationPublished { .. }
            | Event::BiddersInvited { .. }
            | Event::DocumentObjectionRaised { .. }
            | Event::DocumentObjectionAnswered { .. }
            | Event::PrequalificationApplied { .. }
            | Event::PrequalificationRecorded { .. }
            | Event::BidDecrypted { .. }
            | Event::BidDecryptionFailed { .. }
            | Event::EscrowQuorumReached { .. }
            | Event::OpeningRecordSigned(_)
            | Event::SecurityLodged(_)
            | Event::SecuritiesRefunded { .. } => crate::tender_events::projections(self, at_ms, stream_version)
                .into_iter()
                .map(ProjectionOp::Tender)
                .collect(),
            Event::AlertRaised(details) => vec![ProjectionOp::Alert(AlertOp::Insert(AlertRow {
                alert_id: details.alert_id.clone(),
                region_code: details.region_code.clone(),
                tender_id: details.tender_id.clone(),
                lot_id: details.lot_id.clone(),
                rule: details.rule.clone(),
                score_permille: details.score_permille,
                state: "new".to_owned(),
                raised_at_ms: at_ms,
                updated_at_ms: at_ms,
                version: stream_version,
            }))],
            Event::AlertReviewed { alert_id, state, .. } => vec![ProjectionOp::Alert(AlertOp::SetState {
                alert_id: alert_id.clone(),
                state: state.clone(),
                updated_at_ms: at_ms,
                version: stream_version,
            })],
            // The imported releases are written with it (`crate::ocds_import`).
            Event::OcdsImported { .. } => Vec::new(),
            // A lot's award procedure is read by folding its own short stream (`crate::award`).
            Event::ReferencePriceCommitted { .. }
            | Event::ReferencePriceRevealed { .. }
            // Objections at the opening are read by folding their stream (`crate::opening_objection`).
            | Event::OpeningObjectionRaised { .. }
            | Event::OpeningObjectionAnswered { .. }
            | Event::CommitteeFormed(_)
            | Event::EvaluationReported(_)
            | Event::EvaluationFailed { .. }
            | Event::EvaluationWork(_)
            | Event::CandidatesPublicized { .. }
            | Event::ObjectionRaised { .. }
            | Event::ObjectionAnswered { .. }
            | Event::AwardDecided { .. }
            | Event::WinnerDropped { .. }
            | Event::LotRetendered { .. }
            | Event::AwardLetterIssued { .. }
            | Event::ContractSigned { .. }
            | Event::SubcontractRecorded(_)
            | Event::RegulatorReported { .. }
            | Event::LotArchived { .. }
            // A project is read by folding its own stream (`crate::project`).
            | Event::ProjectRegistered(_)
            | Event::ProjectApprovalRecorded { .. }
            | Event::SelfTenderingFiled { .. }
            // A complaint is read by folding its own stream (`crate::complaint`).
            | Event::ComplaintFiled { .. }
            | Event::ComplaintAcceptanceDecided { .. }
            | Event::ComplaintDecided { .. }
            // A draw is read by folding its own stream (`crate::expert::draw`).
            | Event::DrawScheduled(_)
            // A venue is read by folding its own stream (`crate::venue`).
            | Event::VenueRegistered(_)
            | Event::VenueBooked(_)
            | Event::VenueBookingCancelled { .. }
            | Event::DrawStarted { .. }
            | Event::DrawPerformed(_)
            | Event::ExpertAnswered { .. }
            | Event::ExpertReplaced { .. } => Vec::new(),
            // The pool needs lists and statistics: a read model.
            Event::ExpertRegistered(details) => {
                vec![ProjectionOp::Expert(ExpertOp::Insert(crate::expert::expert_row(details, at_ms, stream_version)))]
            }
            Event::ExpertUpdated(details) => {
                vec![ProjectionOp::Expert(ExpertOp::Update(crate::expert::expert_row(details, at_ms, stream_version)))]
            }
            Event::SaleAnnounced(announcement) => vec![ProjectionOp::PutSale(announcement.row(at_ms))],
            Event::ProcurementPlanned(plan) => vec![ProjectionOp::PutProcurement(plan.row(at_ms))],
            Event::ProcurementStepped { .. }
            | Event::ProcurementSuppliersInvited { .. }
            | Event::ProcurementOfferSealed { .. }
            | Event::ProcurementOfferOpened { .. }
            | Event::ProcurementPriceReviewed { .. }
            | Event::ProcurementEvaluated { .. }
            | Event::ProcurementWinnerDetermined { .. }
            | Event::ProcurementPublicityObjected { .. }
            | Event::ProcurementPublicityObjectionReviewed { .. }
            | Event::ProcurementQuestionAsked { .. }
            | Event::ProcurementQuestionAnswered { .. }
            | Event::ProcurementObjectionFiled(_)
            | Event::ProcurementObjectionAnswered { .. }
            | Event::ProcurementComplaintFiled { .. }
            | Event::ProcurementComplaintClockMoved { .. }
            | Event::ProcurementComplaintDecided { .. } => Vec::new(),
            Event::CreditRecorded(details) => vec![ProjectionOp::PutCreditRecord(details.row(at_ms))],
            Event::CreditRecordRevoked { record_id, reason } => vec![ProjectionOp::RevokeCreditRecord {
                record_id: record_id.clone(),
                reason: reason.clone(),
                at_ms,
            }],
            Event::SaleApplied { .. }
            | Event::SaleBidderAdmitted { .. }
            | Event::SaleBidPlaced { .. }
            | Event::SalePaused { .. }
            | Event::SaleResumed { .. }
            | Event::SaleLiveBiddingOpened { .. }
            | Event::SaleListingClosed { .. }
            | Event::SaleSealedBidSubmitted { .. }
            | Event::SaleSealedBidOpened { .. }
            | Event::SaleTenderEvaluated { .. }
            | Event::SaleReserveRevealed { .. }
            | Event::SaleConfirmed { .. }
            | Event::SaleDepositRefunded { .. }
            | Event::SaleRepriced(_)
            | Event::SaleContractSigned { .. }
            | Event::SalePaymentRecorded { .. } => Vec::new(),
            Event::ExpertAssessed(details) => vec![ProjectionOp::Expert(ExpertOp::PutAssessment(AssessmentRow {
                expert_id: details.expert_id.clone(),
                tender_id: details.tender_id.clone(),
                lot_id: details.lot_id.clone(),
                rating: details.rating.clone(),
                remarks: details.remarks.clone(),
                assessed_by: details.assessed_by.clone(),
                assessed_at_ms: at_ms,
            }))],
            Event::ExpertStatusChanged { expert_id, status, .. } => {
                vec![ProjectionOp::Expert(ExpertOp::SetStatus {
                    expert_id: expert_id.clone(),
                    status: status.clone(),
                    updated_at_ms: at_ms,
                    version: stream_version,
                })]
            }
        }
    }
}

fn entity_row(details: &EntityDetails, registered_at_ms: i64, updated_at_ms: i64, version: i64) -> EntityRow {
    EntityRow {
        credit_code: details.credit_code.clone(),
        name: details.name.clone(),
        region_code: details.region_code.clone(),
        legal_rep_name: details.legal_rep_name.clone(),
        legal_rep_id_masked: details.legal_rep_id_masked.clone(),
        legal_rep_person_key: details.legal_rep_person_key.clone(),
        contact_name: details.contact_name.clone(),
        contact_phone: details.contact_phone.clone(),
        address: details.address.clone(),
        registered_at_ms,
        updated_at_ms,
        version,
    }
}

/// Stream ids: one stream per aggregate.
pub mod stream {
    /// Stream of a market entity.
    pub fn entity(credit_code: &str) -> String {
        format!("entity-{credit_code}")
    }
    /// Stream of a user.
    pub fn user(user_id: &str) -> String {
        format!("user-{user_id}")
    }
    /// Stream of the objections raised at a tender's opening.
    pub fn opening_objection(tender_id: &str) -> String {
        format!("opening-objection-{tender_id}")
    }
    /// Stream of the imports of one OCDS file (by its SM3 digest).
    pub fn ocds_import(file_sm3_hex: &str) -> String {
        format!("ocds-import-{file_sm3_hex}")
    }
    /// Stream of a supervision alert.
    pub fn alert(alert_id: &str) -> String {
        format!("alert-{alert_id}")
    }
    /// Stream of a project (its id is the investment project code, so a code registers once).
    pub fn project(project_id: &str) -> String {
        format!("project-{project_id}")
    }
    /// Stream of a tender.
    pub fn tender(tender_id: &str) -> String {
        format!("tender-{tender_id}")
    }
    /// Stream of one bidder's registration and bids for one lot (no two bidders share a stream).
    pub fn bidder(tender_id: &str, lot_id: &str, credit_code: &str) -> String {
        format!("bid-{tender_id}-{lot_id}-{credit_code}")
    }
    /// Stream of one complaint to the regulator.
    pub fn complaint(complaint_id: &str) -> String {
        format!("complaint-{complaint_id}")
    }
    /// Stream of one applicant's pre-qualification application.
    pub fn applicant(tender_id: &str, credit_code: &str) -> String {
        format!("pq-{tender_id}-{credit_code}")
    }
    /// Stream of one potential bidder's technical proposal in a two-stage tender's first stage.
    pub fn proposer(tender_id: &str, credit_code: &str) -> String {
        format!("proposal-{tender_id}-{credit_code}")
    }
    /// Stream of one lot's award procedure after opening (committee to contract).
    pub fn lot(tender_id: &str, lot_id: &str) -> String {
        format!("lot-{tender_id}-{lot_id}")
    }
    /// Stream of a land-use rights or state-property sale: applications, admissions, bids, outcome.
    pub fn sale(sale_id: &str) -> String {
        format!("sale-{sale_id}")
    }
    /// Stream of a government procurement.
    pub fn procurement(procurement_id: &str) -> String {
        format!("procurement-{procurement_id}")
    }
    /// Stream of a venue and its bookings.
    pub fn venue(venue_id: &str) -> String {
        format!("venue-{venue_id}")
    }
    /// Stream of a credit record (penalty or restriction) and its revocation.
    pub fn credit(record_id: &str) -> String {
        format!("credit-{record_id}")
    }
    /// Stream of an expert of the pool.
    pub fn expert(expert_id: &str) -> String {
        format!("expert-{expert_id}")
    }
    /// Stream of one assessment of an expert's work on a lot (one per expert and lot).
    pub fn expert_assessment(expert_id: &str, tender_id: &str, lot_id: &str) -> String {
        format!("expert-assessment-{expert_id}-{tender_id}-{lot_id}")
    }
    /// Stream of one expert draw (scheduled, made, answered, replacements).
    pub fn draw(draw_id: &str) -> String {
        format!("draw-{draw_id}")
    }
    /// Stream of a platform region.
    pub fn platform_region(region_code: &str) -> String {
        format!("region-{region_code}")
    }
}

use ggzy_store::{AppendRequest, Appended, ExpectedVersion, NewEvent};

use crate::App;
use crate::actor::Actor;
use crate::error::AppResult;

/// A day an event recorded as `YYYY-MM-DD` (the app writes them; a bad one would be a bug, read as
/// the epoch day rather than failing a read).
pub(crate) fn recorded_day(text: &str) -> jiff::civil::Date {
    text.parse().unwrap_or_default()
}

/// An event bound for a stream.
#[derive(Debug, Clone)]
pub struct Recorded {
    /// The stream.
    pub stream_id: String,
    /// Region (tenant) of the event.
    pub region_code: String,
    /// The event.
    pub event: Event,
}

impl App {
    /// Appends events with the projections they cause, plus `extra` operational writes, atomically.
    /// Streams with an exact expectation get their projected version computed from it.
    pub(crate) async fn record(
        &self,
        actor: &Actor,
        expected: Vec<(String, ExpectedVersion)>,
        events: Vec<Recorded>,
        extra: Vec<ProjectionOp>,
    ) -> AppResult<Appended> {
        let (before, after) = (Vec::new(), extra);
        self.record_with(actor, expected, before, events, after).await
    }

    /// Like [`App::record`], with `guards` applied before the events' own projections: a guard
    /// checks the state the events start from (e.g. the tender is still bidding), inside the same
    /// transaction.
    pub(crate) async fn record_guarded(
        &self,
        actor: &Actor,
        expected: Vec<(String, ExpectedVersion)>,
        guards: Vec<ProjectionOp>,
        events: Vec<Recorded>,
    ) -> AppResult<Appended> {
        self.record_with(actor, expected, guards, events, Vec::new()).await
    }

    async fn record_with(
        &self,
        actor: &Actor,
        expected: Vec<(String, ExpectedVersion)>,
        before: Vec<ProjectionOp>,
        events: Vec<Recorded>,
        extra: Vec<ProjectionOp>,
    ) -> AppResult<Appended> {
        let at_ms = self.now_ms();
        let mut next_versions: std::collections::HashMap<&str, i64> = expected
            .iter()
            .filter_map(|(stream, version)| match version {
                ExpectedVersion::NoStream => Some((stream.as_str(), 1)),
                ExpectedVersion::Exactly(v) => Some((stream.as_str(), v + 1)),
                ExpectedVersion::Any => None,
            })
            .collect();
        let mut projections = before;
        let mut new_events = Vec::with_capacity(events.len());
        for recorded in &events {
            let version = next_versions.get(recorded.stream_id.as_str()).copied().unwrap_or(0);
            if let Some(next) = next_versions.get_mut(recorded.stream_id.as_str()) {
                *next += 1;
            }
            projections.extend(recorded.event.projections(at_ms, version));
            new_events.push(NewEvent {
                stream_id: recorded.stream_id.clone(),
                event_type: recorded.event.type_name().to_owned(),
                region_code: recorded.region_code.clone(),
                payload: recorded.event.to_payload(),
            });
        }
        projections.extend(extra);
        let request = AppendRequest {
            actor: actor.user_id.clone(),
            recorded_at_ms: at_ms,
            expected,
            events: new_events,
            projections,
        };
        let appended = self.store.append(request).await?;
        for tender_id in events.iter().filter_map(|recorded| recorded.event.opening_tender()) {
            self.opening_hall.touch(tender_id);
        }
        Ok(appended)
    }
}
