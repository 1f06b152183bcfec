//! Interop with OpenSSL's command line: our SM2 signatures verify there and theirs verify here, only
//! with the GM/T default ID; our keys parse there; SM3 agrees. A missing `openssl` is a failure.

use std::path::Path;
use std::process::Command;

use ggzy_crypto::sm2::{CiphertextFormat, DEFAULT_DIST_ID, PrivateKey, PublicKey};

fn openssl(args: &[&str], dir: &Path) -> (bool, String) {
    let output =
        Command::new("openssl").args(args).current_dir(dir).output().expect("the openssl command is installed");
    let text = format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    (output.status.success(), text)
}

fn distid() -> String {
    format!("distid:{DEFAULT_DIST_ID}")
}

#[test]
fn our_sm2_signatures_verify_in_openssl_only_with_the_default_id() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let key = PrivateKey::generate(&mut rand::rng());
    std::fs::write(dir.path().join("key.pem"), key.to_pkcs8_pem().expect("pem")).expect("write key");
    std::fs::write(dir.path().join("pub.pem"), key.verifying_key().to_public_key_pem().expect("pem")).expect("write");
    let message = "开标记录：第1标段，投标人甲，报价 1,234.56元".as_bytes();
    std::fs::write(dir.path().join("msg"), message).expect("write message");
    std::fs::write(dir.path().join("sig.der"), key.sign(message)).expect("write signature");

    let (ok, text) = openssl(&["pkey", "-in", "key.pem", "-noout"], dir.path());
    assert!(ok, "OpenSSL parses our PKCS#8 key: {text}");
    let verify = |extra: &[&str], file: &str| {
        let mut args = vec!["dgst", "-sm3", "-verify", "pub.pem", "-signature", "sig.der"];
        args.extend_from_slice(extra);
        args.push(file);
        openssl(&args, dir.path())
    };
    let distid = distid();
    let (ok, text) = verify(&["-sigopt", &distid], "msg");
    assert!(ok && text.contains("Verified OK"), "{text}");
    let (ok, _) = verify(&[], "msg");
    assert!(!ok, "OpenSSL's default (empty) ID must not verify a GM/T default-ID signature");
    std::fs::write(dir.path().join("other"), b"altered").expect("write");
    let (ok, _) = verify(&["-sigopt", &distid], "other");
    assert!(!ok, "another message must not verify");
}

#[test]
fn openssl_sm2_signatures_verify_here_only_with_the_default_id() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let (ok, text) = openssl(&["genpkey", "-algorithm", "SM2", "-out", "key.pem"], dir.path());
    assert!(ok, "{text}");
    let (ok, text) = openssl(&["pkey", "-in", "key.pem", "-pubout", "-out", "pub.pem"], dir.path());
    assert!(ok, "{text}");
    std::fs::write(dir.path().join("msg"), "投标保证金回执".as_bytes()).expect("write");
    let distid = distid();
    let sign = |extra: &[&str], out: &str| {
        let mut args = vec!["dgst", "-sm3", "-sign", "key.pem", "-out", out];
        args.extend_from_slice(extra);
        args.push("msg");
        openssl(&args, dir.path())
    };
    assert!(sign(&["-sigopt", &distid], "gmt.der").0);
    assert!(sign(&[], "empty-id.der").0);

    let public = PublicKey::from_public_key_pem(&std::fs::read_to_string(dir.path().join("pub.pem")).expect("read"))
        .expect("spki");
    let private =
        PrivateKey::from_pkcs8_pem(&std::fs::read_to_string(dir.path().join("key.pem")).expect("read")).expect("pkcs8");
    let message = "投标保证金回执".as_bytes();
    let gmt = std::fs::read(dir.path().join("gmt.der")).expect("read");
    assert_eq!(public.verify(message, &gmt), Ok(()));
    assert!(private.verifying_key().verify(message, &gmt).is_ok(), "the private key parsed from OpenSSL matches");
    let empty_id = std::fs::read(dir.path().join("empty-id.der")).expect("read");
    assert!(public.verify(message, &empty_id).is_err(), "an empty-ID signature must not pass as a default-ID one");
    assert!(public.verify("投标保证金回执!".as_bytes(), &gmt).is_err());
}

#[test]
fn sm3_agrees_with_openssl() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let data = "公共资源交易平台".repeat(1000);
    std::fs::write(dir.path().join("data"), &data).expect("write");
    let (ok, text) = openssl(&["dgst", "-sm3", "-r", "data"], dir.path());
    assert!(ok, "{text}");
    let theirs = text.split_whitespace().next().expect("digest").to_owned();
    assert_eq!(hex::encode(ggzy_crypto::sm3::sm3(data.as_bytes())), theirs);
}

