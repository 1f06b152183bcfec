//! The demo's land, mining and property sales: a land listing whose listing period runs now (bids
//! by three paddles, the live page follows it), a land auction that sold and was confirmed, a
//! mining-rights listing taking bids, a land tender taking sealed bids, and a property transfer in
//! its disclosure period. Each goes through the same use cases as the API.
//!
//! Their history starts 35 days before now (the mining listing's 45: 20 working days' notice and
//! its listing period) under its own fake clock, after the tenders were seeded under theirs: the
//! statutory notice periods need that much past. Times in
//! the log are therefore not in position order across the demo's streams; within each sale they are.

use std::sync::Arc;

use anyhow::Context as _;
use ggzy_app::App;
use ggzy_app::clock::FakeClock;
use ggzy_app::sale::{NewSale, SaleNotice};
use ggzy_crypto::reference_price::reserve_commitment;
use ggzy_domain::calendar::HolidayCalendar;
use ggzy_domain::{RegionCode, china_time};
use jiff::civil::{Date, Time};

use crate::demo::explain;
use crate::demo_tenders::login;

const DAY_MS: i64 = 86_400_000;
const WAN: i64 = 1_000_000;
/// The reserve's salt in the demo (a real principal keeps a random one secret until the reveal).
const DEMO_SALT: [u8; 16] = *b"ggzy-demo-salt!!";

/// A seeded sale: id, phase and title.
pub struct DemoSale {
    /// Sale id.
    pub sale_id: String,
    /// Phase (Chinese).
    pub phase: &'static str,
    /// Title.
    pub title: String,
}

/// `day` at `hour`:00 China time, UTC ms.
fn at(day: Date, hour: i8) -> anyhow::Result<i64> {
    china_time::instant_of(day.to_datetime(Time::constant(hour, 0, 0, 0))).context("date out of range")
}

/// The sales of a store seeded earlier, newest first.
pub async fn list(app: &App) -> anyhow::Result<Vec<DemoSale>> {
    let views = app.sales(50).await.map_err(explain).context("listing sales")?;
    Ok(views
        .into_iter()
        .map(|view| DemoSale {
            sale_id: view.announcement.sale_id,
            phase: view.phase.label_for(view.terms.kind),
            title: view.announcement.notice.title,
        })
        .collect())
}

