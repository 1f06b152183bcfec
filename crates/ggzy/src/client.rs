//! The bidder's and the official's side of the API, for the command line: resumable upload of a
//! sealed bid with its receipt, online decryption at opening, handing in an escrow share, and
//! checking a receipt against the platform key and the signed log.
//!
//! Every call authenticates with an API token (`Authorization: Bearer`, issued at
//! `/api/v1/api-tokens`). Plain `http://` URLs only: put the platform behind a TLS terminator you
//! trust and point this tool at its local side, or run it on the platform's network.

use std::path::Path;
use std::time::Duration;

use anyhow::Context as _;
use ggzy_crypto::envelope::{Envelope, KeyHolder};
use ggzy_crypto::sm2::{PrivateKey, PublicKey};
use ggzy_crypto::tree_head::TreeHead;
use ggzy_web::api::bids::ReceiptDto;
use serde_json::{Value, json};

/// Attempts per chunk before giving up (each after a status check and a pause).
const CHUNK_ATTEMPTS: u32 = 5;

/// A client of one platform.
pub struct PlatformClient {
    base: String,
    token: String,
    http: reqwest::Client,
}

/// What a receipt check established.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceiptCheck {
    /// The platform's signature over the receipt verifies.
    pub signature: bool,
    /// The signed tree head the event was proven in (size), when a server was asked.
    pub included_in: Option<i64>,
}

async fn answer(response: reqwest::Response) -> anyhow::Result<Value> {
    let status = response.status();
    let text = response.text().await.context("reading the platform's answer")?;
    let body: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
    if status.is_success() {
        return Ok(body);
    }
    match (body["code"].as_str(), body["message"].as_str()) {
        (Some(code), Some(message)) => anyhow::bail!("{code}: {message}"),
        _ => anyhow::bail!("HTTP {status}: {text}"),
    }
}

