//! Table-driven tests of the data codes (RULES.md section 8) and money, against fixed examples and
//! against an independent re-implementation of the check algorithms in the property tests.
//!
//! Fixture codes other than the two from RULES.md are synthetic: generated and cross-checked with a
//! separate script, not real entities.

use ggzy_domain::{
    CodeError, CreditCode, Fen, MoneyError, OrgCode, RegionCode, RegionLevel, RegionTable, RegionTableError,
    ResidentId, Sex,
};
use proptest::prelude::*;

const REGIONS_CSV: &str = include_str!("../../../data/regions/gbt2260.csv");

fn region(s: &str) -> RegionCode {
    RegionCode::parse(s).expect("test region code must be valid")
}

fn real_table() -> RegionTable {
    RegionTable::parse_csv(REGIONS_CSV).expect("the shipped region table parses")
}

// ---------------------------------------------------------------------------------------------
// Unified social credit code
// ---------------------------------------------------------------------------------------------

#[test]
fn credit_code_valid() {
    // (input, normalised, authority, category, region digits, org code)
    let rows = [
        ("91110000600037341L", "91110000600037341L", '9', '1', "110000", "600037341"),
        ("91350100M000100Y43", "91350100M000100Y43", '9', '1', "350100", "M000100Y4"),
        ("91330106MA27XK6R07", "91330106MA27XK6R07", '9', '1', "330106", "MA27XK6R0"),
        ("92440300L12345AB22", "92440300L12345AB22", '9', '2', "440300", "L12345AB2"),
        ("12100000400000018N", "12100000400000018N", '1', '2', "100000", "400000018"),
        ("5111000050001234XG", "5111000050001234XG", '5', '1', "110000", "50001234X"),
        ("Y1330000MA2HJKLP2X", "Y1330000MA2HJKLP2X", 'Y', '1', "330000", "MA2HJKLP2"),
        ("93310115MA1K4QRT9X", "93310115MA1K4QRT9X", '9', '3', "310115", "MA1K4QRT9"),
        ("N2420100MA4UW8XY6M", "N2420100MA4UW8XY6M", 'N', '2', "420100", "MA4UW8XY6"),
        ("31110000HJ1234565C", "31110000HJ1234565C", '3', '1', "110000", "HJ1234565"),
        ("91440300MA5FAE7P1C", "91440300MA5FAE7P1C", '9', '1', "440300", "MA5FAE7P1"),
        ("915101000987654301", "915101000987654301", '9', '1', "510100", "098765430"),
        // Normalisation: surrounding whitespace, lower case.
        ("  91110000600037341L\t", "91110000600037341L", '9', '1', "110000", "600037341"),
        ("91110000600037341l", "91110000600037341L", '9', '1', "110000", "600037341"),
        ("91350100m000100y43", "91350100M000100Y43", '9', '1', "350100", "M000100Y4"),
        ("n2420100ma4uw8xy6m", "N2420100MA4UW8XY6M", 'N', '2', "420100", "MA4UW8XY6"),
        // Region digits that are not in any table are still accepted (RULES.md 8.1).
        ("91999999600037341N", "91999999600037341N", '9', '1', "999999", "600037341"),
    ];
    for (input, normalised, authority, category, region_digits, org) in rows {
        let code = CreditCode::parse(input).unwrap_or_else(|e| panic!("{input:?} should be valid: {e}"));
        assert_eq!(code.as_str(), normalised, "{input:?}");
        assert_eq!(code.to_string(), normalised, "{input:?}");
        assert_eq!(code.registration_authority(), authority, "{input:?}");
        assert_eq!(code.entity_category(), category, "{input:?}");
        assert_eq!(code.region_digits(), region_digits, "{input:?}");
        assert_eq!(code.org_code().as_str(), org, "{input:?}");
        assert!(OrgCode::parse(org).is_ok(), "embedded org code {org} must be valid on its own");
        let via_from_str: CreditCode = input.parse().expect("FromStr agrees with parse");
        assert_eq!(via_from_str, code);
    }
}

