//! The demo's tenders, seeded in-process the way `ggzy demo` seeds them (a fake clock 40 days
//! back, the server's clock at "now"), stand where the demo promises: a tender in every state a
//! procedure rests in (draft, pre-qualifying, two-stage proposing, bidding, suspended, terminated, failed at
//! pre-qualification and at the deadline, opened), and lot 1 of the opened ones in the award
//! stages `opened`, `archived`, `contracted`, `publicity` and `evaluating`, read through the public
//! views of the tender and of the award procedure. "Now" is fixed so the test does not depend on
//! the day it runs: a plain day, and one whose history runs through the National Day holiday (the
//! calendar moves the contracted lots' award later).

use std::sync::Arc;

use ggzy::config::Config;
use ggzy::{demo, demo_tenders, server};
use ggzy_app::clock::FakeClock;
use ggzy_domain::tender::TenderState;

const DAY_MS: i64 = 86_400_000;

/// Seeds the demo as `ggzy demo` does with the real clock at `now` (China time); returns each
/// tender's state and lot-1 stage (`None` for a tender that is not opened), in creation order.
async fn seeded_stages(now: &str) -> Vec<(TenderState, Option<String>)> {
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
    // The README's bid flow and the CLI test bid for the one line showing 投标中.
    assert_eq!(tenders.iter().filter(|t| t.state.contains("投标中")).count(), 1, "{now}: {tenders:?}");

    let mut stages = Vec::new();
    for tender in &tenders {
        let state = server.app.tender(&tender.tender_id).await.expect("tender").state;
        assert!(tender.state.starts_with(state.label()), "{now}: {} listed as {}", state.label(), tender.state);
        let stage = if state == TenderState::Opened {
            let lot = server.app.lot_award(None, &tender.tender_id, "1").await.expect("lot 1");
            if lot.stage.as_str() == "publicity" {
                let publicity = lot.publicity.as_ref().expect("publicity view");
                assert!(!publicity.over, "{now}: the publicity is over already: {publicity:?}");
            }
            if matches!(lot.stage.as_str(), "contracted" | "archived") {
                let contract = lot.contract.as_ref().expect("contract");
                assert!(contract.in_time, "{now}: the contract is late: {contract:?}");
                assert_eq!(lot.objections.len(), 1, "{now}: one objection");
                assert!(lot.objections.iter().all(|o| o.answered_day.is_some()), "{now}: answered");
                assert!(tender.state.contains(lot.stage.label()), "{now}: {}", tender.state);
            }
            if lot.stage.as_str() == "archived" {
                // Closed on time: the securities within 5 days of the contract (条例57), the report
                // within 15 days of the award (法47).
                assert!(matches!(lot.refunded, Some((_, true))), "{now}: refunds {:?}", lot.refunded);
                assert!(matches!(lot.regulator_report, Some((_, true))), "{now}: report {:?}", lot.regulator_report);
            }
            Some(lot.stage.as_str().to_owned())
        } else {
            None
        };
        stages.push((state, stage));
    }
    // Every demo draw reproduces from its published events, against the signed tree heads.
    let key_pem = server.app.platform_public_key_pem().expect("platform key");
    let key = ggzy_crypto::sm2::PublicKey::from_public_key_pem(&key_pem).expect("key");
    let draws = ggzy::verify_draw::verify_in_store(server.app.store(), "all", Some(&key)).await.expect("draws verify");
    // One per lot that reached a committee (archived, contracted, publicity, evaluating) and the
    // opened tender's, made ahead of its committee.
    assert_eq!(draws.len(), 5, "{now}: five demo draws");
    assert_eq!(draws.iter().map(|d| d.replacements).sum::<usize>(), 1, "{now}: one replacement");
    assert!(draws.iter().all(|d| d.signature_checked && d.picks >= 4), "{now}: {draws:?}");
    server.app.store().close().await;
    stages
}

#[tokio::test]
async fn the_demo_seeds_procedures_in_every_promised_state() {
    use TenderState::*;
    let opened = |stage: &str| (Opened, Some(stage.to_owned()));
    let expected = [
        opened("opened"),
        (Failed, None),
        opened("archived"),
        opened("contracted"),
        (Terminated, None),
        (Failed, None), // at pre-qualification
        opened("publicity"),
        opened("evaluating"),
        (Suspended, None),
        (Bidding, None),
        (Prequalifying, None),
        (Proposing, None),
        (Draft, None),
    ];
    for now in ["2026-12-07T10:00:00+08:00", "2026-10-16T23:50:00+08:00"] {
        assert_eq!(seeded_stages(now).await, expected, "{now}");
    }
}

/// The demo's government procurements: every method, in the states the demo promises, seeded as
/// `ggzy demo` seeds them (after the demo's entities and users), on a plain day and on one whose
/// history runs through National Day.
#[tokio::test]
async fn the_demo_seeds_a_procurement_of_every_method_in_several_states() {
    for now in ["2026-12-07T10:00:00+08:00", "2026-10-16T23:50:00+08:00"] {
        let now_ms = now.parse::<jiff::Timestamp>().expect("timestamp").as_millisecond();
        let dir = tempfile::tempdir().expect("data directory");
        let config = Config { data_dir: dir.path().to_owned(), cookie_secure: false, ..Config::default() };
        let server = server::build(&config, Arc::new(FakeClock::at(now_ms))).await.expect("server");
        let seeding = server.app.with_clock(Arc::new(FakeClock::at(now_ms - 40 * DAY_MS)));
        demo::seed_demo(&seeding).await.expect("demo data");
        ggzy::demo_procurement::seed_procurements(&server.app, now_ms).await.expect("demo procurements");
        let mut seeded: Vec<(String, &str)> = server
            .app
            .procurements(50)
            .await
            .expect("procurements")
            .into_iter()
            .map(|view| (view.plan.request.method, view.state.as_str()))
            .collect();
        seeded.sort();
        let expected = [
            ("competitive_consultation", "reported"),
            ("competitive_negotiation", "suspended"),
            ("framework_agreement", "contracted"),
            ("inquiry", "bidding"),
            ("invited_tender", "method_approval"),
            ("open_tender", "bidding"),
            ("open_tender", "contract_published"),
            ("single_source", "publicity"),
        ];
        let expected: Vec<(String, &str)> =
            expected.into_iter().map(|(method, state)| (method.to_owned(), state)).collect();
        assert_eq!(seeded, expected, "{now}");
        // Listing computes every view with its clocks (the complaint's, the suspension's cap).
        let list = ggzy::demo_procurement::list(&server.app).await.expect("list");
        assert_eq!(list.len(), 8);
        server.app.store().close().await;
    }
}
