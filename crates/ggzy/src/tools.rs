//! Command-line tools of bidders and officials that talk to a running platform: submit a sealed
//! bid, decrypt it at opening, hand in an escrow share, hold the key ceremony offline, verify a
//! receipt.

use std::io::Write as _;
use std::path::PathBuf;

use anyhow::Context as _;
use clap::{Args, Subcommand};
use ggzy::ceremony::{self, Official};
use ggzy::client::{self, PlatformClient};
use ggzy::{keys, verify};
use ggzy_crypto::cert::Certificate;
use ggzy_web::api::bids::ReceiptDto;

/// Where the platform is and how to authenticate.
#[derive(Args, Clone)]
pub(crate) struct Access {
    /// The platform's URL.
    #[arg(long, env = "GGZY_SERVER", default_value = "http://127.0.0.1:8080")]
    server: String,
    /// An API token (`POST /api/v1/api-tokens`).
    #[arg(long, env = "GGZY_TOKEN", hide_env_values = true)]
    token: String,
}

impl Access {
    fn client(&self) -> anyhow::Result<PlatformClient> {
        PlatformClient::new(&self.server, &self.token)
    }
}

/// Bidder commands that need the platform.
#[derive(Subcommand)]
pub(crate) enum OnlineBidCommand {
    /// Uploads a sealed envelope in resumable chunks and prints the signed receipt (JSON).
    Submit {
        #[command(flatten)]
        access: Access,
        /// Chunk size in MiB.
        #[arg(long, default_value_t = 4)]
        chunk_mib: usize,
        /// Also write the receipt to this file.
        #[arg(long)]
        out: Option<PathBuf>,
        /// The envelope made by `ggzy bid seal`.
        envelope: PathBuf,
    },
    /// At opening: unwraps the data key with the bidder's own private key and sends it (解密).
    OpenKey {
        #[command(flatten)]
        access: Access,
        /// The bidder's private key (PKCS#8 PEM).
        #[arg(long)]
        key: PathBuf,
        /// The envelope that was submitted.
        envelope: PathBuf,
    },
}

/// Receipts.
#[derive(Subcommand)]
pub(crate) enum ReceiptCommand {
    /// Checks a receipt's platform signature and, with `--server`, its inclusion in the signed log.
    Verify {
        /// The platform's public key (PEM); default: fetched from `--server`.
        #[arg(long)]
        platform_key: Option<PathBuf>,
        /// The platform's URL, to prove the receipt's event is in the newest signed tree head.
        #[arg(long)]
        server: Option<String>,
        /// The receipt (JSON) printed by `ggzy bid submit`.
        receipt: PathBuf,
    },
}

/// Tender officials' tools.
#[derive(Subcommand)]
pub(crate) enum TenderToolCommand {
    /// Holds the opening-key ceremony offline: makes the key, splits it k-of-n among officials,
    /// encrypts each share to the official's certificate, writes the file to post at
    /// `/api/v1/tenders/{id}/opening-key`. The private key is never written anywhere.
    KeyCeremony {
        /// Shares needed to open by escrow.
        #[arg(long)]
        threshold: u8,
        /// `USER_ID=CERT.pem`, once per official.
        #[arg(long = "official", required = true)]
        officials: Vec<String>,
        /// The ceremony file to write.
        #[arg(long)]
        out: PathBuf,
    },
    /// Seals a lot's reference price (标底) offline: prints the commitment to post at
    /// `/api/v1/tenders/{id}/lots/{lot}/reference-price` before the deadline, and the salt to keep
    /// secret until the opening, when price and salt are posted to `…/reference-price/reveal`.
    ReferencePrice {
        /// Tender id.
        #[arg(long)]
        tender: String,
        /// Lot id.
        #[arg(long)]
        lot: String,
        /// The reference price, fen.
        #[arg(long)]
        price_fen: i64,
    },
}

/// Escrow officials' tools.
#[derive(Subcommand)]
pub(crate) enum EscrowCommand {
    /// Decrypts your share of a tender's opening key with your key and hands it in (after the deadline).
    Give {
        #[command(flatten)]
        access: Access,
        /// Your private key (PKCS#8 PEM) matching the certificate the share was encrypted to.
        #[arg(long)]
        key: PathBuf,
        /// The tender.
        tender: String,
    },
}