#[test]
fn credit_code_invalid() {
    use CodeError::*;
    let rows: Vec<(&str, CodeError)> = vec![
        ("", Empty),
        ("   ", Empty),
        ("\t\n", Empty),
        // Wrong length.
        ("91110000600037341", Length { expected: 18, actual: 17 }),
        ("91110000600037341LL", Length { expected: 18, actual: 19 }),
        ("9", Length { expected: 18, actual: 1 }),
        ("911100006000373410000", Length { expected: 18, actual: 21 }),
        // Whitespace inside: counted, so either the length or the character is wrong.
        ("9111000060003734 1L", Length { expected: 18, actual: 19 }),
        ("91110000 00037341L", InvalidChar { position: 9, ch: ' ' }),
        ("91110000 600037341", InvalidChar { position: 9, ch: ' ' }),
        ("9111000060003734\u{3000}L", InvalidChar { position: 17, ch: '\u{3000}' }),
        // Forbidden letters I O S V Z, anywhere (also typed in lower case).
        ("I1110000600037341L", InvalidChar { position: 1, ch: 'I' }),
        ("9O110000600037341L", InvalidChar { position: 2, ch: 'O' }),
        ("91110000S00037341L", InvalidChar { position: 9, ch: 'S' }),
        ("911100006000V7341L", InvalidChar { position: 13, ch: 'V' }),
        ("91110000600037341Z", InvalidChar { position: 18, ch: 'Z' }),
        ("91110000600037341o", InvalidChar { position: 18, ch: 'o' }),
        ("91110000i00037341L", InvalidChar { position: 9, ch: 'i' }),
        // Letters in positions 3–8 (region code, digits only).
        ("91A10000600037341L", InvalidChar { position: 3, ch: 'A' }),
        ("9111000X600037341L", InvalidChar { position: 8, ch: 'X' }),
        ("911100a0600037341L", InvalidChar { position: 7, ch: 'a' }),
        // Non-ASCII look-alikes.
        ("９1110000600037341L", InvalidChar { position: 1, ch: '９' }),
        ("91110000600037341Ｌ", InvalidChar { position: 18, ch: 'Ｌ' }),
        ("统一社会信用代码统一社会信用代码统一", InvalidChar { position: 1, ch: '统' }),
        ("91110000-60003734L", InvalidChar { position: 9, ch: '-' }),
        // Embedded organisation code with a wrong check character, position 18 correct for it.
        ("91330106MA27XK6R1A", OrgCodeCheckDigit { expected: '0', actual: '1' }),
        ("92440300L12345AB35", OrgCodeCheckDigit { expected: '2', actual: '3' }),
        ("12100000400000019R", OrgCodeCheckDigit { expected: '8', actual: '9' }),
        ("91110000600037342L", OrgCodeCheckDigit { expected: '1', actual: '2' }),
        // Wrong final check character.
        ("91110000600037341X", CheckDigit { expected: 'L', actual: 'X' }),
        ("91110000600037341l0", Length { expected: 18, actual: 19 }),
        ("91350100M000100Y44", CheckDigit { expected: '3', actual: '4' }),
        ("91110000600037341M", CheckDigit { expected: 'L', actual: 'M' }),
        ("92110000600037341L", CheckDigit { expected: 'H', actual: 'L' }),
        // Single transposition in positions 1–8 is caught by position 18.
        ("19110000600037341L", CheckDigit { expected: '4', actual: 'L' }),
        // These pass the common wrong algorithm `CHARSET[Σ mod 31]` (RULES.md 8.1) and must fail.
        ("91330106MA27XK6R0Q", CheckDigit { expected: '7', actual: 'Q' }),
        ("92440300L12345AB2X", CheckDigit { expected: '2', actual: 'X' }),
        ("121000004000000189", CheckDigit { expected: 'N', actual: '9' }),
        // These pass the wrong letter values `ord(c) − 'A' + 10` (no gaps for I O S V Z) and must fail.
        ("91330106MA27XK6R0T", CheckDigit { expected: '7', actual: 'T' }),
        ("Y1330000MA2HJKLP2U", CheckDigit { expected: 'X', actual: 'U' }),
        ("N2420100MA4UW8XY6H", CheckDigit { expected: 'M', actual: 'H' }),
        ("91440300MA5FAE7P1R", CheckDigit { expected: 'C', actual: 'R' }),
    ];
    for (input, expected) in rows {
        assert_eq!(CreditCode::parse(input), Err(expected.clone()), "{input:?}");
        assert_eq!(input.parse::<CreditCode>(), Err(expected), "{input:?}");
    }
}

#[test]
fn credit_code_error_messages_are_chinese_and_actionable() {
    let cases = [
        ("91110000600037341", "长度应为18位，实际为17位"),
        ("91110000600037341X", "校验位错误：应为“L”，实际为“X”"),
        ("91A10000600037341L", "第3位字符“A”不合法"),
        ("91110000600037342L", "第17位应为“1”"),
        ("", "不能为空"),
    ];
    for (input, expected) in cases {
        let message = CreditCode::parse(input).expect_err("invalid input").to_string();
        assert!(message.contains(expected), "{input:?}: {message}");
    }
}

// ---------------------------------------------------------------------------------------------
// Organisation code
// ---------------------------------------------------------------------------------------------

#[test]
fn org_code_table() {
    use CodeError::*;
    let valid = [
        ("60003734-1", "600037341"),
        ("600037341", "600037341"),
        (" 60003734-1 ", "600037341"),
        ("M000100Y-4", "M000100Y4"),
        ("m000100y4", "M000100Y4"),
        ("MA27XK6R-0", "MA27XK6R0"),
        ("50001234-X", "50001234X"),
        ("50001234x", "50001234X"),
        ("40000001-8", "400000018"),
        // GB 11714 allows every letter in the body, including I O S V Z.
        ("ISOVZ000-6", "ISOVZ0006"),
    ];
    for (input, stored) in valid {
        let code = OrgCode::parse(input).unwrap_or_else(|e| panic!("{input:?} should be valid: {e}"));
        assert_eq!(code.as_str(), stored);
        assert_eq!(code.to_string(), stored);
        assert_eq!(input.parse::<OrgCode>().as_ref(), Ok(&code));
    }
    let invalid: Vec<(&str, CodeError)> = vec![
        ("", Empty),
        ("6000373", Length { expected: 9, actual: 7 }),
        ("6000373-41", Length { expected: 9, actual: 10 }),
        ("60003734--1", Length { expected: 9, actual: 11 }),
        ("600037341-", Length { expected: 9, actual: 10 }),
        ("60003734-2", CheckDigit { expected: '1', actual: '2' }),
        ("600037342", CheckDigit { expected: '1', actual: '2' }),
        ("60003734-A", InvalidChar { position: 10, ch: 'A' }),
        ("6000 734-1", InvalidChar { position: 5, ch: ' ' }),
        ("6000373_1", InvalidChar { position: 8, ch: '_' }),
        ("５0003734-1", InvalidChar { position: 1, ch: '５' }),
    ];
    for (input, expected) in invalid {
        assert_eq!(OrgCode::parse(input), Err(expected), "{input:?}");
    }
}