/// Seeds the sales; `now_ms` is the server's now.
pub async fn seed_sales(app: &App, now_ms: i64) -> anyhow::Result<Vec<DemoSale>> {
    let calendar: HolidayCalendar =
        ggzy_app::calendar::builtin().map_err(|e| anyhow::anyhow!("built-in calendar: {e}"))?;
    let clock = FakeClock::at(now_ms - 35 * DAY_MS);
    let app = app.with_clock(Arc::new(clock.clone()));
    let principal = login(&app, "principal").await?;
    let center = login(&app, "center").await?;
    let mut bidders = Vec::new();
    for username in ["bidder1", "bidder2", "bidder3"] {
        let actor = login(&app, username).await?;
        let code = actor.entities.first().cloned().context("demo bidder without an entity")?;
        bidders.push((actor, code));
    }
    let principal_code = principal.entities.first().cloned().context("demo principal without an entity")?;
    let region = RegionCode::parse("330100").map_err(|e| anyhow::anyhow!("{e}"))?;
    let announced = china_time::date_of(now_ms - 35 * DAY_MS);
    let new = |kind: &str, title: &str, close: i64, starts: i64, ends: i64, reserve: Option<i64>| {
        NewSale { region, notice: SaleNotice {
        kind: kind.to_owned(),
        title: title.to_owned(),
        principal_credit_code: principal_code.clone(),
        description: "位于杭州市西湖区，出让面积18,650平方米，用途为城镇住宅用地，出让年限70年，容积率不大于2.2，建筑密度不大于25%（演示数据）".to_owned(),
        start_price_fen: 12_000 * WAN,
        increment_fen: 100 * WAN,
        deposit_fen: 2_400 * WAN,
        appraisal_fen: None,
        reserve_commitment_hex: reserve.map(|fen| reserve_commitment(fen, &DEMO_SALT).map(hex::encode)).transpose().ok().flatten(),
        applications_close_ms: close,
        starts_at_ms: starts,
        ends_at_ms: ends,
        countdown_ms: Some(5 * 60_000),
        mining_right: None,
    } }
    };
    let mut sales = Vec::new();

    // 3. A mining-rights listing (采矿权网上挂牌), announced first, 45 days ago: 20 working days'
    //    notice, then a listing of at least 11 working days running until after now (free bidding,
    //    then countdown bidding at its end). Its bids come in its first days.
    clock.set_ms(now_ms - 45 * DAY_MS);
    let mining_announced = china_time::date_of(app.now_ms());
    let mining_starts = calendar.add_working_days(mining_announced, 21).map_err(|e| anyhow::anyhow!("{e}"))?;
    let mining_ends = calendar
        .add_working_days(mining_starts, 11)
        .map_err(|e| anyhow::anyhow!("{e}"))?
        .max(china_time::date_of(now_ms) + jiff::Span::new().days(3));
    let mut mining = new(
        "mining_listing",
        "临安区某建筑用花岗岩矿采矿权（演示）",
        at(mining_starts, 9)? - DAY_MS,
        at(mining_starts, 9)?,
        at(mining_ends, 15)?,
        Some(2_000 * WAN),
    );
    mining.notice.description = "开采矿种为建筑用花岗岩，矿区面积0.42平方千米，开采规模30万吨/年，出让年限10年；\
                          竞买人须具备相应的开采技术能力和生态修复能力（演示数据）"
        .to_owned();
    mining.notice.start_price_fen = 1_800 * WAN;
    mining.notice.increment_fen = 20 * WAN;
    mining.notice.deposit_fen = 360 * WAN;
    mining.notice.countdown_ms = Some(3 * 60_000);
    mining.notice.mining_right = Some("mining".to_owned());
    let mining =
        app.announce_sale(&principal, mining).await.map_err(explain).context("announcing the demo mining listing")?;
    let mining_id = mining.announcement.sale_id.clone();
    clock.set_ms(now_ms - 35 * DAY_MS);

    // 1. A listing: starts 21 days after the announcement and ends 3 days after now (well over 10
    //    working days), bids from three paddles.
    let starts = announced + jiff::Span::new().days(21);
    let ends = china_time::date_of(now_ms) + jiff::Span::new().days(3);
    let listing = app
        .announce_sale(
            &principal,
            new(
                "land_listing",
                "杭政储出〔2026〕31号地块国有建设用地使用权（演示）",
                at(starts, 9)? - DAY_MS,
                at(starts, 9)?,
                at(ends, 10)?,
                Some(12_500 * WAN),
            ),
        )
        .await
        .map_err(explain)
        .context("announcing the demo listing")?;
    // 2. An auction held 7 days ago (announced 28 days before it).
    let auction_day = china_time::date_of(now_ms) - jiff::Span::new().days(7);
    let auction = app
        .announce_sale(
            &principal,
            new(
                "land_auction",
                "杭政储出〔2026〕27号地块国有建设用地使用权（演示）",
                at(auction_day, 9)? - DAY_MS,
                at(auction_day, 10)?,
                at(auction_day, 11)?,
                Some(12_300 * WAN),
            ),
        )
        .await
        .map_err(explain)
        .context("announcing the demo auction")?;
    // 5. A land tender taking sealed bids until 3 days after now (bids from the listing's start).
    let mut tender = new(
        "land_tender",
        "杭政储出〔2026〕35号地块国有建设用地使用权（招标，演示）",
        at(starts, 9)? - DAY_MS,
        at(starts, 9)?,
        at(ends, 10)?,
        Some(8_000 * WAN),
    );
    tender.notice.description =
        "位于杭州市余杭区，出让面积32,400平方米，用途为工业用地，出让年限50年；按综合评价确定中标人，\
                          评价因素含投标价格、产业类型、投资强度和亩均税收承诺（演示数据）"
            .to_owned();
    tender.notice.start_price_fen = 7_800 * WAN;
    tender.notice.increment_fen = 0;
    tender.notice.deposit_fen = 1_560 * WAN;
    tender.notice.countdown_ms = None;
    let tender =
        app.announce_sale(&principal, tender).await.map_err(explain).context("announcing the demo land tender")?;
    let tender_id = tender.announcement.sale_id.clone();
    for sale in [&listing.announcement.sale_id, &auction.announcement.sale_id, &mining_id, &tender_id] {
        for (actor, code) in &bidders {
            app.apply_for_sale(actor, sale, code).await.map_err(explain).context("demo application")?;
        }
    }
    let listing_id = listing.announcement.sale_id.clone();
    let auction_id = auction.announcement.sale_id.clone();
    let bid = |i: usize, sale: String, price: i64| {
        let (actor, code) = &bidders[i % bidders.len()];
        let app = app.clone();
        async move {
            app.place_sale_bid(actor, &sale, code, price * WAN).await.map_err(explain).context("demo bid").map(|_| ())
        }
    };
    // The trading centre admits every demo bidder with its deposit.
    let admit_all = |sale: String, deposit: i64| {
        let (app, center, bidders) = (app.clone(), center.clone(), &bidders);
        async move {
            for (_, code) in bidders {
                app.admit_sale_bidder(&center, &sale, code, deposit, &format!("DEMO-{code}"))
                    .await
                    .map_err(explain)
                    .context("demo admission")?;
            }
            anyhow::Ok(())
        }
    };
    // The listing's bidders are admitted before it starts; its first bids come in over a week.
    clock.set_ms(at(starts, 9)? - 12 * 3_600_000);
    admit_all(listing_id.clone(), 2_400 * WAN).await?;
    admit_all(tender_id.clone(), 1_560 * WAN).await?;
    for (i, (days_ago, price)) in [(13, 12_000), (11, 12_100), (9, 12_300)].into_iter().enumerate() {
        clock.set_ms(now_ms - days_ago * DAY_MS);
        bid(i, listing_id.clone(), price).await?;
    }
    // The auction: admitted the day before, four bids, the reserve (12300万) revealed, confirmed,
    // the losers' deposits refunded.
    clock.set_ms(at(auction_day, 9)? - DAY_MS + 3_600_000);
    admit_all(auction_id.clone(), 2_400 * WAN).await?;
    clock.set_ms(at(auction_day, 10)? + 5 * 60_000);
    for (i, price) in [12_000, 12_100, 12_300, 12_400].into_iter().enumerate() {
        bid(i, auction_id.clone(), price).await?;
        clock.advance_ms(4 * 60_000);
    }
    clock.set_ms(at(auction_day, 11)? + 20 * 60_000);
    app.reveal_sale_reserve(&principal, &auction_id, 12_300 * WAN, &hex::encode(DEMO_SALT))
        .await
        .map_err(explain)
        .context("demo reserve")?;
    app.confirm_sale(&center, &auction_id).await.map_err(explain).context("demo confirmation")?;
    // Paddle of bidder1 won (the fourth bid); bidder2 and bidder3 get their deposits back.
    for (_, code) in bidders.iter().skip(1) {
        app.refund_sale_deposit(&center, &auction_id, code).await.map_err(explain).context("demo refund")?;
    }
    sales.push(DemoSale { sale_id: auction_id, phase: "已成交确认", title: auction.announcement.notice.title });

    // The mining listing's bidders are admitted the day before it starts.
    clock.set_ms(at(mining_starts, 9)? - 20 * 3_600_000);
    admit_all(mining_id.clone(), 360 * WAN).await?;
    for (i, (days_in, price)) in [(0, 1_800), (1, 1_840), (2, 1_860)].into_iter().enumerate() {
        clock.set_ms(at(mining_starts, 10)? + days_in * DAY_MS);
        bid(i, mining_id.clone(), price).await?;
    }

    // 4. A property transfer disclosed 3 days ago for the 20 working days the law asks.
    clock.set_ms(now_ms - 3 * DAY_MS);
    let disclosed = china_time::date_of(app.now_ms());
    let close = calendar.add_working_days(disclosed, 21).map_err(|e| anyhow::anyhow!("{e}"))?;
    let bidding = calendar.add_working_days(close, 1).map_err(|e| anyhow::anyhow!("{e}"))?;
    let mut transfer = new(
        "property_transfer",
        "杭州市某国有企业持有的杭州演示数据科技有限公司35%股权（演示）",
        at(close, 17)?,
        at(bidding, 10)?,
        at(bidding, 11)?,
        None,
    );
    transfer.notice.description =
        "转让标的为35%股权，经核准的评估值为3,600万元；意向受让方须为依法存续的企业法人（演示数据）".to_owned();
    transfer.notice.start_price_fen = 3_600 * WAN;
    transfer.notice.increment_fen = 20 * WAN;
    transfer.notice.deposit_fen = 300 * WAN;
    transfer.notice.appraisal_fen = Some(3_600 * WAN);
    let transfer =
        app.announce_sale(&principal, transfer).await.map_err(explain).context("announcing the demo transfer")?;
    sales.push(DemoSale {
        sale_id: transfer.announcement.sale_id.clone(),
        phase: "信息披露中",
        title: transfer.announcement.notice.title,
    });

    // The listing's latest bids, in the last days.
    for (i, (days_ago, price)) in [(2, 12_500), (1, 12_600)].into_iter().enumerate() {
        clock.set_ms(now_ms - days_ago * DAY_MS);
        bid(i + 3, listing_id.clone(), price).await?;
    }
    sales.push(DemoSale { sale_id: listing_id, phase: "挂牌竞价中", title: listing.announcement.notice.title });
    // Two tender bids, sealed: only commitments (the salts stay with the demo bidders).
    for (i, price) in [(0, 8_100), (1, 8_350)] {
        let (actor, code) = &bidders[i];
        let commitment =
            reserve_commitment(price * WAN, &[u8::try_from(i).unwrap_or(0); 16]).map_err(|e| anyhow::anyhow!("{e}"))?;
        app.submit_sealed_sale_bid(actor, &tender_id, code, &hex::encode(commitment))
            .await
            .map_err(explain)
            .context("demo sealed bid")?;
    }
    sales.push(DemoSale { sale_id: tender_id, phase: "投标中", title: tender.announcement.notice.title });
    sales.push(DemoSale { sale_id: mining_id, phase: "挂牌竞价中", title: mining.announcement.notice.title });
    Ok(sales)
}
