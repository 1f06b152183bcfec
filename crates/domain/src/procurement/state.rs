//! The states and commands every procurement method's table is written in. One vocabulary for all
//! seven methods: a method differs from another only by the lines of its table
//! ([`super::transitions`]), never by its enums.

/// Where a procurement procedure stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ProcurementState {
    /// The implementation plan is filed (采购实施计划); nothing is public yet.
    Planned,
    /// Waiting for the finance department's approval of a method other than open tender
    /// (政府采购法 第二十七条; 条例 第二十三条).
    MethodApproval,
    /// The method is approved; the procedure may start.
    Approved,
    /// Single source: the justification and the supplier are publicised; objections are heard
    /// (条例 第三十八条).
    Publicity,
    /// Suppliers are being chosen: by notice, by a draw from the supplier library, or by written
    /// recommendation.
    Inviting,
    /// Documents are out and bids or responses are accepted until the deadline.
    Bidding,
    /// The bid opening is running (tenders only).
    Opening,
    /// Qualification and compliance review (资格审查、符合性审查).
    Review,
    /// Negotiation or consultation with one supplier at a time (谈判、磋商), or the price talks of a
    /// single source.
    Negotiating,
    /// Final offers (最后报价) are being collected.
    FinalOffers,
    /// The committee or group evaluates (评审).
    Evaluating,
    /// The evaluation report is with the purchaser.
    Reported,
    /// The winner (中标、成交供应商) is determined; for a framework agreement, the suppliers admitted.
    Awarded,
    /// The result is published and the award notice sent.
    ResultPublished,
    /// The contract (or the framework agreement) is signed.
    Contracted,
    /// The contract is published.
    ContractPublished,
    /// The performance is accepted (验收书).
    Accepted,
    /// Failed (废标, or the termination of a non-tender method for want of suppliers); a new
    /// procedure follows, see [`super::supplier_shortfall`].
    Failed,
    /// Terminated (终止): the task is cancelled.
    Terminated,
    /// Suspended by the finance department while it handles a complaint (政府采购法 第五十七条).
    Suspended,
    /// Contract signing held, or performance suspended, while an inquiry or challenge that may affect
    /// the result is handled (条例 第五十四条).
    ContractHeld,
}

impl ProcurementState {
    /// Every state.
    pub const ALL: [ProcurementState; 21] = [
        ProcurementState::Planned,
        ProcurementState::MethodApproval,
        ProcurementState::Approved,
        ProcurementState::Publicity,
        ProcurementState::Inviting,
        ProcurementState::Bidding,
        ProcurementState::Opening,
        ProcurementState::Review,
        ProcurementState::Negotiating,
        ProcurementState::FinalOffers,
        ProcurementState::Evaluating,
        ProcurementState::Reported,
        ProcurementState::Awarded,
        ProcurementState::ResultPublished,
        ProcurementState::Contracted,
        ProcurementState::ContractPublished,
        ProcurementState::Accepted,
        ProcurementState::Failed,
        ProcurementState::Terminated,
        ProcurementState::Suspended,
        ProcurementState::ContractHeld,
    ];

    /// Identifier stored in projections and shown by the API.
    pub fn as_str(self) -> &'static str {
        match self {
            ProcurementState::Planned => "planned",
            ProcurementState::MethodApproval => "method_approval",
            ProcurementState::Approved => "approved",
            ProcurementState::Publicity => "publicity",
            ProcurementState::Inviting => "inviting",
            ProcurementState::Bidding => "bidding",
            ProcurementState::Opening => "opening",
            ProcurementState::Review => "review",
            ProcurementState::Negotiating => "negotiating",
            ProcurementState::FinalOffers => "final_offers",
            ProcurementState::Evaluating => "evaluating",
            ProcurementState::Reported => "reported",
            ProcurementState::Awarded => "awarded",
            ProcurementState::ResultPublished => "result_published",
            ProcurementState::Contracted => "contracted",
            ProcurementState::ContractPublished => "contract_published",
            ProcurementState::Accepted => "accepted",
            ProcurementState::Failed => "failed",
            ProcurementState::Terminated => "terminated",
            ProcurementState::Suspended => "suspended",
            ProcurementState::ContractHeld => "contract_held",
        }
    }

    /// Parses an identifier.
    pub fn parse(text: &str) -> Option<ProcurementState> {
        ProcurementState::ALL.into_iter().find(|state| state.as_str() == text)
    }

    /// The Chinese name shown to users.
    pub fn label(self) -> &'static str {
        match self {
            ProcurementState::Planned => "采购实施计划已备案",
            ProcurementState::MethodApproval => "采购方式待批准",
            ProcurementState::Approved => "采购方式已批准",
            ProcurementState::Publicity => "单一来源公示中",
            ProcurementState::Inviting => "确定邀请供应商",
            ProcurementState::Bidding => "递交投标（响应）文件中",
            ProcurementState::Opening => "开标中",
            ProcurementState::Review => "资格审查和符合性审查中",
            ProcurementState::Negotiating => "谈判（磋商）中",
            ProcurementState::FinalOffers => "最后报价中",
            ProcurementState::Evaluating => "评审中",
            ProcurementState::Reported => "评审报告已送交采购人",
            ProcurementState::Awarded => "中标（成交）供应商已确定",
            ProcurementState::ResultPublished => "结果已公告",
            ProcurementState::Contracted => "合同已签订",
            ProcurementState::ContractPublished => "合同已公告",
            ProcurementState::Accepted => "已验收",
            ProcurementState::Failed => "废标（采购失败）",
            ProcurementState::Terminated => "已终止",
            ProcurementState::Suspended => "暂停采购活动（财政部门处理投诉期间）",
            ProcurementState::ContractHeld => "暂停签订（中止履行）合同",
        }
    }
}

