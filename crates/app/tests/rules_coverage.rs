//! Keeps the rules-coverage tables in step with the code: `docs/rules-coverage.md` (issue `[W1-C]`, RULES.md
//! §0–§1) and `docs/rules-coverage-procurement.md` (issue `[W1-G]`, §2). Every ruleset entry a table names
//! exists in its built-in ruleset (and every `construction` entry is in the first table), the files and tests
//! it names exist, and the totals add up.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use ggzy_app::rulesets;

/// The test-file abbreviations of the table, as explained in its introduction.
const TEST_FILES: &[(&str, &str)] = &[
    ("RS", "crates/app/src/rulesets.rs"),
    ("TU", "crates/domain/src/tender.rs"),
    ("DT", "crates/domain/tests/deadline_table.rs"),
    ("DP", "crates/domain/tests/deadline_props.rs"),
    ("BP", "crates/domain/tests/bid_deadline_props.rs"),
    ("ENV", "crates/crypto/tests/envelope.rs"),
    ("BIDS", "crates/ggzy/tests/api/bids.rs"),
    ("OPEN", "crates/ggzy/tests/api/opening.rs"),
    ("AW", "crates/ggzy/tests/api/award.rs"),
    ("EM", "crates/domain/tests/evaluation_methods.rs"),
    ("EP", "crates/domain/tests/evaluation_props.rs"),
    ("SUP", "crates/ggzy/tests/api/supervision.rs"),
    ("PQ", "crates/ggzy/tests/api/prequalification.rs"),
    ("OBJ", "crates/ggzy/tests/api/objections.rs"),
    ("CMP", "crates/ggzy/tests/api/complaints.rs"),
    ("INV", "crates/ggzy/tests/api/invited.rs"),
    ("PS", "crates/domain/tests/project_scope.rs"),
    ("PRJ", "crates/ggzy/tests/api/projects.rs"),
    ("ALR", "crates/ggzy/tests/api/alerts.rs"),
    ("REF", "crates/ggzy/tests/api/reference_price.rs"),
    ("OOB", "crates/ggzy/tests/api/opening_objections.rs"),
    ("EV", "crates/ggzy/tests/api/evaluation.rs"),
    ("REL", "crates/ggzy/tests/api/relations.rs"),
    ("TS", "crates/ggzy/tests/api/two_stage.rs"),
    ("GPE", "crates/ggzy/tests/api/procurement.rs"),
    ("GPC", "crates/ggzy/tests/api/procurement_objections.rs"),
    ("GPP", "crates/domain/src/procurement/procedure_props.rs"),
    ("GSEL", "crates/domain/src/procurement/selection.rs"),
    ("GRU", "crates/domain/src/procurement/rules.rs"),
    ("GTR", "crates/domain/src/procurement/transitions.rs"),
    ("GCOM", "crates/domain/src/procurement/committee.rs"),
    ("GAW", "crates/domain/src/procurement/award.rs"),
    ("GOBJ", "crates/domain/src/procurement/objection.rs"),
    ("OCDS", "crates/ggzy/tests/ocds_export.rs"),
];

const STATUSES: [&str; 3] = ["covered", "encoded only", "not yet"];

/// One row of the table: id, ruleset entry, enforced in, test, status (the other columns are prose).
struct Row {
    id: String,
    ruleset: String,
    enforced: String,
    tests: String,
    status: String,
}

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn read(relative: &str) -> String {
    let path = workspace().join(relative);
    std::fs::read_to_string(&path).unwrap_or_else(|error| panic!("cannot read {}: {error}", path.display()))
}

/// The text between backticks in a cell.
fn quoted(cell: &str) -> Vec<&str> {
    cell.split('`').skip(1).step_by(2).collect()
}

