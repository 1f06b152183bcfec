//! One procedure as an OCDS 1.1 compiled release with the bids extension (`ggzy export --ocds`).
//!
//! Pure: the caller gathers what was published (the tender, the opening record, the evaluation,
//! the award and the contract) into a [`Procedure`]; this module only maps it. What the law keeps
//! sealed stays out: bids and bidders appear only once the opening record exists (招标投标法 第二十二条、
//! 第三十六条), which the caller guarantees by passing no bids before it.
//!
//! Choices (docs/ocds.md): amounts in yuan (`CNY`) from fen; parties identified by their unified
//! social credit code under the scheme `CN-USCC`; lots and `relatedLots` as in the OCDS lots extension
//! (additional fields here, the release declares only the bids extension); invited and
//! pre-qualified tenders are `selective`, open ones `open`.

use serde_json::{Map, Value, json};

/// The party identifier scheme: the 18-character unified social credit code (GB 32100).
pub const PARTY_SCHEME: &str = "CN-USCC";

/// A party: a market entity by its credit code.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Party {
    /// Unified social credit code.
    pub credit_code: String,
    /// Registered name.
    pub name: String,
}

impl Party {
    fn id(&self) -> String {
        format!("{PARTY_SCHEME}-{}", self.credit_code)
    }

    fn reference(&self) -> Value {
        json!({"id": self.id(), "name": self.name})
    }
}

/// A lot (标段).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Lot {
    /// Id within the tender.
    pub id: String,
    /// Name.
    pub title: String,
    /// OCDS lot status: `active`, `complete`, `unsuccessful` or `cancelled`.
    pub status: &'static str,
}

/// A bid as the opening record and the evaluation show it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Bid {
    /// Lot.
    pub lot_id: String,
    /// Bidder.
    pub bidder: Party,
    /// Price read out at opening, fen (`None` when the bid could not be decrypted).
    pub price_fen: Option<i64>,
    /// Received, UTC ms.
    pub received_ms: i64,
    /// `valid` (opened and not rejected) or `disqualified` (rejected by the committee, or not
    /// decryptable).
    pub status: &'static str,
}

/// An award decision.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Award {
    /// Lot.
    pub lot_id: String,
    /// Winner.
    pub supplier: Party,
    /// The winning bid's price, fen.
    pub amount_fen: Option<i64>,
    /// Decided, UTC ms.
    pub date_ms: i64,
}

/// A signed contract.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Contract {
    /// Lot.
    pub lot_id: String,
    /// Amount, fen.
    pub amount_fen: i64,
    /// Signed, UTC ms.
    pub signed_ms: i64,
}

/// One procedure as published.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Procedure {
    /// The contracting process id (`{prefix}-{tender id}`).
    pub ocid: String,
    /// Tender id.
    pub tender_id: String,
    /// Title.
    pub title: String,
    /// OCDS tender status (`active`, `complete`, `cancelled`, `unsuccessful`).
    pub status: &'static str,
    /// `open` or `selective`.
    pub method: &'static str,
    /// The method in Chinese (公开招标, 邀请招标, 资格预审).
    pub method_details: String,
    /// The principal (招标人): the buyer.
    pub buyer: Party,
    /// The agency, when entrusted: the procuring entity.
    pub agency: Option<Party>,
    /// The estimate (招标项目估算价), fen.
    pub estimate_fen: Option<i64>,
    /// Documents issued and bid deadline, UTC ms.
    pub tender_period: Option<(i64, i64)>,
    /// Lots.
    pub lots: Vec<Lot>,
    /// Bids, once opened.
    pub bids: Vec<Bid>,
    /// Awards.
    pub awards: Vec<Award>,
    /// Contracts.
    pub contracts: Vec<Contract>,
    /// The last recorded change, UTC ms.
    pub date_ms: i64,
}

/// RFC 3339 in UTC; a time before 1970 or after 9999 cannot come from the log.
fn date(ms: i64) -> Value {
    jiff::Timestamp::from_millisecond(ms).map_or(Value::Null, |t| Value::String(t.to_string()))
}

/// Yuan from fen: exact for every amount below 2^53 fen (about 90 trillion yuan).
fn value(fen: i64) -> Value {
    #[allow(clippy::cast_precision_loss)]
    let yuan = fen as f64 / 100.0;
    json!({"amount": yuan, "currency": "CNY"})
}