/// What someone asks a procurement procedure to do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ProcurementCommand {
    /// Ask the finance department to approve a method other than open tender.
    SubmitForApproval,
    /// The finance department approves.
    Approve,
    /// The finance department refuses.
    RefuseApproval,
    /// Publicise a single-source justification.
    StartPublicity,
    /// Record an objection to the publicity and its review.
    ReviewObjection,
    /// Close the publicity.
    ClosePublicity,
    /// Start choosing suppliers (notice, library draw or recommendation).
    InviteSuppliers,
    /// Publish the notice and issue the documents (open tender, framework agreement).
    PublishNotice,
    /// Issue the documents to the chosen suppliers.
    IssueDocuments,
    /// Issue a clarification or amendment (澄清或者修改).
    IssueClarification,
    /// Open the bids at the deadline.
    StartOpening,
    /// Close the opening; the review starts.
    CloseOpening,
    /// The review is complete; evaluation starts.
    CompleteReview,
    /// Close the responses of a one-shot procedure (inquiry quotes, framework applications).
    CloseResponses,
    /// Start negotiating or consulting.
    StartNegotiation,
    /// Ask for final offers.
    RequestFinalOffers,
    /// Close the final offers; evaluation starts.
    CloseFinalOffers,
    /// Hand the evaluation report to the purchaser.
    SubmitReport,
    /// Determine the winner.
    DetermineWinner,
    /// Publish the result and send the award notice.
    PublishResult,
    /// The winner refused to sign: determine the next candidate in rank.
    NextCandidate,
    /// Sign the contract (or the framework agreement).
    SignContract,
    /// Publish the contract.
    PublishContract,
    /// Record the acceptance of the performance.
    RecordAcceptance,
    /// Call a purchase off a framework agreement (second stage).
    CallOff,
    /// Declare the procedure failed.
    DeclareFailed,
    /// Terminate the procedure.
    Terminate,
    /// The finance department suspends the procurement.
    Suspend,
    /// The suspension ends.
    Resume,
    /// Hold the contract while an inquiry or challenge that may affect the result is handled.
    HoldContract,
    /// Release the hold.
    ReleaseContract,
    /// A complaint decision voids the result: another qualified candidate is determined
    /// (条例 第七十一条第（二）、（三）项).
    ReviseResult,
}

impl ProcurementCommand {
    /// The Chinese name shown in errors.
    pub fn label(self) -> &'static str {
        match self {
            ProcurementCommand::SubmitForApproval => "报请批准采购方式",
            ProcurementCommand::Approve => "批准采购方式",
            ProcurementCommand::RefuseApproval => "不予批准采购方式",
            ProcurementCommand::StartPublicity => "发布单一来源公示",
            ProcurementCommand::ReviewObjection => "处理公示异议",
            ProcurementCommand::ClosePublicity => "结束公示",
            ProcurementCommand::InviteSuppliers => "确定邀请供应商",
            ProcurementCommand::PublishNotice => "发布采购公告",
            ProcurementCommand::IssueDocuments => "发出采购文件",
            ProcurementCommand::IssueClarification => "发出澄清或者修改",
            ProcurementCommand::StartOpening => "开标",
            ProcurementCommand::CloseOpening => "结束开标",
            ProcurementCommand::CompleteReview => "完成资格审查和符合性审查",
            ProcurementCommand::CloseResponses => "截止接收响应文件",
            ProcurementCommand::StartNegotiation => "开始谈判（磋商）",
            ProcurementCommand::RequestFinalOffers => "要求提交最后报价",
            ProcurementCommand::CloseFinalOffers => "截止接收最后报价",
            ProcurementCommand::SubmitReport => "送交评审报告",
            ProcurementCommand::DetermineWinner => "确定中标（成交）供应商",
            ProcurementCommand::PublishResult => "公告结果并发出通知书",
            ProcurementCommand::NextCandidate => "依次确定下一候选人",
            ProcurementCommand::SignContract => "签订合同",
            ProcurementCommand::PublishContract => "公告合同",
            ProcurementCommand::RecordAcceptance => "登记验收",
            ProcurementCommand::CallOff => "确定第二阶段成交供应商",
            ProcurementCommand::DeclareFailed => "宣布废标（终止采购活动）",
            ProcurementCommand::Terminate => "终止采购",
            ProcurementCommand::Suspend => "暂停采购活动",
            ProcurementCommand::Resume => "恢复采购活动",
            ProcurementCommand::HoldContract => "暂停签订（中止履行）合同",
            ProcurementCommand::ReleaseContract => "恢复签订（履行）合同",
            ProcurementCommand::ReviseResult => "另行确定中标（成交）供应商",
        }
    }

    /// Commands with one line per target state: going back to where a suspension or hold came from.
    pub fn returns_to_origin(self) -> bool {
        matches!(self, ProcurementCommand::Resume | ProcurementCommand::ReleaseContract)
    }
}