#[test]
fn sm2_ciphertexts_cross_openssl_in_both_directions() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let (ok, text) = openssl(&["genpkey", "-algorithm", "SM2", "-out", "key.pem"], dir.path());
    assert!(ok, "{text}");
    assert!(openssl(&["pkey", "-in", "key.pem", "-pubout", "-out", "pub.pem"], dir.path()).0);
    let private =
        PrivateKey::from_pkcs8_pem(&std::fs::read_to_string(dir.path().join("key.pem")).expect("read")).expect("pkcs8");
    let data_key: Vec<u8> = (0u8..16).collect();

    // OpenSSL encrypts, we decrypt.
    std::fs::write(dir.path().join("plain"), &data_key).expect("write");
    let (ok, text) = openssl(
        &["pkeyutl", "-encrypt", "-pubin", "-inkey", "pub.pem", "-in", "plain", "-out", "theirs.der"],
        dir.path(),
    );
    assert!(ok, "{text}");
    let theirs = std::fs::read(dir.path().join("theirs.der")).expect("read");
    assert_eq!(private.decrypt(&theirs, CiphertextFormat::Der), Ok(data_key.clone()));
    let mut altered = theirs.clone();
    let last = altered.len() - 1;
    altered[last] ^= 1;
    assert!(private.decrypt(&altered, CiphertextFormat::Der).is_err(), "an altered ciphertext must fail C3");

    // We encrypt, OpenSSL decrypts.
    let ours = private.verifying_key().encrypt(&mut rand::rng(), &data_key, CiphertextFormat::Der).expect("encrypt");
    std::fs::write(dir.path().join("ours.der"), &ours).expect("write");
    let (ok, text) =
        openssl(&["pkeyutl", "-decrypt", "-inkey", "key.pem", "-in", "ours.der", "-out", "opened"], dir.path());
    assert!(ok, "{text}");
    assert_eq!(std::fs::read(dir.path().join("opened")).expect("read"), data_key);
    let mut altered = ours;
    let last = altered.len() - 1;
    altered[last] ^= 1;
    std::fs::write(dir.path().join("altered.der"), &altered).expect("write");
    let (ok, _) = openssl(&["pkeyutl", "-decrypt", "-inkey", "key.pem", "-in", "altered.der", "-out", "x"], dir.path());
    assert!(!ok, "OpenSSL must refuse our ciphertext once altered");
}

#[test]
fn our_certificates_parse_in_openssl() {
    use ggzy_crypto::cert::{IssueRequest, issue};
    let dir = tempfile::tempdir().expect("temporary directory");
    let root_key = PrivateKey::generate(&mut rand::rng());
    let root_public = root_key.verifying_key();
    let now = 1_798_761_600;
    let request = |subject, key, serial, is_ca| IssueRequest {
        subject,
        public_key: key,
        serial,
        not_before_unix: now,
        not_after_unix: now + 3650 * 86_400,
        is_ca,
    };
    let root = issue(&request("CN=ggzy Demo CA,O=ggzy,C=CN", &root_public, &[1], true), None, &root_key).expect("root");
    let bidder = PrivateKey::generate(&mut rand::rng()).verifying_key();
    let leaf = issue(
        &request("CN=91330106MA27XY122Q,O=杭州测试建设有限公司,C=CN", &bidder, &[2], false),
        Some(&root),
        &root_key,
    )
    .expect("leaf");
    std::fs::write(dir.path().join("leaf.der"), leaf.to_der().expect("der")).expect("write");
    let (ok, text) =
        openssl(&["x509", "-inform", "DER", "-in", "leaf.der", "-noout", "-text", "-nameopt", "utf8"], dir.path());
    assert!(ok, "{text}");
    assert!(text.contains("SM2-with-SM3") && text.contains("91330106MA27XY122Q"), "{text}");
    assert!(text.contains("杭州测试建设有限公司") && text.contains("CA:FALSE"), "{text}");
    // The issuer's signature is standard DER that OpenSSL verifies over the TBS with the default ID.
    std::fs::write(dir.path().join("tbs.der"), leaf.tbs_der().expect("tbs")).expect("write");
    std::fs::write(dir.path().join("sig.der"), leaf.signature_bytes()).expect("write");
    std::fs::write(dir.path().join("ca.pem"), root_public.to_public_key_pem().expect("pem")).expect("write");
    let distid = distid();
    let args = ["dgst", "-sm3", "-verify", "ca.pem", "-sigopt", &distid, "-signature", "sig.der", "tbs.der"];
    let (ok, text) = openssl(&args, dir.path());
    assert!(ok && text.contains("Verified OK"), "{text}");
    std::fs::write(dir.path().join("junk.der"), b"not a certificate").expect("write");
    assert!(!openssl(&["x509", "-inform", "DER", "-in", "junk.der", "-noout"], dir.path()).0);
}