/// The table rows: lines `| id | rule | source | ruleset entry | enforced in | test | status |` whose id
/// starts with a section number.
fn rows(doc: &str) -> Vec<Row> {
    doc.lines()
        .filter(|line| line.starts_with("| ") && line.as_bytes().get(2).is_some_and(u8::is_ascii_digit))
        .map(|line| {
            let cells: Vec<&str> = line.trim().trim_matches('|').split('|').map(str::trim).collect();
            assert_eq!(cells.len(), 7, "a row has 7 cells (no `|` inside a cell): {line}");
            Row {
                id: cells[0].to_owned(),
                ruleset: cells[3].to_owned(),
                enforced: cells[4].to_owned(),
                tests: cells[5].to_owned(),
                status: cells[6].to_owned(),
            }
        })
        .collect()
}

/// Checks one table against the built-in ruleset `ruleset_id`; with `complete`, every entry of that
/// ruleset must be named in the table.
fn check_table(doc_path: &str, ruleset_id: &str, complete: bool, min_rows: usize) {
    let doc = read(doc_path);
    let rows = rows(&doc);
    assert!(rows.len() >= min_rows, "{doc_path} has its rows ({} found)", rows.len());

    let mut ids = BTreeSet::new();
    for row in &rows {
        assert!(ids.insert(row.id.as_str()), "rule id {} appears twice", row.id);
        assert!(STATUSES.contains(&row.status.as_str()), "{}: unknown status “{}”", row.id, row.status);
    }

    // Ruleset entries: named ones exist; with `complete`, every entry is named.
    let sets = rulesets::builtin().expect("the built-in rulesets load");
    let entries: BTreeSet<&str> = sets
        .iter()
        .filter(|set| set.id == ruleset_id)
        .flat_map(|set| set.rules().iter().map(|rule| rule.id.as_str()))
        .collect();
    assert!(!entries.is_empty(), "a {ruleset_id} ruleset is built in");
    let named: BTreeSet<&str> = rows.iter().flat_map(|row| quoted(&row.ruleset)).collect();
    for id in &named {
        assert!(entries.contains(id), "{doc_path} names ruleset entry {id}, which the {ruleset_id} ruleset lacks");
    }
    if complete {
        let missing: Vec<&&str> = entries.iter().filter(|id| !named.contains(*id)).collect();
        assert!(missing.is_empty(), "{ruleset_id} entries missing from {doc_path}: {missing:?}");
    }

    // Files named as enforcing a rule exist; tests named exist in their file.
    for row in &rows {
        for path in quoted(&row.enforced).into_iter().filter(|text| text.contains('/') && text.ends_with(".rs")) {
            assert!(workspace().join(path).is_file(), "{}: {path} does not exist", row.id);
        }
        for test in quoted(&row.tests) {
            let (prefix, name) =
                test.split_once("::").unwrap_or_else(|| panic!("{}: test {test} lacks FILE::", row.id));
            let file = TEST_FILES
                .iter()
                .find(|(abbreviation, _)| *abbreviation == prefix)
                .map(|(_, file)| *file)
                .unwrap_or_else(|| panic!("{}: unknown test file abbreviation {prefix}", row.id));
            assert!(read(file).contains(&format!("fn {name}(")), "{}: no test {name} in {file}", row.id);
        }
        if row.status == "covered" {
            assert!(!quoted(&row.tests).is_empty(), "{} is covered but names no test", row.id);
        }
    }

    // Totals.
    let count = |status: &str| rows.iter().filter(|row| row.status == status).count();
    let (covered, encoded, not_yet) = (count("covered"), count("encoded only"), count("not yet"));
    let total = rows.len();
    let per_mille = (covered * 1000 + total / 2) / total;
    let totals = format!(
        "**Totals:** {total} H-rules, covered {covered} ({}.{}%), encoded only {encoded}, not yet {not_yet}.",
        per_mille / 10,
        per_mille % 10
    );
    assert!(doc.contains(&totals), "{doc_path} should state: {totals}");
}

#[test]
fn the_rules_coverage_table_matches_the_ruleset_the_code_and_its_totals() {
    check_table("docs/rules-coverage.md", "construction", true, 50);
}

#[test]
fn the_procurement_rules_coverage_table_matches_the_ruleset_the_code_and_its_totals() {
    check_table("docs/rules-coverage-procurement.md", "gov_procurement", false, 40);
}