fn add_role(parties: &mut Vec<(Party, Vec<&'static str>)>, party: &Party, role: &'static str) {
    match parties.iter_mut().find(|(p, _)| p.credit_code == party.credit_code) {
        Some((_, roles)) if !roles.contains(&role) => roles.push(role),
        Some(_) => {}
        None => parties.push((party.clone(), vec![role])),
    }
}

/// The compiled release of a procedure.
pub fn compiled_release(procedure: &Procedure) -> Value {
    let p = procedure;
    let mut parties: Vec<(Party, Vec<&'static str>)> = Vec::new();
    add_role(&mut parties, &p.buyer, "buyer");
    let procuring = p.agency.as_ref().unwrap_or(&p.buyer);
    add_role(&mut parties, procuring, "procuringEntity");
    for bid in &p.bids {
        add_role(&mut parties, &bid.bidder, "tenderer");
    }
    for award in &p.awards {
        add_role(&mut parties, &award.supplier, "supplier");
    }

    let mut tenderers: Vec<&Party> = Vec::new();
    for bid in &p.bids {
        if !tenderers.iter().any(|t| t.credit_code == bid.bidder.credit_code) {
            tenderers.push(&bid.bidder);
        }
    }
    let mut tender = Map::new();
    tender.insert("id".into(), json!(p.tender_id));
    tender.insert("title".into(), json!(p.title));
    tender.insert("status".into(), json!(p.status));
    tender.insert("procuringEntity".into(), procuring.reference());
    tender.insert("procurementMethod".into(), json!(p.method));
    tender.insert("procurementMethodDetails".into(), json!(p.method_details));
    tender.insert("mainProcurementCategory".into(), json!("works"));
    if let Some(fen) = p.estimate_fen {
        tender.insert("value".into(), value(fen));
    }
    if let Some((start, end)) = p.tender_period {
        tender.insert("tenderPeriod".into(), json!({"startDate": date(start), "endDate": date(end)}));
    }
    if !p.bids.is_empty() {
        tender.insert("numberOfTenderers".into(), json!(tenderers.len()));
        tender.insert("tenderers".into(), Value::Array(tenderers.iter().map(|t| t.reference()).collect()));
    }
    tender.insert(
        "lots".into(),
        Value::Array(p.lots.iter().map(|l| json!({"id": l.id, "title": l.title, "status": l.status})).collect()),
    );

    let mut release = Map::new();
    release.insert("ocid".into(), json!(p.ocid));
    release.insert("id".into(), json!(format!("{}-compiled", p.tender_id)));
    release.insert("date".into(), date(p.date_ms));
    release.insert("tag".into(), json!(["compiled"]));
    release.insert("initiationType".into(), json!("tender"));
    release.insert("language".into(), json!("zh"));
    release.insert(
        "parties".into(),
        Value::Array(
            parties
                .iter()
                .map(|(party, roles)| {
                    json!({
                        "id": party.id(),
                        "name": party.name,
                        "identifier": {"scheme": PARTY_SCHEME, "id": party.credit_code, "legalName": party.name},
                        "roles": roles,
                    })
                })
                .collect(),
        ),
    );
    release.insert("buyer".into(), p.buyer.reference());
    release.insert("tender".into(), Value::Object(tender));
    if !p.bids.is_empty() {
        let details = p
            .bids
            .iter()
            .map(|bid| {
                let mut detail = Map::new();
                detail.insert("id".into(), json!(format!("{}-{}", bid.lot_id, bid.bidder.credit_code)));
                detail.insert("date".into(), date(bid.received_ms));
                detail.insert("status".into(), json!(bid.status));
                detail.insert("tenderers".into(), json!([bid.bidder.reference()]));
                if let Some(fen) = bid.price_fen {
                    detail.insert("value".into(), value(fen));
                }
                detail.insert("relatedLots".into(), json!([bid.lot_id]));
                Value::Object(detail)
            })
            .collect();
        release.insert("bids".into(), json!({"details": Value::Array(details)}));
    }
    if !p.awards.is_empty() {
        // A lot has one award, or (a framework agreement) one per admitted supplier: the first keeps
        // `{tender}-award-{lot}` (the contract's awardID), the others add their place.
        let mut per_lot: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
        let awards = p
            .awards
            .iter()
            .map(|award| {
                let place = per_lot.entry(award.lot_id.as_str()).or_insert(0);
                *place += 1;
                let id = if *place == 1 {
                    format!("{}-award-{}", p.tender_id, award.lot_id)
                } else {
                    format!("{}-award-{}-{}", p.tender_id, award.lot_id, place)
                };
                let mut item = Map::new();
                item.insert("id".into(), json!(id));
                item.insert("status".into(), json!("active"));
                item.insert("date".into(), date(award.date_ms));
                item.insert("suppliers".into(), json!([award.supplier.reference()]));
                if let Some(fen) = award.amount_fen {
                    item.insert("value".into(), value(fen));
                }
                item.insert("relatedLots".into(), json!([award.lot_id]));
                Value::Object(item)
            })
            .collect();
        release.insert("awards".into(), Value::Array(awards));
    }
    if !p.contracts.is_empty() {
        let contracts = p
            .contracts
            .iter()
            .map(|contract| {
                json!({
                    "id": format!("{}-contract-{}", p.tender_id, contract.lot_id),
                    "awardID": format!("{}-award-{}", p.tender_id, contract.lot_id),
                    "status": "active",
                    "value": value(contract.amount_fen),
                    "dateSigned": date(contract.signed_ms),
                })
            })
            .collect();
        release.insert("contracts".into(), Value::Array(contracts));
    }
    Value::Object(release)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn party(code: &str, name: &str) -> Party {
        Party { credit_code: code.to_owned(), name: name.to_owned() }
    }

    fn procedure() -> Procedure {
        let buyer = party("91330106725872199N", "杭州市城市建设投资集团有限公司");
        let a = party("91330106769614255P", "浙江测试建设第0工程有限公司");
        let b = party("91330106682104877T", "浙江测试建设第1工程有限公司");
        Procedure {
            ocid: "ocds-213czf-ZB1".to_owned(),
            tender_id: "ZB1".to_owned(),
            title: "文三路综合管廊".to_owned(),
            status: "complete",
            method: "open",
            method_details: "公开招标".to_owned(),
            buyer,
            agency: None,
            estimate_fen: Some(2_600_000_000),
            tender_period: Some((1_764_000_000_000, 1_766_160_000_000)),
            lots: vec![Lot { id: "1".to_owned(), title: "土建".to_owned(), status: "complete" }],
            bids: vec![
                Bid {
                    lot_id: "1".to_owned(),
                    bidder: a.clone(),
                    price_fen: Some(123_456_789),
                    received_ms: 1_766_000_000_000,
                    status: "valid",
                },
                Bid {
                    lot_id: "1".to_owned(),
                    bidder: b,
                    price_fen: None,
                    received_ms: 1_766_000_100_000,
                    status: "disqualified",
                },
            ],
            awards: vec![Award {
                lot_id: "1".to_owned(),
                supplier: a,
                amount_fen: Some(123_456_789),
                date_ms: 1_767_000_000_000,
            }],
            contracts: vec![Contract { lot_id: "1".to_owned(), amount_fen: 123_456_789, signed_ms: 1_767_500_000_000 }],
            date_ms: 1_767_500_000_000,
        }
    }

    #[test]
    fn a_procedure_maps_to_one_compiled_release_with_bids_awards_and_contracts() {
        let release = compiled_release(&procedure());
        assert_eq!(release["tag"], json!(["compiled"]));
        assert_eq!(release["tender"]["value"], json!({"amount": 26_000_000.0, "currency": "CNY"}));
        assert_eq!(release["tender"]["numberOfTenderers"], json!(2));
        assert_eq!(release["bids"]["details"][0]["value"]["amount"], json!(1_234_567.89));
        assert_eq!(release["bids"]["details"][1]["status"], "disqualified");
        assert!(release["bids"]["details"][1].get("value").is_none(), "an undecrypted bid has no price");
        assert_eq!(release["awards"][0]["suppliers"][0]["id"], "CN-USCC-91330106769614255P");
        assert_eq!(release["contracts"][0]["awardID"], release["awards"][0]["id"]);
        let roles: Vec<&Value> = release["parties"].as_array().expect("parties").iter().map(|p| &p["roles"]).collect();
        assert_eq!(
            roles,
            vec![&json!(["buyer", "procuringEntity"]), &json!(["tenderer", "supplier"]), &json!(["tenderer"])]
        );
        assert_eq!(release["tender"]["tenderPeriod"]["startDate"], "2025-11-24T16:00:00Z");
    }

    #[test]
    fn several_awards_of_one_lot_keep_distinct_ids() {
        let mut framework = procedure();
        let second = Award {
            supplier: Party { credit_code: "X".to_owned(), name: "乙".to_owned() },
            ..framework.awards[0].clone()
        };
        framework.awards.push(second);
        let release = compiled_release(&framework);
        assert_eq!(release["awards"][0]["id"], format!("{}-award-1", framework.tender_id));
        assert_eq!(release["awards"][1]["id"], format!("{}-award-1-2", framework.tender_id));
        assert_eq!(release["contracts"][0]["awardID"], release["awards"][0]["id"]);
    }

    #[test]
    fn before_opening_no_bid_or_bidder_is_published() {
        let sealed = Procedure { bids: Vec::new(), awards: Vec::new(), contracts: Vec::new(), ..procedure() };
        let release = compiled_release(&sealed);
        assert!(release.get("bids").is_none());
        assert!(release["tender"].get("tenderers").is_none());
        assert_eq!(release["parties"].as_array().map(Vec::len), Some(1));
    }
}