// ---------------------------------------------------------------------------------------------
// Resident ID
// ---------------------------------------------------------------------------------------------

#[test]
fn resident_id_valid() {
    // (input, stored, birth date, sex, masked)
    let rows = [
        ("11010519491231002X", "11010519491231002X", (1949, 12, 31), Sex::Female, "110105********002X"),
        ("11010519491231002x", "11010519491231002X", (1949, 12, 31), Sex::Female, "110105********002X"),
        ("360426199101010071", "360426199101010071", (1991, 1, 1), Sex::Male, "360426********0071"),
        (" 360426199101010071 ", "360426199101010071", (1991, 1, 1), Sex::Male, "360426********0071"),
        // Feb 29 in leap years (2000 is a leap year: divisible by 400).
        ("330106200002290010", "330106200002290010", (2000, 2, 29), Sex::Male, "330106********0010"),
        ("520102202402291564", "520102202402291564", (2024, 2, 29), Sex::Female, "520102********1564"),
        ("440305198001011235", "440305198001011235", (1980, 1, 1), Sex::Male, "440305********1235"),
        ("650102190012319879", "650102190012319879", (1900, 12, 31), Sex::Male, "650102********9879"),
    ];
    for (input, stored, birth, sex, masked) in rows {
        let id = ResidentId::parse(input).unwrap_or_else(|e| panic!("{input:?} should be valid: {e}"));
        assert_eq!(id.as_str(), stored);
        assert_eq!(id.birth_date(), birth);
        assert_eq!(id.sex(), sex);
        assert_eq!(id.masked(), masked);
        assert_eq!(id.address_code(), &stored[..6]);
        assert!(!format!("{id:?}").contains(stored), "Debug must not leak the number");
        assert_eq!(input.parse::<ResidentId>().as_ref(), Ok(&id));
    }
}

#[test]
fn resident_id_invalid() {
    use CodeError::*;
    let rows: Vec<(&str, CodeError)> = vec![
        ("", Empty),
        ("  ", Empty),
        ("11010519491231002", Length { expected: 18, actual: 17 }),
        ("11010519491231002X0", Length { expected: 18, actual: 19 }),
        // 15-digit first-generation numbers are not accepted.
        ("110105491231002", Length { expected: 18, actual: 15 }),
        // Wrong check character.
        ("110105194912310021", CheckDigit { expected: 'X', actual: '1' }),
        ("360426199101010072", CheckDigit { expected: '1', actual: '2' }),
        ("36042619910101007X", CheckDigit { expected: '1', actual: 'X' }),
        ("360426199101010171", CheckDigit { expected: '8', actual: '1' }),
        // Characters.
        ("1101051949123100XX", InvalidChar { position: 17, ch: 'X' }),
        ("11010519491231002Y", InvalidChar { position: 18, ch: 'Y' }),
        ("A1010519491231002X", InvalidChar { position: 1, ch: 'A' }),
        ("110105 9491231002X", InvalidChar { position: 7, ch: ' ' }),
        ("１10105194912310021", InvalidChar { position: 1, ch: '１' }),
        // Dates (each with a check character that is correct for the digits).
        ("330106199902290010", InvalidBirthDate), // Feb 29 in a non-leap year
        ("330106190002290022", InvalidBirthDate), // 1900 is not a leap year
        ("330106200113010018", InvalidBirthDate), // month 13
        ("330106200101000031", InvalidBirthDate), // day 0
        ("330106200104310043", InvalidBirthDate), // April 31
        ("330106189912310012", InvalidBirthDate), // before 1900
    ];
    for (input, expected) in rows {
        assert_eq!(ResidentId::parse(input), Err(expected), "{input:?}");
    }
}

#[test]
fn resident_id_birth_date_not_after_today() {
    let id = ResidentId::parse("520102202402291564").expect("valid id");
    let rows = [
        ((2024, 2, 28), false),
        ((2024, 2, 29), true),
        ((2024, 3, 1), true),
        ((2023, 12, 31), false),
        ((2030, 1, 1), true),
    ];
    for (today, expected) in rows {
        assert_eq!(id.birth_date_not_after(today), expected, "{today:?}");
    }
}

// ---------------------------------------------------------------------------------------------
// Region codes and the region table
// ---------------------------------------------------------------------------------------------

#[test]
fn region_code_parse() {
    use CodeError::*;
    let valid = [("330106", "330106"), (" 110000 ", "110000"), ("820001", "820001"), ("999999", "999999")];
    for (input, stored) in valid {
        assert_eq!(RegionCode::parse(input).map(|c| c.to_string()), Ok(stored.to_owned()), "{input:?}");
    }
    let invalid: Vec<(&str, CodeError)> = vec![
        ("", Empty),
        ("33010", Length { expected: 6, actual: 5 }),
        ("3301060", Length { expected: 6, actual: 7 }),
        ("33A106", InvalidChar { position: 3, ch: 'A' }),
        ("33 106", InvalidChar { position: 3, ch: ' ' }),
        ("-33010", InvalidChar { position: 1, ch: '-' }),
        ("３30106", InvalidChar { position: 1, ch: '３' }),
        ("000000", InvalidRegion { code: "000000".to_owned() }),
        ("001234", InvalidRegion { code: "001234".to_owned() }),
    ];
    for (input, expected) in invalid {
        assert_eq!(RegionCode::parse(input), Err(expected), "{input:?}");
    }
}

