//! Interop with the PyPI oracles named in STACK.md: `gmssl` for SM2 (raw C1C3C2 ciphertexts, raw
//! `r || s` signatures, the default ID hard-coded), `cryptography` for SM4-GCM and `chinese-calendar`
//! for the working-day calendar. Runs only with
//! the `python-oracles` feature, which `.ci/run` enables after installing them in `.venv-oracle/`
//! (or set `GGZY_ORACLE_PYTHON`). A missing oracle is a failure, never a skip.

use std::process::Command;

use ggzy_crypto::sm2::{CiphertextFormat, PrivateKey, signature_der_from_raw, signature_raw_from_der};
use ggzy_crypto::sm4_gcm;

/// Runs a Python snippet with arguments; returns its trimmed standard output.
fn python(script: &str, args: &[String]) -> Result<String, String> {
    #[allow(clippy::disallowed_methods, reason = "the oracle's location is test configuration")]
    let interpreter = std::env::var("GGZY_ORACLE_PYTHON")
        .unwrap_or_else(|_| format!("{}/../../.venv-oracle/bin/python", env!("CARGO_MANIFEST_DIR")));
    let output = Command::new(&interpreter)
        .arg("-c")
        .arg(script)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("the Python oracle {interpreter} must be installed (see .ci/run): {e}"));
    if output.status.success() {
        Ok(String::from_utf8_lossy(&output.stdout).trim().to_owned())
    } else {
        Err(String::from_utf8_lossy(&output.stderr).into_owned())
    }
}

const GMSSL: &str = "import sys\nfrom gmssl import sm2\n\
crypt = sm2.CryptSM2(private_key=sys.argv[2], public_key=sys.argv[3], mode=1)\n";

fn keys() -> (PrivateKey, String, String) {
    let key = PrivateKey::generate(&mut rand::rng());
    let private_hex = hex::encode(key.to_scalar_bytes());
    // gmssl takes the public key as x || y without the 04 prefix.
    let public_hex = hex::encode(&key.verifying_key().to_uncompressed_point()[1..]);
    (key, private_hex, public_hex)
}

#[test]
fn sm2_ciphertexts_cross_gmssl_in_both_directions() {
    let (key, private_hex, public_hex) = keys();
    let data_key: Vec<u8> = (100u8..116).collect();

    let script = format!("{GMSSL}print(crypt.encrypt(bytes.fromhex(sys.argv[1])).hex())");
    let theirs = python(&script, &[hex::encode(&data_key), private_hex.clone(), public_hex.clone()]).expect("gmssl");
    // gmssl omits the 04 point prefix of C1.
    let mut raw = vec![0x04];
    raw.extend(hex::decode(theirs).expect("hex"));
    assert_eq!(key.decrypt(&raw, CiphertextFormat::Raw), Ok(data_key.clone()));
    let last = raw.len() - 1;
    raw[last] ^= 1;
    assert!(key.decrypt(&raw, CiphertextFormat::Raw).is_err(), "we check C3 (gmssl does not)");

    let ours = key.verifying_key().encrypt(&mut rand::rng(), &data_key, CiphertextFormat::Raw).expect("encrypt");
    let script = format!("{GMSSL}print(crypt.decrypt(bytes.fromhex(sys.argv[1])).hex())");
    let opened = python(&script, &[hex::encode(&ours[1..]), private_hex.clone(), public_hex.clone()]).expect("gmssl");
    assert_eq!(hex::decode(opened).expect("hex"), data_key);
    let mut altered = ours[1..].to_vec();
    let last = altered.len() - 1;
    altered[last] ^= 1;
    let garbled = python(&script, &[hex::encode(&altered), private_hex, public_hex]).unwrap_or_default();
    assert_ne!(hex::decode(garbled).unwrap_or_default(), data_key, "an altered C2 does not give the key back");
}

