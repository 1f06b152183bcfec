//! Awarded lots read from OCDS compiled releases with the bids extension (other publishers' data
//! imported with `ggzy import ocds`), and the other way round for a market that exists only as
//! figures (the demo's synthetic market). OCDS carries who bid what and who won, never the traces
//! the lot screens compare (machine, address, account, phone, legal representative): lots read
//! from it feed the screens over bids and wins (cover bidders, serial winners, rotation, rings,
//! price patterns), and the trace screens find nothing on them.
//!
//! Choices: a firm is the tenderer's `identifier.id` in `parties` (its credit code for a Chinese
//! publisher), else the id the bid names; the region is the buyer's `address.region`; the category
//! is the first item's classification description, else `mainProcurementCategory`; the year is the
//! award's date as written; a price is `value.amount` in CNY, to the fen. A lot counts when an
//! active award names one of its bidders.

use std::collections::BTreeMap;

use ggzy_domain::Fen;
use serde_json::{Value, json};

use super::{MarketBid, MarketLot};
use crate::collusion::LotBid;

/// The awarded lots of one compiled release; `fallback_region` when the buyer gives no region.
pub fn lots_of_release(release: &Value, fallback_region: &str) -> Vec<MarketLot> {
    let Some(ocid) = release["ocid"].as_str() else { return Vec::new() };
    let firm = |reference: &Value| -> Option<String> {
        let id = reference["id"].as_str()?;
        let party = release["parties"].as_array()?.iter().find(|p| p["id"].as_str() == Some(id));
        Some(party.and_then(|p| p["identifier"]["id"].as_str()).unwrap_or(id).to_owned())
    };
    let buyer_id = release["buyer"]["id"].as_str();
    let region = release["parties"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|p| buyer_id.is_some() && p["id"].as_str() == buyer_id)
        .and_then(|p| p["address"]["region"].as_str())
        .filter(|r| !r.trim().is_empty())
        .unwrap_or(fallback_region);
    let tender = &release["tender"];
    let category = tender["items"][0]["classification"]["description"]
        .as_str()
        .or_else(|| tender["mainProcurementCategory"].as_str())
        .unwrap_or("");
    let lots_of = |item: &Value| -> Vec<String> {
        match item["relatedLots"].as_array() {
            Some(lots) if !lots.is_empty() => lots.iter().filter_map(Value::as_str).map(str::to_owned).collect(),
            _ => vec![String::new()],
        }
    };
    // Per lot: (bidder, price) in the order published.
    let mut bids: BTreeMap<String, Vec<(String, Option<Fen>)>> = BTreeMap::new();
    for detail in release["bids"]["details"].as_array().into_iter().flatten() {
        let Some(bidder) = detail["tenderers"].as_array().and_then(|t| t.first()).and_then(firm) else { continue };
        for lot in lots_of(detail) {
            let entry = bids.entry(lot).or_default();
            if !entry.iter().any(|(b, _)| *b == bidder) {
                entry.push((bidder.clone(), price(&detail["value"])));
            }
        }
    }
    // Per lot: the winners and the year of the award.
    let mut awards: BTreeMap<String, (Vec<String>, Option<i32>)> = BTreeMap::new();
    for award in release["awards"].as_array().into_iter().flatten() {
        if award["status"].as_str().is_some_and(|s| s != "active") {
            continue;
        }
        let year = award["date"].as_str().and_then(|d| d.get(..4)).and_then(|y| y.parse().ok());
        let suppliers: Vec<String> = award["suppliers"].as_array().into_iter().flatten().filter_map(firm).collect();
        for lot in lots_of(award) {
            let entry = awards.entry(lot).or_default();
            entry.0.extend(suppliers.iter().cloned());
            entry.1 = entry.1.or(year);
        }
    }
    let mut lots = Vec::new();
    for (lot, bids) in bids {
        let Some((winners, Some(year))) = awards.get(&lot) else { continue };
        if !bids.iter().any(|(b, _)| winners.contains(b)) {
            continue;
        }
        lots.push(MarketLot {
            id: if lot.is_empty() { ocid.to_owned() } else { format!("{ocid}/{lot}") },
            region: region.to_owned(),
            category: category.to_owned(),
            year: *year,
            bids: bids
                .into_iter()
                .map(|(bidder, price)| MarketBid {
                    winner: winners.contains(&bidder),
                    bid: LotBid { bidder, price, ..LotBid::default() },
                })
                .collect(),
        });
    }
    lots
}

