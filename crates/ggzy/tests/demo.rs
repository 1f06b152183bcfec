//! The demo's tenders, seeded in-process the way `ggzy demo` seeds them (a fake clock 40 days
//! back, the server's clock at "now"), stand where the demo promises: lot 1 of the opened ones in
//! the award stages `opened`, `contracted`, `publicity` and `evaluating`, read through the public
//! view of the award procedure. "Now" is fixed so the test does not depend on the day it runs: a
//! plain day, and one whose history runs through the National Day holiday (the calendar moves the
//! contracted lot's award later).

use std::sync::Arc;

use ggzy::config::Config;
use ggzy::{demo, demo_tenders, server};
use ggzy_app::clock::FakeClock;

const DAY_MS: i64 = 86_400_000;

/// Seeds the demo as `ggzy demo` does with the real clock at `now` (China time); returns the
/// tenders' lot-1 stages (`None` for a tender that is not opened), in creation order.
async fn seeded_stages(now: &str) -> Vec<(String, Option<String>)> {
    let now_ms = now.parse::<jiff::Timestamp>().expect("timestamp").as_millisecond();
    let dir = tempfile::tempdir().expect("data directory");
    let config = Config { data_dir: dir.path().to_owned(), cookie_secure: false, ..Config::default() };
    demo_tenders::prepare_pki(&config.data_dir, now_ms / 1000).expect("demo PKI");
    let server = server::build(&config, Arc::new(FakeClock::at(now_ms))).await.expect("server");
    let clock = FakeClock::at(now_ms - 40 * DAY_MS);
    let seeding = server.app.with_clock(Arc::new(clock.clone()));
    demo::seed_demo(&seeding).await.expect("demo data");
    let tenders = demo_tenders::seed_tenders(&seeding, &clock, &config.data_dir).await.expect("demo tenders");
    assert!(seeding.now_ms() < now_ms, "the demo's history ends before now");
    // A later start lists the same tenders, with the same states, from the store alone.
    assert_eq!(demo_tenders::list(&server.app).await.expect("list"), tenders);

    let mut stages = Vec::new();
    for tender in &tenders {
        let state = server.app.tender(&tender.tender_id).await.expect("tender").state;
        let stage = if state == ggzy_domain::tender::TenderState::Opened {
            let lot = server.app.lot_award(None, &tender.tender_id, "1").await.expect("lot 1");
            if lot.stage.as_str() == "publicity" {
                let publicity = lot.publicity.as_ref().expect("publicity view");
                assert!(!publicity.over, "{now}: the publicity is over already: {publicity:?}");
            }
            if lot.stage.as_str() == "contracted" {
                let contract = lot.contract.as_ref().expect("contract");
                assert!(contract.in_time, "{now}: the contract is late: {contract:?}");
                assert_eq!(lot.objections.len(), 1, "{now}: one objection");
                assert!(lot.objections.iter().all(|o| o.answered_day.is_some()), "{now}: answered");
                assert!(tender.state.contains("已签订合同"), "{now}: {}", tender.state);
            }
            Some(lot.stage.as_str().to_owned())
        } else {
            None
        };
        stages.push((tender.title.clone(), stage));
    }
    server.app.store().close().await;
    stages
}

#[tokio::test]
async fn the_demo_seeds_lots_in_every_promised_award_stage() {
    for now in ["2026-12-07T10:00:00+08:00", "2026-10-16T23:50:00+08:00"] {
        let stages = seeded_stages(now).await;
        let stages: Vec<Option<&str>> = stages.iter().map(|(_, stage)| stage.as_deref()).collect();
        assert_eq!(
            stages,
            [Some("opened"), None, Some("contracted"), Some("publicity"), Some("evaluating"), None, None],
            "{now}: opened, failed, contracted, publicity, evaluating, taking bids, draft"
        );
    }
}