impl PlatformClient {
    /// A client of the platform at `base` (e.g. `http://127.0.0.1:8080`) with an API token.
    pub fn new(base: &str, token: &str) -> anyhow::Result<PlatformClient> {
        anyhow::ensure!(base.starts_with("http://"), "--server 须为 http:// 地址（见 README：通过可信的TLS终端访问）");
        let http = reqwest::Client::builder().timeout(Duration::from_secs(300)).build()?;
        Ok(PlatformClient { base: base.trim_end_matches('/').to_owned(), token: token.to_owned(), http })
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    fn post(&self, path: &str) -> reqwest::RequestBuilder {
        self.http.post(self.url(path)).bearer_auth(&self.token)
    }

    /// Uploads a sealed bid in chunks, resuming after a broken connection, and submits it.
    pub async fn submit_bid(&self, envelope_file: &Path, chunk_bytes: usize) -> anyhow::Result<ReceiptDto> {
        let bytes = std::fs::read(envelope_file).with_context(|| format!("reading {}", envelope_file.display()))?;
        let envelope = Envelope::parse(&bytes).map_err(|e| anyhow::anyhow!("{}: {e}", envelope_file.display()))?;
        let header = &envelope.header;
        let started = answer(
            self.post("/api/v1/uploads")
                .json(&json!({
                    "tender_id": header.tender_id,
                    "lot_id": header.lot_id,
                    "bidder_credit_code": header.bidder_credit_code,
                    "size_bytes": bytes.len(),
                    "envelope_digest": hex::encode(envelope.digest()),
                }))
                .send()
                .await?,
        )
        .await?;
        let upload_id = started["upload_id"].as_str().context("the platform gave no upload id")?.to_owned();
        let path = format!("/api/v1/uploads/{upload_id}");
        let mut offset = 0usize;
        let mut failures = 0u32;
        while offset < bytes.len() {
            let end = (offset + chunk_bytes.max(1)).min(bytes.len());
            let sent = self
                .http
                .patch(self.url(&path))
                .bearer_auth(&self.token)
                .header("upload-offset", offset.to_string())
                .header("content-type", "application/offset+octet-stream")
                .body(bytes[offset..end].to_vec())
                .send()
                .await;
            match sent {
                Ok(response) if response.status().is_success() => {
                    offset = end;
                    failures = 0;
                    eprint!("\r已上传 {offset}/{} 字节", bytes.len());
                }
                Ok(response) if response.status().is_client_error() => {
                    answer(response).await?;
                }
                _ => {
                    failures += 1;
                    anyhow::ensure!(failures < CHUNK_ATTEMPTS, "上传多次中断，请稍后用同一文件重新提交");
                    tokio::time::sleep(Duration::from_secs(u64::from(failures))).await;
                    let status = answer(self.http.get(self.url(&path)).bearer_auth(&self.token).send().await?).await?;
                    offset = usize::try_from(status["received_bytes"].as_u64().unwrap_or(0)).unwrap_or(0);
                }
            }
        }
        eprintln!();
        // Retrying the submit with the same key returns the same receipt, never a second bid.
        let submit = format!("{path}/submit");
        let mut attempt = 0;
        loop {
            let sent = self.post(&submit).header("idempotency-key", format!("submit-{upload_id}")).send().await;
            match sent {
                Ok(response) => {
                    let body = answer(response).await?;
                    return serde_json::from_value(body).context("the platform's receipt is malformed");
                }
                Err(error) if attempt + 1 < CHUNK_ATTEMPTS => {
                    attempt += 1;
                    eprintln!("提交时连接中断（{error}），重试第{attempt}次");
                    tokio::time::sleep(Duration::from_secs(u64::from(attempt))).await;
                }
                Err(error) => return Err(error.into()),
            }
        }
    }

    /// At opening: unwraps the data key with the bidder's own private key and sends it.
    pub async fn open_key(&self, envelope_file: &Path, bidder_key: &PrivateKey) -> anyhow::Result<Value> {
        let bytes = std::fs::read(envelope_file).with_context(|| format!("reading {}", envelope_file.display()))?;
        let envelope = Envelope::parse(&bytes).map_err(|e| anyhow::anyhow!("{}: {e}", envelope_file.display()))?;
        let data_key = envelope
            .unwrap_key(bidder_key, KeyHolder::Bidder)
            .map_err(|_| anyhow::anyhow!("该私钥不能解开本投标文件的数据密钥：请使用封装时所用证书的私钥"))?;
        let header = &envelope.header;
        let path = format!(
            "/api/v1/tenders/{}/lots/{}/bids/{}/key",
            header.tender_id, header.lot_id, header.bidder_credit_code
        );
        answer(self.post(&path).json(&json!({"data_key_hex": hex::encode(data_key)})).send().await?).await
    }

    /// An official decrypts its share of a tender's opening key with its own key and hands it in.
    pub async fn give_escrow_share(&self, tender_id: &str, official_key: &PrivateKey) -> anyhow::Result<Value> {
        let path = format!("/api/v1/tenders/{tender_id}/escrow-shares");
        let mine =
            answer(self.http.get(self.url(&format!("{path}/mine"))).bearer_auth(&self.token).send().await?).await?;
        let share = crate::ceremony::CeremonyShare {
            official_user_id: String::new(),
            official_cert_pem: String::new(),
            share_index: u8::try_from(mine["share_index"].as_u64().unwrap_or(0)).unwrap_or(0),
            encrypted_share_hex: mine["encrypted_share_hex"].as_str().unwrap_or_default().to_owned(),
        };
        let value = crate::ceremony::decrypt_share(&share, official_key)?;
        answer(self.post(&path).json(&json!({"share_hex": hex::encode(value.y)})).send().await?).await
    }
}

/// Checks a receipt: the platform's signature, and, with a server, that its event is included in
/// the newest signed tree head (whose signature is checked too).
pub async fn verify_receipt(
    receipt: &ReceiptDto,
    platform_key: &PublicKey,
    server: Option<&str>,
) -> anyhow::Result<ReceiptCheck> {
    let (fields, signature) = receipt.to_fields().map_err(|e| anyhow::anyhow!("回执格式错误：{e}"))?;
    fields
        .verify(platform_key, &signature)
        .map_err(|_| anyhow::anyhow!("回执签名无效：回执被改动，或不是该平台签发"))?;
    let Some(server) = server else {
        return Ok(ReceiptCheck { signature: true, included_in: None });
    };
    let http = reqwest::Client::builder().timeout(Duration::from_secs(60)).build()?;
    let base = server.trim_end_matches('/');
    let sth = answer(http.get(format!("{base}/api/v1/log/sth")).send().await?).await?;
    let head = TreeHead {
        tree_size: sth["tree_size"].as_i64().context("tree head without size")?,
        timestamp_ms: sth["timestamp_ms"].as_i64().context("tree head without time")?,
        root_hash: hex::decode(sth["root_hash"].as_str().unwrap_or_default()).context("root hash")?,
    };
    let head_signature = hex::decode(sth["signature"].as_str().unwrap_or_default()).context("head signature")?;
    head.verify(platform_key, &head_signature).map_err(|_| anyhow::anyhow!("已签名树头的签名无效"))?;
    anyhow::ensure!(
        head.tree_size >= fields.log_position,
        "回执的日志位置 {} 尚未纳入已签名树头（当前 {}）；请在下一次树头发布后再验证",
        fields.log_position,
        head.tree_size
    );
    let proof = answer(
        http.get(format!(
            "{base}/api/v1/log/proof/inclusion?position={}&tree_size={}",
            fields.log_position, head.tree_size
        ))
        .send()
        .await?,
    )
    .await?;
    let path: Vec<Vec<u8>> = proof["audit_path"]
        .as_array()
        .context("proof without audit path")?
        .iter()
        .map(|node| hex::decode(node.as_str().unwrap_or_default()))
        .collect::<Result<_, _>>()
        .context("audit path")?;
    head.verify_inclusion(fields.log_position, &fields.event_hash, &path)
        .map_err(|e| anyhow::anyhow!("回执对应的事件不在已签名树头中：{e}"))?;
    Ok(ReceiptCheck { signature: true, included_in: Some(head.tree_size) })
}