/// A price in CNY to the fen; anything else (another currency, a negative or absurd amount) is no
/// price.
fn price(value: &Value) -> Option<Fen> {
    if value["currency"].as_str().is_some_and(|c| c != "CNY") {
        return None;
    }
    let yuan = value["amount"].as_f64().filter(|a| a.is_finite() && *a >= 0.0 && *a < 9.0e13)?;
    #[allow(clippy::cast_possible_truncation)]
    Some(Fen((yuan * 100.0).round() as i64))
}

/// One awarded lot as a compiled release under `ocid` (one lot per release, dated at the middle of
/// its year): the figures [`lots_of_release`] reads back, without traces.
pub fn release_of_lot(lot: &MarketLot, ocid: &str) -> Value {
    let party = |id: &str, role: &str| json!({"id": id, "name": id, "identifier": {"id": id}, "roles": [role]});
    let buyer = format!("buyer-{}", lot.region);
    let mut parties = vec![json!({
        "id": buyer, "name": format!("{}某建设单位", lot.region), "address": {"region": lot.region}, "roles": ["buyer"],
    })];
    parties.extend(lot.bids.iter().map(|b| party(&b.bid.bidder, if b.winner { "supplier" } else { "tenderer" })));
    let date = format!("{:04}-06-30T10:00:00+08:00", lot.year);
    let value = |fen: Fen| {
        #[allow(clippy::cast_precision_loss)]
        let yuan = fen.0 as f64 / 100.0;
        json!({"amount": yuan, "currency": "CNY"})
    };
    let details: Vec<Value> = lot
        .bids
        .iter()
        .map(|b| {
            let mut detail = json!({"id": format!("{}-{}", lot.id, b.bid.bidder), "status": "valid", "tenderers": [{"id": b.bid.bidder}], "relatedLots": ["1"]});
            if let Some(fen) = b.bid.price {
                detail["value"] = value(fen);
            }
            detail
        })
        .collect();
    let winners: Vec<Value> = lot.bids.iter().filter(|b| b.winner).map(|b| json!({"id": b.bid.bidder})).collect();
    json!({
        "ocid": ocid,
        "id": format!("{ocid}-compiled"),
        "date": date,
        "tag": ["compiled"],
        "initiationType": "tender",
        "language": "zh",
        "parties": parties,
        "buyer": {"id": buyer},
        "tender": {
            "id": lot.id,
            "title": format!("{}{}项目 {}", lot.region, lot.category, lot.id),
            "mainProcurementCategory": "works",
            "items": [{"id": "1", "classification": {"scheme": "ggzy-category", "id": lot.category, "description": lot.category}}],
            "lots": [{"id": "1", "title": lot.id}],
        },
        "bids": {"details": details},
        "awards": [{"id": format!("{}-award", lot.id), "status": "active", "date": date, "suppliers": winners, "relatedLots": ["1"]}],
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lot() -> MarketLot {
        let bid = |bidder: &str, price: i64, winner: bool| MarketBid {
            bid: LotBid { bidder: bidder.to_owned(), price: Some(Fen(price)), ..LotBid::default() },
            winner,
        };
        MarketLot {
            id: "L000001".to_owned(),
            region: "杭州".to_owned(),
            category: "市政".to_owned(),
            year: 2024,
            bids: vec![bid("A", 100_000_000, true), bid("B", 101_234_500, false), bid("C", 103_000_001, false)],
        }
    }

    #[test]
    fn a_lot_survives_the_round_trip_without_its_traces() {
        let lots = lots_of_release(&release_of_lot(&lot(), "ocds-demo-L000001"), "330100");
        let mut expected = lot();
        expected.id = "ocds-demo-L000001/1".to_owned();
        assert_eq!(lots, vec![expected]);
    }

    #[test]
    fn lots_without_an_active_award_to_a_bidder_or_in_another_currency_are_read_so() {
        let mut release = release_of_lot(&lot(), "x");
        release["awards"][0]["status"] = json!("cancelled");
        assert!(lots_of_release(&release, "330100").is_empty());
        let mut release = release_of_lot(&lot(), "x");
        release["awards"][0]["suppliers"] = json!([{"id": "Z"}]);
        assert!(lots_of_release(&release, "330100").is_empty());
        let mut release = release_of_lot(&lot(), "x");
        release["bids"]["details"][1]["value"]["currency"] = json!("USD");
        release["parties"][0]["address"] = json!({});
        let lots = lots_of_release(&release, "330100");
        assert_eq!((lots[0].bids[1].bid.price, lots[0].region.as_str()), (None, "330100"));
    }
}