#[test]
fn region_code_hierarchy() {
    use RegionLevel::*;
    // (code, level, parent, province)
    let rows = [
        ("330000", Province, None, "330000"),
        ("330100", Prefecture, Some("330000"), "330000"),
        ("330106", County, Some("330100"), "330000"),
        ("429004", County, Some("429000"), "420000"),
        ("820001", County, Some("820000"), "820000"),
        ("110101", County, Some("110100"), "110000"),
    ];
    for (code, level, parent, province) in rows {
        let c = region(code);
        assert_eq!(c.level(), level, "{code}");
        assert_eq!(c.parent(), parent.map(region), "{code}");
        assert_eq!(c.province(), region(province), "{code}");
    }

    // (container, other, contains)
    let contains = [
        ("330000", "330000", true),
        ("330000", "330100", true),
        ("330000", "330106", true),
        ("330100", "330106", true),
        ("330100", "330100", true),
        ("330106", "330106", true),
        ("330100", "330000", false),
        ("330106", "330100", false),
        ("330106", "330108", false),
        ("330100", "330206", false),
        ("330000", "340000", false),
        ("330000", "310106", false),
        ("820000", "820001", true),
    ];
    for (container, other, expected) in contains {
        assert_eq!(region(container).contains(&region(other)), expected, "{container} ⊇ {other}");
    }
}

#[test]
fn region_table_real_file() {
    let table = real_table();
    assert_eq!(table.len(), 3427);
    assert!(!table.is_empty());
    let count = |level| table.iter().filter(|r| r.level == level).count();
    assert_eq!(count(RegionLevel::Province), 34);
    assert_eq!(count(RegionLevel::Prefecture), 345);
    assert_eq!(count(RegionLevel::County), 3048);
    let codes: Vec<RegionCode> = table.iter().map(|r| r.code).collect();
    assert!(codes.windows(2).all(|w| w[0] < w[1]), "iter is in code order");
    assert!(table.iter().all(|r| r.level == r.code.level()));

    let west_lake = table.get(&region("330106")).expect("西湖区 is in the table");
    assert_eq!(west_lake.name, "西湖区");
    assert_eq!(west_lake.level, RegionLevel::County);
    assert_eq!(table.get(&region("330199")), None);

    // validate: syntax first, then membership.
    assert_eq!(table.validate(" 330106 "), Ok(region("330106")));
    assert_eq!(table.validate("110000"), Ok(region("110000")));
    assert_eq!(table.validate("330199"), Err(CodeError::UnknownRegion { code: "330199".to_owned() }));
    assert_eq!(table.validate("999999"), Err(CodeError::UnknownRegion { code: "999999".to_owned() }));
    assert_eq!(table.validate("33010"), Err(CodeError::Length { expected: 6, actual: 5 }));
    assert_eq!(
        CodeError::UnknownRegion { code: "330199".to_owned() }.to_string(),
        "行政区划代码 330199 不存在，请核对代码或更新行政区划代码表"
    );
}

#[test]
fn region_table_children() {
    let table = real_table();
    // (parent, number of direct children, some expected children)
    let rows: [(&str, usize, &[&str]); 11] = [
        ("330000", 11, &["330100", "330200", "331100"]),
        ("330100", 13, &["330102", "330106"]),
        ("330106", 0, &[]),
        // Hubei: 13 prefectures plus 4 county-level units whose roll-up code 429000 has no row.
        ("420000", 17, &["420100", "429004", "429021"]),
        ("110000", 1, &["110100"]),
        ("110100", 16, &["110101", "110119"]),
        ("500000", 2, &["500100", "500200"]),
        ("820000", 9, &["820001", "820010"]),
        ("460000", 19, &["460100", "469001"]),
        // A prefecture-level city without counties.
        ("441900", 0, &[]),
        // A code not in the table has no children.
        ("990000", 0, &[]),
    ];
    for (parent, count, some) in rows {
        let children: Vec<String> = table.children(&region(parent)).map(|r| r.code.to_string()).collect();
        assert_eq!(children.len(), count, "{parent}: {children:?}");
        for child in some {
            assert!(children.iter().any(|c| c == child), "{parent} should have child {child}");
        }
        assert!(children.windows(2).all(|w| w[0] < w[1]), "children in code order");
    }
}