pub(crate) async fn run_online_bid(command: OnlineBidCommand) -> anyhow::Result<()> {
    match command {
        OnlineBidCommand::Submit { access, chunk_mib, out, envelope } => {
            let receipt = access.client()?.submit_bid(&envelope, chunk_mib.max(1) << 20).await?;
            let json = serde_json::to_string_pretty(&receipt)?;
            if let Some(out) = out {
                std::fs::write(&out, &json).with_context(|| format!("writing {}", out.display()))?;
            }
            writeln!(std::io::stdout(), "{json}")?;
        }
        OnlineBidCommand::OpenKey { access, key, envelope } => {
            let key = keys::read_private(&key)?;
            let opening = access.client()?.open_key(&envelope, &key).await?;
            writeln!(std::io::stdout(), "{}", serde_json::to_string_pretty(&opening)?)?;
        }
    }
    Ok(())
}

pub(crate) async fn run_receipt(command: ReceiptCommand) -> anyhow::Result<()> {
    let ReceiptCommand::Verify { platform_key, server, receipt } = command;
    let text = std::fs::read_to_string(&receipt).with_context(|| format!("reading {}", receipt.display()))?;
    let dto: ReceiptDto =
        serde_json::from_str(&text).with_context(|| format!("{} is not a receipt", receipt.display()))?;
    let key = match (&platform_key, &server) {
        (Some(path), _) => verify::load_platform_key(path)?,
        (None, Some(server)) => {
            let body: serde_json::Value =
                reqwest::get(format!("{}/api/v1/log/key", server.trim_end_matches('/'))).await?.json().await?;
            eprintln!("平台公钥取自 {server}（离线核验请用 --platform-key 指定事先保存的公钥）");
            ggzy_crypto::sm2::PublicKey::from_public_key_pem(body["public_key_pem"].as_str().unwrap_or_default())
                .map_err(|e| anyhow::anyhow!("platform key from {server}: {e}"))?
        }
        (None, None) => anyhow::bail!("需要 --platform-key（离线）或 --server"),
    };
    let check = client::verify_receipt(&dto, &key, server.as_deref()).await?;
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "回执签名有效：{} 标段 {} 投标人 {}，服务器接收时间 {}，日志位置 {}",
        dto.tender_id, dto.lot_id, dto.bidder_credit_code, dto.received_at, dto.log_position
    )?;
    if let Some(size) = check.included_in {
        writeln!(out, "已证明纳入已签名树头（大小 {size}）")?;
    }
    Ok(())
}

pub(crate) fn run_tender_tool(command: TenderToolCommand) -> anyhow::Result<()> {
    let (threshold, officials, out) = match command {
        TenderToolCommand::KeyCeremony { threshold, officials, out } => (threshold, officials, out),
        TenderToolCommand::ReferencePrice { tender, lot, price_fen } => {
            let mut salt = [0u8; 32];
            rand::Rng::fill_bytes(&mut rand::rng(), &mut salt);
            let commitment = ggzy_crypto::reference_price::commitment(&tender, &lot, price_fen, &salt)
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            let sealed = serde_json::json!({
                "tender_id": tender, "lot_id": lot, "price_fen": price_fen,
                "commitment_hex": hex::encode(commitment), "salt_hex": hex::encode(salt),
            });
            writeln!(std::io::stdout(), "{}", serde_json::to_string_pretty(&sealed)?)?;
            eprintln!("标底承诺值已生成：投标截止前提交 commitment_hex；price_fen 和 salt_hex 须保密至开标时公布");
            return Ok(());
        }
    };
    let mut people = Vec::with_capacity(officials.len());
    for spec in &officials {
        let (user_id, path) =
            spec.split_once('=').with_context(|| format!("--official {spec}: 应为 USER_ID=CERT.pem"))?;
        let pem = std::fs::read_to_string(path).with_context(|| format!("reading {path}"))?;
        let cert = Certificate::from_pem(&pem).map_err(|e| anyhow::anyhow!("{path}: {e}"))?;
        people.push(Official { user_id: user_id.to_owned(), cert });
    }
    let file = ceremony::hold(threshold, &people, &mut rand::rng())?;
    std::fs::write(&out, serde_json::to_string_pretty(&file)?).with_context(|| format!("writing {}", out.display()))?;
    eprintln!(
        "开标密钥已生成并按 {threshold}/{} 分片加密给监督人员，私钥未保存；公钥：\n{}",
        people.len(),
        file.public_key_pem
    );
    Ok(())
}

pub(crate) async fn run_escrow(command: EscrowCommand) -> anyhow::Result<()> {
    let EscrowCommand::Give { access, key, tender } = command;
    let key = keys::read_private(&key)?;
    let opening = access.client()?.give_escrow_share(&tender, &key).await?;
    writeln!(std::io::stdout(), "{}", serde_json::to_string_pretty(&opening)?)?;
    Ok(())
}
