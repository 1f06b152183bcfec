//! Government procurements for the OCDS export (`ggzy export --ocds`): the same published facts the
//! portal shows, in the shape of the pure mapping ([`ggzy_analytics::ocds_release`]). One lot per
//! procurement; offers appear once their deadline passed (sealed before it), with the price once
//! opened; the winners (every admitted supplier of a framework agreement) and the contract once
//! signed.

use ggzy_analytics::ocds_release::{Award, Bid, Contract, Lot, Procedure};
use ggzy_domain::procurement::{ProcurementMethod, ProcurementState};

use crate::App;
use crate::error::{AppError, AppResult};

/// The lot id of a procurement's single lot.
const LOT: &str = "1";

/// OCDS `procurementMethod` of a method: open tenders and framework notices are open to all;
/// invited tenders select by qualification; negotiation, consultation and quotation invite
/// suppliers the purchaser chooses; single source is direct.
fn ocds_method(method: ProcurementMethod) -> &'static str {
    match method {
        ProcurementMethod::OpenTender | ProcurementMethod::FrameworkAgreement => "open",
        ProcurementMethod::InvitedTender => "selective",
        ProcurementMethod::CompetitiveNegotiation
        | ProcurementMethod::CompetitiveConsultation
        | ProcurementMethod::Inquiry => "limited",
        ProcurementMethod::SingleSource => "direct",
    }
}

impl App {
    /// Every procurement, oldest first, with `{ocid_prefix}-{procurement id}` as its ocid.
    pub(crate) async fn ocds_procurements(&self, ocid_prefix: &str) -> AppResult<Vec<Procedure>> {
        let mut rows = self.store.procurements(i64::MAX).await?;
        rows.reverse();
        let mut out = Vec::with_capacity(rows.len());
        for row in rows {
            out.push(self.ocds_procurement(ocid_prefix, &row.procurement_id).await?);
        }
        Ok(out)
    }

    async fn ocds_procurement(&self, ocid_prefix: &str, procurement_id: &str) -> AppResult<Procedure> {
        let view = self.procurement(procurement_id).await?;
        let loaded = self.procurement_loaded(procurement_id).await?;
        let procedure = &loaded.procedure;
        let method = view.plan.method()?;
        let status = match view.state {
            ProcurementState::Terminated => "cancelled",
            ProcurementState::Failed => "unsuccessful",
            ProcurementState::Contracted | ProcurementState::ContractPublished | ProcurementState::Accepted => {
                "complete"
            }
            _ => "active",
        };
        let mut bids = Vec::new();
        for offer in view.offers.iter().flatten() {
            let valid = offer.price_fen.is_some() && !view.non_compliant.contains(&offer.supplier_credit_code);
            bids.push(Bid {
                lot_id: LOT.to_owned(),
                bidder: self.party(&offer.supplier_credit_code).await?,
                price_fen: offer.price_fen,
                received_ms: offer.at_ms,
                status: if valid { "valid" } else { "disqualified" },
            });
        }
        // A framework agreement admits every winner; otherwise the current winner is the last.
        let winners: Vec<&(String, i64)> = if method == ProcurementMethod::FrameworkAgreement {
            view.winners.iter().collect()
        } else {
            view.winners.last().into_iter().collect()
        };
        let awarded_ms = procedure.entered_ms(ProcurementState::Awarded).unwrap_or(view.server_now_ms);
        let mut awards = Vec::new();
        for (supplier, price) in &winners {
            awards.push(Award {
                lot_id: LOT.to_owned(),
                supplier: self.party(supplier).await?,
                amount_fen: Some(*price),
                date_ms: awarded_ms,
            });
        }
        let contracts = match procedure.entered_ms(ProcurementState::Contracted) {
            Some(signed_ms) => winners
                .iter()
                .map(|(_, price)| Contract { lot_id: LOT.to_owned(), amount_fen: *price, signed_ms })
                .take(1)
                .collect(),
            None => Vec::new(),
        };
        let agency = match &view.plan.request.agency_credit_code {
            Some(code) => Some(self.party(code).await?),
            None => None,
        };
        let last_change = view
            .history
            .last()
            .map(|step| step.at_ms)
            .or_else(|| procedure.entered_ms(ProcurementState::Planned))
            .ok_or_else(|| AppError::Internal(format!("procurement {procurement_id} has no date")))?;
        Ok(Procedure {
            ocid: format!("{ocid_prefix}-{procurement_id}"),
            tender_id: procurement_id.to_owned(),
            title: view.plan.request.title.clone(),
            status,
            method: ocds_method(method),
            method_details: method.label().to_owned(),
            buyer: self.party(&view.plan.request.purchaser_credit_code).await?,
            agency,
            estimate_fen: Some(view.plan.request.budget_fen),
            tender_period: procedure.entered_ms(ProcurementState::Bidding).zip(view.offers_due_ms),
            lots: vec![Lot { id: LOT.to_owned(), title: view.plan.request.title.clone(), status }],
            bids,
            awards,
            contracts,
            date_ms: last_change,
        })
    }
}
