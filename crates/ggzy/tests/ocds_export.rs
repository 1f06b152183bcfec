//! `ggzy export --ocds` on the demo data set, through the real binary: one compiled release per
//! published procedure (the draft stays out) and per government procurement, bids and bidders only after opening (招标投标法 第二十二条),
//! awards and contracts exactly where the demo's lots reached them. `.ci/run` validates the same
//! export with PyPI libcoveocds (`.ci/ocds_validate.py`).

use std::process::Command;

use serde_json::Value;

fn ggzy(args: &[&str]) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_ggzy")).args(args).output().expect("run ggzy");
    assert!(output.status.success(), "ggzy {args:?}: {}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8(output.stdout).expect("utf-8")
}

#[test]
fn the_demo_exports_one_compiled_release_per_published_procedure() {
    let dir = tempfile::tempdir().expect("dir");
    let data = dir.path().join("demo");
    let data = data.to_str().expect("path");
    let listing = ggzy(&["demo", "--data-dir", data, "--seed-only"]);
    let out = dir.path().join("ocds.jsonl");
    ggzy(&[
        "export",
        "--data-dir",
        data,
        "--ocds",
        "--ocid-prefix",
        "ocds-abc123",
        "--out",
        out.to_str().expect("path"),
    ]);
    let text = std::fs::read_to_string(&out).expect("export");
    let releases: Vec<Value> = text.lines().map(|line| serde_json::from_str(line).expect("a JSON line")).collect();

    let tenders = listing.lines().filter(|line| line.starts_with("招标项目 ")).count();
    let drafts = listing.lines().filter(|line| line.starts_with("招标项目 ") && line.contains("草稿")).count();
    assert_eq!((tenders, drafts), (13, 1), "{listing}");
    let procurements: Vec<&str> = listing.lines().filter(|line| line.starts_with("政府采购 ")).collect();
    assert_eq!(procurements.len(), 8, "{listing}");
    assert_eq!(releases.len(), tenders - drafts + procurements.len());
    let (procurement_releases, tender_releases): (Vec<&Value>, Vec<&Value>) =
        releases.iter().partition(|release| release["tender"]["id"].as_str().is_some_and(|id| id.starts_with("CG")));
    assert_eq!(procurement_releases.len(), procurements.len());
    for release in procurement_releases {
        let id = release["tender"]["id"].as_str().expect("procurement id");
        let line = procurements.iter().find(|line| line.contains(id)).expect("listed");
        let method = release["tender"]["procurementMethod"].as_str().expect("method");
        let details = release["tender"]["procurementMethodDetails"].as_str().expect("details");
        let expected = match details {
            "公开招标" | "框架协议采购" => "open",
            "邀请招标" => "selective",
            "单一来源" => "direct",
            _ => "limited",
        };
        assert_eq!(method, expected, "{line}");
        // Offers only after their deadline: none while bids are taken.
        if line.contains("递交投标（响应）文件中") {
            assert!(release.get("bids").is_none(), "{line}: sealed offers stay out");
        }
        let contracted = line.contains("合同已签订") || line.contains("合同已公告");
        assert_eq!(release.get("contracts").is_some(), contracted, "{line}");
        if contracted {
            assert_eq!(release["tender"]["status"], "complete", "{line}");
        }
    }
    for release in tender_releases {
        let tender_id = release["tender"]["id"].as_str().expect("tender id");
        assert_eq!(release["ocid"], format!("ocds-abc123-{tender_id}"));
        assert_eq!(release["tag"], serde_json::json!(["compiled"]));
        let line = listing.lines().find(|line| line.contains(tender_id)).expect("listed");
        let opened = line.contains("已开标");
        assert_eq!(release.get("bids").is_some(), opened, "{line}: bids only after opening");
        assert_eq!(release["tender"].get("tenderers").is_some(), opened, "{line}");
        let contracted = line.contains("已签订合同") || line.contains("已归档");
        assert_eq!(release.get("contracts").is_some(), contracted, "{line}");
        if contracted {
            assert_eq!(release["contracts"][0]["awardID"], release["awards"][0]["id"]);
            let winner = &release["awards"][0]["suppliers"][0]["id"];
            let bid = release["bids"]["details"]
                .as_array()
                .expect("bids")
                .iter()
                .find(|bid| &bid["tenderers"][0]["id"] == winner)
                .expect("the winner bid");
            assert_eq!(release["awards"][0]["value"], bid["value"], "the award is the winning bid's price");
        }
        let status = release["tender"]["status"].as_str().expect("status");
        let expected = if line.contains("已终止") {
            "cancelled"
        } else if line.contains("流标") {
            "unsuccessful"
        } else {
            status
        };
        assert_eq!(status, expected, "{line}");
    }
}
