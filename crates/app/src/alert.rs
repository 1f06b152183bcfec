//! Supervision alerts (预警): when a tender's opening record is signed, the lot screens of
//! 招标投标法实施条例 第三十九条、第四十条 (`ggzy_analytics::collusion`) run over each lot's opened bids
//! and every flag becomes an alert on its own stream (`alert-{id}`) with its evidence, in the same
//! request as the opening record. The regulators of the tender's region list them, confirm or
//! dismiss each with a reason, and refer confirmed ones (`ggzy_domain::alert`).

use ggzy_analytics::collusion::{LotBid, ScreenSettings, screen_lot};
use ggzy_domain::Fen;
use ggzy_domain::alert::{AlertCommand, AlertState, alert_transition};
use ggzy_domain::authz::{self, Action};
use ggzy_store::ExpectedVersion;
pub use ggzy_store::alert::AlertRow;
use ggzy_store::tender_projection::{BidOpeningRow, BidRow, TenderRow};

use crate::App;
use crate::actor::{Actor, Credential};
use crate::entity::stored_region;
use crate::error::{AppError, AppResult};
use crate::events::{AlertDetails, Event, Recorded, stream};
use crate::regions::region_range;

/// An alert as the regulator sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlertView {
    /// As raised.
    pub details: AlertDetails,
    /// Where it stands.
    pub state: AlertState,
    /// Raised, UTC ms.
    pub raised_at_ms: i64,
    /// The reviews: (state after, reason, UTC ms).
    pub reviews: Vec<(AlertState, String, i64)>,
    /// Stream version.
    pub version: i64,
}

/// Whether a submission address says who submitted: a loopback address means a proxy or a local
/// tool in front of the platform, shared by everyone, so it is left out of the comparison.
fn attributable(ip: &str) -> &str {
    match ip.parse::<std::net::IpAddr>() {
        Ok(address) if address.is_loopback() || address.is_unspecified() => "",
        _ => ip,
    }
}

/// The project manager a bid names (项目经理, declared in its envelope as `project_manager`: the
/// registration certificate number, or an object with `certificate_no`), compared across bids
/// (条例 第四十条第（三）项). Letters and spaces are normalised so that case does not hide a match.
fn project_manager(declared: &serde_json::Value) -> String {
    let value = &declared["project_manager"];
    value["certificate_no"]
        .as_str()
        .or_else(|| value.as_str())
        .map(|number| number.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_uppercase())
        .unwrap_or_default()
}

impl App {
    /// The lot screens over the tender's opened bids, recorded as alerts. Called once, right after
    /// the opening record is signed (the bidders are public from then on, 招标投标法 第三十六条).
    pub(crate) async fn raise_opening_alerts(&self, actor: &Actor, row: &TenderRow) -> AppResult<usize> {
        let submitted = self.store.submitted_bids(&row.tender_id).await?;
        let openings = self.store.bid_openings(&row.tender_id).await?;
        let mut recorded = Vec::new();
        for lot in self.store.tender_lots(&row.tender_id).await? {
            let bids = self.lot_bids(&row.tender_id, &lot.lot_id, &submitted, &openings).await?;
            for (n, flag) in screen_lot(&bids, &ScreenSettings::default()).into_iter().enumerate() {
                let alert_id = format!("{}-{}-{}-{}", row.tender_id, lot.lot_id, flag.rule.code(), n + 1);
                // The score is in [0, 1]; thousandths keep the record free of floating point.
                #[allow(clippy::cast_possible_truncation)]
                let score_permille = (flag.score * 1000.0).round() as i64;
                let details = AlertDetails {
                    alert_id: alert_id.clone(),
                    region_code: row.region_code.clone(),
                    tender_id: row.tender_id.clone(),
                    lot_id: lot.lot_id.clone(),
                    rule: flag.rule.code().to_owned(),
                    label: flag.rule.label().to_owned(),
                    article: flag.rule.article().to_owned(),
                    score_permille,
                    bidders: flag.bidders,
                    evidence: flag.evidence.into_iter().map(|e| (e.what, e.value)).collect(),
                };
                recorded.push(Recorded {
                    stream_id: stream::alert(&alert_id),
                    region_code: row.region_code.clone(),
                    event: Event::AlertRaised(details),
                });
            }
        }
        let count = recorded.len();
        if count > 0 {
            let expected = recorded.iter().map(|r| (r.stream_id.clone(), ExpectedVersion::NoStream)).collect();
            self.record(actor, expected, recorded, Vec::new()).await?;
        }
        Ok(count)
    }