#[test]
fn sm2_signatures_cross_gmssl_in_both_directions() {
    let (key, private_hex, public_hex) = keys();
    let message = "中标候选人公示".as_bytes();

    let script = format!("{GMSSL}print(crypt.sign_with_sm3(bytes.fromhex(sys.argv[1])))");
    let theirs = python(&script, &[hex::encode(message), private_hex.clone(), public_hex.clone()]).expect("gmssl");
    let der = signature_der_from_raw(&hex::decode(theirs).expect("hex")).expect("raw r || s");
    assert_eq!(key.verifying_key().verify(message, &der), Ok(()));
    assert!(key.verifying_key().verify("中标候选人公示!".as_bytes(), &der).is_err());

    let raw = hex::encode(signature_raw_from_der(&key.sign(message)).expect("der"));
    let script = format!("{GMSSL}print(crypt.verify_with_sm3(sys.argv[4], bytes.fromhex(sys.argv[1])))");
    let verdict =
        |msg: &[u8]| python(&script, &[hex::encode(msg), private_hex.clone(), public_hex.clone(), raw.clone()]);
    assert_eq!(verdict(message).as_deref(), Ok("True"));
    assert_eq!(verdict(b"other").as_deref(), Ok("False"));
}

const SM4_GCM: &str = "import sys\n\
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes\n\
key, nonce, aad, data = (bytes.fromhex(a) for a in sys.argv[1:5])\n";

#[test]
fn sm4_gcm_crosses_pypi_cryptography_in_both_directions() {
    let key = [0x42_u8; sm4_gcm::KEY_LEN];
    let nonce = [0x24_u8; sm4_gcm::NONCE_LEN];
    let aad = "GZ-2026-001 第1标段".as_bytes();
    let bid = "投标报价：壹仟贰佰叁拾肆元伍角陆分".repeat(50);
    let args = |data: &[u8]| vec![hex::encode(key), hex::encode(nonce), hex::encode(aad), hex::encode(data)];

    let ours = sm4_gcm::seal(&key, &nonce, aad, bid.as_bytes());
    let open = format!(
        "{SM4_GCM}tag = data[-16:]\nd = Cipher(algorithms.SM4(key), modes.GCM(nonce, tag)).decryptor()\n\
         d.authenticate_additional_data(aad)\nprint((d.update(data[:-16]) + d.finalize()).hex())"
    );
    let opened = python(&open, &args(&ours)).expect("cryptography opens ours");
    assert_eq!(hex::decode(opened).expect("hex"), bid.as_bytes());
    let mut altered = ours.clone();
    altered[0] ^= 1;
    assert!(python(&open, &args(&altered)).is_err(), "cryptography refuses an altered ciphertext");

    let seal = format!(
        "{SM4_GCM}e = Cipher(algorithms.SM4(key), modes.GCM(nonce)).encryptor()\n\
         e.authenticate_additional_data(aad)\nprint((e.update(data) + e.finalize() + e.tag).hex())"
    );
    let theirs = hex::decode(python(&seal, &args(bid.as_bytes())).expect("cryptography seals")).expect("hex");
    assert_eq!(theirs, ours, "same key, nonce and data give the same bytes");
    assert_eq!(sm4_gcm::open(&key, &nonce, aad, &theirs).as_deref(), Ok(bid.as_bytes()));
}

/// Every day of every covered year, checked against PyPI `chinese-calendar` (STACK.md §3).
#[test]
fn the_working_day_calendar_agrees_with_chinese_calendar_on_every_covered_day() {
    let calendar = ggzy_app::calendar::builtin().expect("built-in calendar");
    let years: Vec<i16> = calendar.years().collect();
    let (first, last) = (*years.first().expect("years"), *years.last().expect("years"));
    let mut day = jiff::civil::date(first, 1, 1);
    let mut flags = String::new();
    while day.year() <= last {
        flags.push(if calendar.is_working_day(day).expect("covered") { '1' } else { '0' });
        day = day.tomorrow().expect("next day");
    }
    let script = "import sys, datetime as dt, chinese_calendar as cc\n\
        day, flags = dt.date.fromisoformat(sys.argv[1]), sys.argv[2]\n\
        bad = []\n\
        for flag in flags:\n    \
            if (flag == '1') != cc.is_workday(day): bad.append(str(day))\n    \
            day += dt.timedelta(days=1)\n\
        print(len(bad), ' '.join(bad[:20]))";
    let start = format!("{first}-01-01");
    let verdict = python(script, &[start.clone(), flags.clone()]).expect("chinese-calendar");
    assert_eq!(verdict, "0", "days where our calendar and chinese-calendar disagree");
    // The comparison can fail: one flipped day is reported.
    let mut flipped: Vec<char> = flags.chars().collect();
    flipped[40] = if flipped[40] == '1' { '0' } else { '1' };
    let verdict = python(script, &[start, flipped.into_iter().collect()]).expect("chinese-calendar");
    assert!(verdict.starts_with("1 "), "{verdict}");
}
