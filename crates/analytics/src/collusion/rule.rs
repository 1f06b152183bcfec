//! The screens' rules, their legal basis, and the flags they raise.

/// What a flag is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Rule {
    /// Bid files sealed on the same machine (same machine id).
    SameMachine,
    /// Bid files sealed on machines with the same network card (MAC).
    SameNetworkCard,
    /// Bids submitted from the same network address.
    SameSubmissionAddress,
    /// Bid securities paid from the same account.
    SameDepositAccount,
    /// The same contact phone.
    SameContactPhone,
    /// The same legal representative.
    SameLegalRepresentative,
    /// The same project manager named in the bids.
    SameProjectManager,
    /// The same file in different bidders' bids.
    SameFile,
    /// Two or more bids at exactly the same price.
    IdenticalPrices,
    /// Three or more prices in arithmetic progression (equal gaps).
    RegularPriceGaps,
    /// The prices vary less than honest competition makes likely (coefficient of variation).
    LowPriceDispersion,
    /// The lowest bid stands far below a tight cluster of the others (relative distance).
    LoneLowBid,
    /// The prices form a tight cluster with outliers (high kurtosis).
    HighKurtosis,
}

impl Rule {
    /// Stable identifier.
    pub fn code(self) -> &'static str {
        match self {
            Rule::SameMachine => "same_machine",
            Rule::SameNetworkCard => "same_network_card",
            Rule::SameSubmissionAddress => "same_submission_address",
            Rule::SameDepositAccount => "same_deposit_account",
            Rule::SameContactPhone => "same_contact_phone",
            Rule::SameLegalRepresentative => "same_legal_representative",
            Rule::SameProjectManager => "same_project_manager",
            Rule::SameFile => "same_file",
            Rule::IdenticalPrices => "identical_prices",
            Rule::RegularPriceGaps => "regular_price_gaps",
            Rule::LowPriceDispersion => "low_price_dispersion",
            Rule::LoneLowBid => "lone_low_bid",
            Rule::HighKurtosis => "high_kurtosis",
        }
    }

    /// The Chinese name.
    pub fn label(self) -> &'static str {
        match self {
            Rule::SameMachine => "投标文件由同一台计算机制作",
            Rule::SameNetworkCard => "投标文件制作计算机网卡地址相同",
            Rule::SameSubmissionAddress => "投标文件从同一网络地址递交",
            Rule::SameDepositAccount => "投标保证金从同一账户转出",
            Rule::SameContactPhone => "联系电话相同",
            Rule::SameLegalRepresentative => "法定代表人为同一人",
            Rule::SameProjectManager => "项目管理成员为同一人",
            Rule::SameFile => "不同投标人的投标文件含有相同文件",
            Rule::IdenticalPrices => "投标报价完全相同",
            Rule::RegularPriceGaps => "投标报价呈等差规律",
            Rule::LowPriceDispersion => "投标报价离散程度异常小",
            Rule::LoneLowBid => "最低报价远离其余报价的紧密集群",
            Rule::HighKurtosis => "投标报价分布峰度异常高",
        }
    }

    /// The article it points to.
    pub fn article(self) -> &'static str {
        match self {
            Rule::SameMachine | Rule::SameNetworkCard => "招标投标法实施条例 第四十条第（一）项",
            Rule::SameSubmissionAddress | Rule::SameContactPhone => "招标投标法实施条例 第四十条第（二）项",
            Rule::SameProjectManager => "招标投标法实施条例 第四十条第（三）项",
            Rule::SameFile => "招标投标法实施条例 第四十条第（一）项、第（五）项",
            Rule::IdenticalPrices | Rule::RegularPriceGaps => "招标投标法实施条例 第四十条第（四）项",
            Rule::SameDepositAccount => "招标投标法实施条例 第四十条第（六）项",
            Rule::SameLegalRepresentative => "招标投标法实施条例 第三十四条第二款",
            Rule::LowPriceDispersion | Rule::LoneLowBid | Rule::HighKurtosis => {
                "招标投标法实施条例 第三十九条第（一）项"
            }
        }
    }
}

/// One row of evidence: what it is, and its value as recorded.
#[derive(Clone, Debug, PartialEq)]
pub struct Evidence {
    /// What (e.g. `machine_id_hash`, `price_fen`, `coefficient_of_variation`).
    pub what: String,
    /// The value.
    pub value: String,
}

/// A red flag on a lot.
#[derive(Clone, Debug, PartialEq)]
pub struct Flag {
    /// The rule.
    pub rule: Rule,
    /// How strong, in [0, 1]: 1 for a shared trace or identical prices, graded for statistics.
    pub score: f64,
    /// The bidders concerned (credit codes, sorted).
    pub bidders: Vec<String>,
    /// The evidence.
    pub evidence: Vec<Evidence>,
}