#[test]
fn region_table_full_name() {
    let table = real_table();
    let rows = [
        ("330106", Some("浙江省杭州市西湖区")),
        ("330100", Some("浙江省杭州市")),
        ("330000", Some("浙江省")),
        // Municipality: the prefecture row repeats the province name and is left out.
        ("110101", Some("北京市东城区")),
        ("110100", Some("北京市")),
        ("120101", Some("天津市和平区")),
        ("500101", Some("重庆市万州区")),
        ("500229", Some("重庆市城口县")),
        // County-level units directly under the province.
        ("429004", Some("湖北省仙桃市")),
        ("469001", Some("海南省五指山市")),
        ("659001", Some("新疆维吾尔自治区石河子市")),
        ("820001", Some("澳门特别行政区花王堂区")),
        ("441900", Some("广东省东莞市")),
        // Not in the table.
        ("330199", None),
        ("999999", None),
    ];
    for (code, expected) in rows {
        assert_eq!(table.full_name(&region(code)).as_deref(), expected, "{code}");
    }

    // Placeholder rows named 市辖区 / 县 are skipped.
    let csv = "code,name,level\n110000,北京市,province\n110100,市辖区,prefecture\n110101,东城区,county\n\
               110200,县,prefecture\n110228,密云县,county\n";
    let table = RegionTable::parse_csv(csv).expect("valid csv");
    assert_eq!(table.full_name(&region("110101")).as_deref(), Some("北京市东城区"));
    assert_eq!(table.full_name(&region("110228")).as_deref(), Some("北京市密云县"));
    assert_eq!(table.full_name(&region("110100")).as_deref(), Some("北京市"));
}

#[test]
fn region_table_tolerated_formatting() {
    let rows = [
        ("code,name,level\n", 0),
        ("code,name,level", 0),
        ("\u{feff}code,name,level\r\n110000,北京市,province\r\n", 1),
        ("code,name,level\n\n110000,北京市,province\n\n330000,浙江省,province\n", 2),
        (" code , name , level \n 110000 , 北京市 , province \n", 1),
    ];
    for (csv, len) in rows {
        let table = RegionTable::parse_csv(csv).unwrap_or_else(|e| panic!("{csv:?}: {e}"));
        assert_eq!(table.len(), len, "{csv:?}");
        assert_eq!(table.is_empty(), len == 0);
    }
}

#[test]
fn region_table_malformed() {
    use RegionTableError::*;
    let h = "code,name,level\n";
    let rows: Vec<(String, RegionTableError)> = vec![
        (String::new(), Header { found: String::new() }),
        ("110000,北京市,province\n".to_owned(), Header { found: "110000,北京市,province".to_owned() }),
        ("code,name\n".to_owned(), Header { found: "code,name".to_owned() }),
        ("code;name;level\n".to_owned(), Header { found: "code;name;level".to_owned() }),
        (format!("{h}110000\n"), MissingColumn { line: 2, column: "name" }),
        (format!("{h}110000,北京市\n"), MissingColumn { line: 2, column: "level" }),
        (format!("{h}110000,北京市,province,extra\n"), ExtraColumn { line: 2 }),
        (
            format!("{h}110000,北京市,province\n11000,北京,province\n"),
            BadCode { line: 3, code: "11000".to_owned(), error: CodeError::Length { expected: 6, actual: 5 } },
        ),
        (
            format!("{h}11000A,北京市,province\n"),
            BadCode { line: 2, code: "11000A".to_owned(), error: CodeError::InvalidChar { position: 6, ch: 'A' } },
        ),
        (
            format!("{h}000000,无,province\n"),
            BadCode {
                line: 2,
                code: "000000".to_owned(),
                error: CodeError::InvalidRegion { code: "000000".to_owned() },
            },
        ),
        (format!("{h},北京市,province\n"), BadCode { line: 2, code: String::new(), error: CodeError::Empty }),
        (format!("{h}110000,,province\n"), EmptyName { line: 2, code: "110000".to_owned() }),
        (format!("{h}110000,北京市,city\n"), UnknownLevel { line: 2, level: "city".to_owned() }),
        (format!("{h}110000,北京市,Province\n"), UnknownLevel { line: 2, level: "Province".to_owned() }),
        (format!("{h}110000,北京市,\n"), UnknownLevel { line: 2, level: String::new() }),
        (
            format!("{h}110100,北京市,province\n"),
            LevelMismatch {
                line: 2,
                code: "110100".to_owned(),
                expected: RegionLevel::Prefecture,
                actual: RegionLevel::Province,
            },
        ),
        (
            format!("{h}110000,北京市,province\n\n110101,东城区,county\n110000,北京,province\n"),
            DuplicateCode { line: 5, code: "110000".to_owned(), first_line: 2 },
        ),
    ];
    for (csv, expected) in rows {
        assert_eq!(RegionTable::parse_csv(&csv), Err(expected), "{csv:?}");
    }
}

#[test]
fn region_table_error_messages_name_the_line() {
    let h = "code,name,level\n";
    let cases = [
        (format!("{h}110000,北京市,province\n110000,北京,province\n"), "第3行：代码 110000 与第2行重复"),
        (format!("{h}11000,北京,province\n"), "第2行的代码“11000”不合法：长度应为6位，实际为5位"),
        (format!("{h}110000,北京市,city\n"), "第2行的级别“city”未知"),
        (format!("{h}110000\n"), "第2行缺少“name”列"),
        ("id,name\n".to_owned(), "第1行应为表头"),
    ];
    for (csv, expected) in cases {
        let message = RegionTable::parse_csv(&csv).expect_err("malformed").to_string();
        assert!(message.contains(expected), "{message}");
    }
}

// ---------------------------------------------------------------------------------------------
// Money
// ---------------------------------------------------------------------------------------------

