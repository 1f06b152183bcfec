//! Related bidders of one lot (招标投标法实施条例 第三十四条): the register's facts around the
//! bidders, grouped by the pure rule in `ggzy_domain::related_bidders`. The evaluation calls it
//! and, under 第三款, treats every bid of a group as invalid.

use ggzy_domain::CreditCode;
use ggzy_domain::related_bidders::related_groups;

pub use ggzy_domain::related_bidders::{RelatedEvidence, RelatedGroup};

use crate::App;
use crate::error::{AppError, AppResult};

impl App {
    /// The groups of related bidders among `bidders` (credit codes of one lot's bids), each with
    /// its evidence and article, sorted by their first bidder; empty when none are related.
    /// `tender_id` and `lot_id` only name the lot in an error. Public so that the HTTP tests can
    /// check it against the register without going through an evaluation.
    pub async fn related_bidder_groups(
        &self,
        tender_id: &str,
        lot_id: &str,
        bidders: &[String],
    ) -> AppResult<Vec<RelatedGroup>> {
        let bidders = bidders
            .iter()
            .map(|code| {
                CreditCode::parse(code).map_err(|e| {
                    AppError::Internal(format!("bidder {code} of {tender_id} lot {lot_id}: bad credit code: {e}"))
                })
            })
            .collect::<AppResult<Vec<_>>>()?;
        let relations = self.party_relations(&bidders).await?;
        Ok(related_groups(&bidders, &relations))
    }
}