    /// The bids of one lot as the lot screens compare them: the price read out at opening, the
    /// sealing tool's traces, the submission address, the cash deposit's account, the register's
    /// contact phone and legal representative, the project manager declared and the opened files.
    /// The opening alerts and the market screens (`market_screen.rs`) both read lots through it.
    pub(crate) async fn lot_bids(
        &self,
        tender_id: &str,
        lot_id: &str,
        submitted: &[BidRow],
        openings: &[BidOpeningRow],
    ) -> AppResult<Vec<LotBid>> {
        let securities = self.store.securities(tender_id, lot_id).await?;
        let mut bids = Vec::new();
        for bid in submitted.iter().filter(|b| b.lot_id == lot_id) {
            let declared = openings
                .iter()
                .find(|o| o.lot_id == lot_id && o.bidder_credit_code == bid.bidder_credit_code)
                .filter(|o| o.status == "decrypted")
                .and_then(|o| serde_json::from_str::<serde_json::Value>(&o.declared_json).ok())
                .unwrap_or_default();
            let price = declared["price_fen"].as_i64().map(Fen);
            let entity = self.store.entity(&bid.bidder_credit_code).await?;
            // A guarantee's issuer and number identify it, not a payer; a cash deposit's reference
            // is the account it came from.
            let deposit_account = securities
                .iter()
                .find(|s| s.bidder_credit_code == bid.bidder_credit_code && s.kind == "cash")
                .map(|s| s.reference.clone())
                .unwrap_or_default();
            bids.push(LotBid {
                bidder: bid.bidder_credit_code.clone(),
                price,
                machine_id_hash: hex::encode(&bid.machine_id_hash),
                mac_hash: hex::encode(&bid.mac_hash),
                client_ip: attributable(&bid.client_ip).to_owned(),
                deposit_account,
                contact_phone: entity.as_ref().map(|e| e.contact_phone.clone()).unwrap_or_default(),
                project_manager: project_manager(&declared),
                file_digests: self.opened_file_digests(tender_id, lot_id, &bid.bidder_credit_code).await?,
                legal_representative: entity.as_ref().and_then(|e| e.legal_rep_person_key.clone()).unwrap_or_default(),
            });
        }
        Ok(bids)
    }

    /// The SM3 of each file of the bid as opened (the last decryption recorded on its stream).
    async fn opened_file_digests(&self, tender_id: &str, lot_id: &str, bidder: &str) -> AppResult<Vec<String>> {
        let mut digests = Vec::new();
        for stored in self.store.stream(&stream::bidder(tender_id, lot_id, bidder)).await? {
            if stored.event_type == "BidDecrypted"
                && let Ok(Event::BidDecrypted { file_sm3_hex, .. }) = serde_json::from_str(&stored.payload)
            {
                digests = file_sm3_hex;
            }
        }
        Ok(digests)
    }

    async fn alert_fold(&self, alert_id: &str) -> AppResult<AlertView> {
        let mut view: Option<AlertView> = None;
        for stored in self.store.stream(&stream::alert(alert_id)).await? {
            let event: Event = serde_json::from_str(&stored.payload)
                .map_err(|e| AppError::Internal(format!("stored event {}: {e}", stored.position)))?;
            match (event, view.as_mut()) {
                (Event::AlertRaised(details), _) => {
                    view = Some(AlertView {
                        details,
                        state: AlertState::New,
                        raised_at_ms: stored.recorded_at_ms,
                        reviews: Vec::new(),
                        version: 0,
                    });
                }
                (Event::AlertReviewed { state, reason, .. }, Some(view)) => {
                    let state = AlertState::parse(&state)
                        .ok_or_else(|| AppError::Internal(format!("stored alert state {state}")))?;
                    view.state = state;
                    view.reviews.push((state, reason, stored.recorded_at_ms));
                }
                _ => {}
            }
            if let Some(view) = view.as_mut() {
                view.version = stored.stream_version;
            }
        }
        view.ok_or(AppError::NotFound { what: "预警" })
    }

    /// One alert, for the regulators of its tender's region.
    pub async fn alert(&self, actor: &Actor, alert_id: &str) -> AppResult<AlertView> {
        let view = self.alert_fold(alert_id).await?;
        actor.authorize(Action::SuperviseTender, &stored_region(&view.details.region_code)?)?;
        Ok(view)
    }

    /// The alerts of the regions the actor supervises, newest first, optionally in one state.
    pub async fn alerts(&self, actor: &Actor, state: Option<AlertState>, limit: i64) -> AppResult<Vec<AlertRow>> {
        let limit = limit.clamp(1, 500);
        let state = state.map(AlertState::as_str);
        if actor.credential == Credential::System {
            return Ok(self.store.alerts(None, state, limit).await?);
        }
        let ranges: Vec<_> = actor
            .grants
            .iter()
            .filter(|grant| authz::authorize(&[**grant], Action::SuperviseTender, &grant.region).is_ok())
            .map(|grant| region_range(&grant.region))
            .collect();
        if ranges.is_empty() {
            return Err(AppError::Forbidden(authz::Denied { action: Action::SuperviseTender, region: actor.region }));
        }
        Ok(self.store.alerts(Some(&ranges), state, limit).await?)
    }

    /// Confirms, dismisses or refers an alert, with the reason (required for each).
    pub async fn review_alert(
        &self,
        actor: &Actor,
        alert_id: &str,
        command: AlertCommand,
        reason: &str,
    ) -> AppResult<AlertView> {
        let view = self.alert(actor, alert_id).await?;
        let line = alert_transition(view.state, command)
            .map_err(|refused| AppError::refused("invalid_transition", refused.to_string()))?;
        let reason = reason.trim();
        if reason.is_empty() || reason.chars().count() > 2000 {
            return Err(AppError::refused(
                "invalid_text",
                "须写明核查结论或理由（移送的须写明移送对象和理由），不超过2000字",
            ));
        }
        let stream_id = stream::alert(alert_id);
        let event = Recorded {
            stream_id: stream_id.clone(),
            region_code: view.details.region_code.clone(),
            event: Event::AlertReviewed {
                alert_id: alert_id.to_owned(),
                state: line.to.as_str().to_owned(),
                reason: reason.to_owned(),
            },
        };
        self.record(actor, vec![(stream_id, ExpectedVersion::Exactly(view.version))], vec![event], Vec::new()).await?;
        self.alert_fold(alert_id).await
    }
}