#[test]
fn money_parse_valid() {
    let rows: [(&str, i64); 33] = [
        ("0", 0),
        ("1234", 123_400),
        ("1234.5", 123_450),
        ("1234.56", 123_456),
        ("1,234.56", 123_456),
        ("1,234,567.89", 123_456_789),
        ("123,456", 12_345_600),
        ("1234.56元", 123_456),
        ("1,234.56元", 123_456),
        ("¥1,234.56", 123_456),
        ("￥1,234.56", 123_456),
        ("￥1,234.56元", 123_456),
        ("12.5万元", 12_500_000),
        ("12.5万", 12_500_000),
        ("1万元", 1_000_000),
        ("1,000万元", 1_000_000_000),
        ("0.000001万元", 1),
        ("0.01万", 10_000),
        ("0.01", 1),
        ("0.1", 10),
        ("-5", -500),
        ("-0.05", -5),
        ("-¥1,234.56", -123_456),
        ("¥-1,234.56", -123_456),
        ("-12.5万元", -12_500_000),
        ("  1234.56  ", 123_456),
        ("12.5 万元", 12_500_000),
        ("1234.56 元", 123_456),
        ("007", 700),
        ("-0", 0),
        ("92,233,720,368,547,758.07", i64::MAX),
        ("-92,233,720,368,547,758.08", i64::MIN),
        ("9223372036854.775807万元", i64::MAX),
    ];
    for (input, fen) in rows {
        assert_eq!(Fen::parse(input), Ok(Fen(fen)), "{input:?}");
        assert_eq!(input.parse::<Fen>(), Ok(Fen(fen)), "{input:?}");
    }
}

#[test]
fn money_parse_invalid() {
    use MoneyError::*;
    let rows: Vec<(&str, MoneyError)> = vec![
        ("", Empty),
        ("   ", Empty),
        ("-", MissingDigits),
        ("¥", MissingDigits),
        ("元", MissingDigits),
        ("万元", MissingDigits),
        ("-¥元", MissingDigits),
        (".5", MissingDigits),
        ("1234.", MissingDigits),
        ("1.234", TooManyDecimals { unit: "元", max: 2, actual: 3 }),
        ("0.001元", TooManyDecimals { unit: "元", max: 2, actual: 3 }),
        ("0.0000001万元", TooManyDecimals { unit: "万元", max: 6, actual: 7 }),
        ("1.1234567万", TooManyDecimals { unit: "万元", max: 6, actual: 7 }),
        ("1,23.4", MisplacedSeparator),
        ("12,34", MisplacedSeparator),
        ("1234,567", MisplacedSeparator),
        (",123", MisplacedSeparator),
        ("1,,234", MisplacedSeparator),
        ("1,234,", MisplacedSeparator),
        ("1.234,56", MisplacedSeparator),
        ("1.2.3", MultipleDots),
        ("1..2", MultipleDots),
        ("1万万", MisplacedUnit { ch: '万' }),
        ("万万", MisplacedUnit { ch: '万' }),
        ("1万2", MisplacedUnit { ch: '万' }),
        ("12元万", MisplacedUnit { ch: '元' }),
        ("12.5万元元", MisplacedUnit { ch: '万' }),
        ("--5", MisplacedPrefix { ch: '-' }),
        ("5-", MisplacedPrefix { ch: '-' }),
        ("¥¥5", MisplacedPrefix { ch: '¥' }),
        ("5¥", MisplacedPrefix { ch: '¥' }),
        ("+5", InvalidCharacter { ch: '+' }),
        ("abc", InvalidCharacter { ch: 'a' }),
        ("NaN", InvalidCharacter { ch: 'N' }),
        ("inf", InvalidCharacter { ch: 'i' }),
        ("1e5", InvalidCharacter { ch: 'e' }),
        ("12 34", InvalidCharacter { ch: ' ' }),
        ("１２３", InvalidCharacter { ch: '１' }),
        ("1，234", InvalidCharacter { ch: '，' }),
        ("12美元", InvalidCharacter { ch: '美' }),
        ("$12", InvalidCharacter { ch: '$' }),
        ("92,233,720,368,547,758.08", Overflow),
        ("-92,233,720,368,547,758.09", Overflow),
        ("100000000000000000000000000000000000000000000000", Overflow),
        ("9223372036854.775808万元", Overflow),
    ];
    for (input, expected) in rows {
        assert_eq!(Fen::parse(input), Err(expected), "{input:?}");
    }
}

#[test]
fn money_error_messages() {
    let cases = [
        ("1.234", "金额格式错误：以元为单位最多保留2位小数（精确到分），实际有3位"),
        ("1,23.4", "千位分隔符"),
        ("", "金额不能为空"),
        ("1万万", "单位“万”只能写在金额末尾"),
        ("abc", "不能识别的字符“a”"),
    ];
    for (input, expected) in cases {
        let message = Fen::parse(input).expect_err("invalid").to_string();
        assert!(message.starts_with("金额格式错误："), "{message}");
        assert!(message.contains(expected), "{message}");
    }
}

#[test]
fn money_display() {
    let rows = [
        (0, "0.00"),
        (1, "0.01"),
        (10, "0.10"),
        (100, "1.00"),
        (123_456, "1,234.56"),
        (99_999, "999.99"),
        (100_000, "1,000.00"),
        (12_345_678_901, "123,456,789.01"),
        (-5, "-0.05"),
        (-123_456, "-1,234.56"),
        (-100_000_000, "-1,000,000.00"),
    ];
    for (fen, expected) in rows {
        assert_eq!(Fen(fen).to_string(), expected, "{fen}");
    }
}

#[test]
fn money_capital() {
    let rows: [(i64, &str); 41] = [
        (0, "零元整"),
        (1, "壹分"),
        (5, "伍分"),
        (50, "伍角"),
        (56, "伍角陆分"),
        (100, "壹元整"),
        (1_000, "壹拾元整"),
        (1_005, "壹拾元零伍分"),
        (1_050, "壹拾元零伍角"),
        (1_100, "壹拾壹元整"),
        (10_000, "壹佰元整"),
        (100_500, "壹仟零伍元整"),
        (123_456, "壹仟贰佰叁拾肆元伍角陆分"),
        (140_950, "壹仟肆佰零玖元伍角"),
        (600_714, "陆仟零柒元壹角肆分"),
        (168_032, "壹仟陆佰捌拾元零叁角贰分"),
        (1_640_902, "壹万陆仟肆佰零玖元零贰分"),
        (32_504, "叁佰贰拾伍元零肆分"),
        (10_700_053, "壹拾万柒仟元零伍角叁分"),
        (10_000_050, "壹拾万元零伍角"),
        // 万 boundary.
        (1_000_000, "壹万元整"),
        (1_000_100, "壹万零壹元整"),
        (1_001_000, "壹万零壹拾元整"),
        (1_100_000, "壹万壹仟元整"),
        (10_000_000, "壹拾万元整"),
        (10_010_000, "壹拾万零壹佰元整"),
        (200_001_000, "贰佰万零壹拾元整"),
        (999_999_999, "玖佰玖拾玖万玖仟玖佰玖拾玖元玖角玖分"),
        // 亿 boundary.
        (10_000_000_000, "壹亿元整"),
        (10_000_000_100, "壹亿零壹元整"),
        (10_001_000_000, "壹亿零壹万元整"),
        (10_100_000_000, "壹亿零壹佰万元整"),
        (11_000_000_000, "壹亿壹仟万元整"),
        (100_000_000_000, "壹拾亿元整"),
        (100_000_000_000_000, "壹万亿元整"),
        (1_000_000_000_000_000, "壹拾万亿元整"),
        (1_234_567_890_123, "壹佰贰拾叁亿肆仟伍佰陆拾柒万捌仟玖佰零壹元贰角叁分"),
        (
            // Beyond 亿亿 the part above 亿 is written recursively.
            i64::MAX,
            "玖亿贰仟贰佰叁拾叁万柒仟贰佰零叁亿陆仟捌佰伍拾肆万柒仟柒佰伍拾捌元零柒分",
        ),
        // Negative.
        (-123_456, "负壹仟贰佰叁拾肆元伍角陆分"),
        (-50, "负伍角"),
        (i64::MIN, "负玖亿贰仟贰佰叁拾叁万柒仟贰佰零叁亿陆仟捌佰伍拾肆万柒仟柒佰伍拾捌元零捌分"),
    ];
    for (fen, expected) in rows {
        assert_eq!(Fen(fen).to_capital(), expected, "{fen}");
    }
}

#[test]
fn money_arithmetic() {
    assert_eq!(Fen::ZERO, Fen(0));
    assert_eq!(Fen::default(), Fen::ZERO);
    assert_eq!(Fen::from_yuan(12), Some(Fen(1_200)));
    assert_eq!(Fen::from_yuan(-12), Some(Fen(-1_200)));
    assert_eq!(Fen::from_yuan(i64::MAX / 100), Some(Fen(i64::MAX / 100 * 100)));
    assert_eq!(Fen::from_yuan(i64::MAX / 100 + 1), None);
    assert_eq!(Fen(1).checked_add(Fen(2)), Some(Fen(3)));
    assert_eq!(Fen(i64::MAX).checked_add(Fen(1)), None);
    assert_eq!(Fen(1).checked_sub(Fen(2)), Some(Fen(-1)));
    assert_eq!(Fen(i64::MIN).checked_sub(Fen(1)), None);
    assert_eq!(Fen(250).checked_mul(4), Some(Fen(1_000)));
    assert_eq!(Fen(i64::MAX).checked_mul(2), None);
    assert!(Fen(-1) < Fen::ZERO);
}

// ---------------------------------------------------------------------------------------------
// Property tests, with an independent oracle for the check characters
// ---------------------------------------------------------------------------------------------

/// GB 32100 character set, written out again on purpose (oracle independent of the crate).
const USCC_SET: &str = "0123456789ABCDEFGHJKLMNPQRTUWXY";

fn oracle_uscc_check(body: &[char]) -> char {
    let mut weight = 1u32;
    let mut sum = 0u32;
    for c in body {
        let v = USCC_SET.find(*c).map_or(0, |i| u32::try_from(i).unwrap_or(0));
        sum += v * weight;
        weight = weight * 3 % 31;
    }
    USCC_SET.chars().nth(usize::try_from((31 - sum % 31) % 31).unwrap_or(0)).unwrap_or('?')
}

fn oracle_org_check(body: &[char]) -> char {
    let sum: u32 = body.iter().zip([3, 7, 9, 10, 5, 8, 4, 2]).map(|(c, w)| c.to_digit(36).unwrap_or(0) * w).sum();
    match 11 - sum % 11 {
        10 => 'X',
        11 => '0',
        d => char::from_digit(d, 10).unwrap_or('?'),
    }
}

fn uscc_char() -> impl Strategy<Value = char> {
    proptest::sample::select(USCC_SET.chars().collect::<Vec<_>>())
}

/// A valid credit code built from random parts with the oracle's check characters.
fn valid_credit_code() -> impl Strategy<Value = String> {
    (
        proptest::collection::vec(uscc_char(), 2),
        proptest::collection::vec(proptest::char::range('0', '9'), 6),
        proptest::collection::vec(uscc_char(), 8),
    )
        .prop_map(|(head, region, org)| {
            let mut body: Vec<char> = head.into_iter().chain(region).chain(org.iter().copied()).collect();
            body.push(oracle_org_check(&org));
            body.push(oracle_uscc_check(&body));
            body.into_iter().collect()
        })
}

fn oracle_resident_check(body: &[u32]) -> char {
    let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let sum: u32 = body.iter().zip(weights).map(|(d, w)| d * w).sum();
    ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'][usize::try_from(sum % 11).unwrap_or(0)]
}

fn valid_resident_id() -> impl Strategy<Value = String> {
    (100_000u32..999_999, 1900u32..2100, 1u32..=12, 1u32..=28, 0u32..1000).prop_map(|(addr, y, m, d, seq)| {
        let body = format!("{addr:06}{y:04}{m:02}{d:02}{seq:03}");
        let digits: Vec<u32> = body.chars().filter_map(|c| c.to_digit(10)).collect();
        format!("{body}{}", oracle_resident_check(&digits))
    })
}

proptest! {
    #[test]
    fn fen_display_parse_round_trip(n in any::<i64>()) {
        let fen = Fen(n);
        prop_assert_eq!(Fen::parse(&fen.to_string()), Ok(fen));
        // Also without separators and with the symbol and unit.
        let plain = format!("{}¥{}.{:02}元", if n < 0 { "-" } else { "" }, n.unsigned_abs() / 100, n.unsigned_abs() % 100);
        prop_assert_eq!(Fen::parse(&plain), Ok(fen));
    }

    #[test]
    fn fen_wan_matches_yuan(n in -1_000_000_000_000i64..1_000_000_000_000) {
        // n fen written in 万元 with six decimals.
        let wan = format!("{}{}.{:06}万元", if n < 0 { "-" } else { "" }, n.unsigned_abs() / 1_000_000, n.unsigned_abs() % 1_000_000);
        prop_assert_eq!(Fen::parse(&wan), Ok(Fen(n)));
    }

    #[test]
    fn capital_never_panics_and_has_a_unit(n in any::<i64>()) {
        let capital = Fen(n).to_capital();
        prop_assert!(capital.ends_with('整') || capital.ends_with('角') || capital.ends_with('分'));
        prop_assert!(!capital.contains("零零"));
        prop_assert_eq!(capital.starts_with('负'), n < 0);
    }

    #[test]
    fn fen_parse_never_panics(s in "\\PC{0,30}") {
        let _ = Fen::parse(&s);
        let _ = CreditCode::parse(&s);
        let _ = ResidentId::parse(&s);
        let _ = OrgCode::parse(&s);
        let _ = RegionCode::parse(&s);
    }

    #[test]
    fn credit_code_valid_body_parses(code in valid_credit_code()) {
        let parsed = CreditCode::parse(&code);
        prop_assert!(parsed.is_ok(), "{} rejected: {:?}", code, parsed);
        prop_assert_eq!(parsed.map(|c| c.as_str().to_owned()), Ok(code.clone()));
        prop_assert_eq!(CreditCode::check_char_for(&code[..17]), code.chars().last());
        let lower = CreditCode::parse(&code.to_lowercase()).map(|c| c.as_str().to_owned());
        prop_assert_eq!(lower, Ok(code));
    }

    #[test]
    fn credit_code_single_change_rejected(
        code in valid_credit_code(),
        position in 0usize..18,
        replacement in proptest::sample::select("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ -*中".chars().collect::<Vec<_>>()),
    ) {
        let mut chars: Vec<char> = code.chars().collect();
        prop_assume!(chars[position] != replacement);
        chars[position] = replacement;
        let changed: String = chars.into_iter().collect();
        prop_assert!(CreditCode::parse(&changed).is_err(), "{} accepted (from {})", changed, code);
    }

    #[test]
    fn resident_id_valid_parses_and_single_change_rejected(
        id in valid_resident_id(),
        position in 0usize..18,
        replacement in proptest::sample::select("0123456789Xx ".chars().collect::<Vec<_>>()),
    ) {
        let parsed = ResidentId::parse(&id);
        prop_assert!(parsed.is_ok(), "{} rejected: {:?}", id, parsed);
        let mut chars: Vec<char> = id.chars().collect();
        prop_assume!(!chars[position].eq_ignore_ascii_case(&replacement));
        chars[position] = replacement;
        let changed: String = chars.into_iter().collect();
        prop_assert!(ResidentId::parse(&changed).is_err(), "{} accepted (from {})", changed, id);
    }

    #[test]
    fn region_code_round_trip_and_hierarchy(n in 10_000u32..1_000_000) {
        let code = region(&format!("{n:06}"));
        prop_assert_eq!(RegionCode::parse(code.as_str()), Ok(code));
        prop_assert!(code.contains(&code));
        prop_assert!(code.province().contains(&code));
        let mut ancestor = code.parent();
        while let Some(a) = ancestor {
            prop_assert!(a.contains(&code));
            prop_assert!(a.level() < code.level());
            ancestor = a.parent();
        }
    }
}
