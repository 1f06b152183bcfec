//! Opening (开标, 不见面开标): at the deadline lots with too few bids fail and the others open;
//! bidders decrypt online by sending the data key they unwrapped with their own key; a bid whose
//! bidder fails can be opened by the escrow quorum (k officials hand in their decrypted shares, the
//! opening key is rebuilt in memory only); closing signs the opening record (开标记录表).
//!
//! Every outcome is an event. Data keys and handed-in shares are operational rows, never events:
//! the public record carries declared fields (what 唱标 reads out), not the means to read the files.

use ggzy_crypto::envelope::{Envelope, KeyHolder};
use ggzy_crypto::opening_record::{OpeningLine, OpeningRecord};
use ggzy_crypto::shamir::{self, Share};
use ggzy_crypto::sm2::{PrivateKey, PublicKey};
use ggzy_crypto::sm3::sm3;
use ggzy_domain::authz::{Action, BidVisibility, bid_visibility};
use ggzy_domain::role::Role;
use ggzy_domain::tender::{OpeningRefusal, TenderCommand, TenderState, decide_at_deadline, transition};
use ggzy_domain::{CreditCode, china_time};
use ggzy_store::tender_projection::{BidRow, TenderOp, TenderRow};
use ggzy_store::{ExpectedVersion, ProjectionOp};

use crate::App;
use crate::actor::Actor;
use crate::entity::stored_region;
use crate::error::{AppError, AppResult};
use crate::events::{Event, LotFailure, OpeningLineDetails, OpeningRecordDetails, Recorded, stream};
use crate::tender::tender_state;

/// The opening as shown to everyone once it has started.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpeningView {
    /// Tender.
    pub tender_id: String,
    /// State.
    pub state: TenderState,
    /// Lots that failed at the deadline: (lot, reason).
    pub failed_lots: Vec<(String, String)>,
    /// One line per bid of the opened lots.
    pub lines: Vec<OpeningLineDetails>,
    /// The signed record, once closed.
    pub record: Option<OpeningRecordDetails>,
    /// Escrow shares handed in so far and the threshold.
    pub escrow_given: usize,
    /// Shares needed.
    pub escrow_threshold: i64,
    /// Objections raised at the opening, with their answers (条例 第四十四条).
    pub objections: Vec<crate::opening_objection::OpeningObjectionView>,
}

fn refused_opening(refused: OpeningRefusal) -> AppError {
    match refused {
        OpeningRefusal::Transition(invalid) => AppError::refused("invalid_transition", invalid.to_string()),
        OpeningRefusal::BeforeDeadline { deadline_ms, now_ms } => AppError::refused(
            "opening_before_deadline",
            format!(
                "投标截止时间为 {}，现在是 {}：开标应当在投标截止时间的同一时间公开进行（招标投标法 第三十四条）",
                china_time::text(deadline_ms),
                china_time::text(now_ms)
            ),
        ),
    }
}

/// Decryption and escrow shares happen only while the opening session runs.
fn require_opening(row: &TenderRow, what: &str) -> AppResult<()> {
    let state = tender_state(row)?;
    if state != TenderState::Opening {
        return Err(AppError::refused(
            "invalid_transition",
            format!("招标项目当前状态为“{}”，不在开标中，不能{what}", state.label()),
        ));
    }
    Ok(())
}

fn invalid_key(message: &str) -> AppError {
    AppError::refused("bid_decryption_failed", message.to_owned())
}

impl App {
    /// At or after the deadline: fails lots with too few bids and opens the others, or fails the
    /// tender when no lot has enough (the count is re-checked inside the write).
    pub async fn start_opening(&self, actor: &Actor, tender_id: &str) -> AppResult<OpeningView> {
        let row = self.tender_row(tender_id).await?;
        self.authorize_tender(actor, &row)?;
        let bids = self.store.submitted_bids(tender_id).await?;
        let lots: Vec<(String, u32)> = self
            .store
            .tender_lots(tender_id)
            .await?
            .into_iter()
            .map(|lot| {
                let count = bids.iter().filter(|bid| bid.lot_id == lot.lot_id).count();
                (lot.lot_id, u32::try_from(count).unwrap_or(u32::MAX))
            })
            .collect();
        let ruleset = self.pinned_ruleset(&row.ruleset_version)?;
        let rule = ruleset.get("bids_min").ok_or_else(|| AppError::Internal("ruleset lacks bids_min".to_owned()))?;
        let bids_min = u32::try_from(rule.value).unwrap_or(3);
        let deadline_ms = row.bid_deadline_ms.unwrap_or(i64::MAX);
        let outcome = decide_at_deadline(tender_state(&row)?, deadline_ms, self.now_ms(), &lots, bids_min)
            .map_err(refused_opening)?;
        let reason =
            |count: u32| format!("投标人少于{bids_min}个（{count}个），不得开标，应当依法重新招标（{}）", rule.source);
        let event = if outcome.transition.to == TenderState::Failed {
            Event::TenderFailed {
                tender_id: tender_id.to_owned(),
                reason: reason(u32::try_from(bids.len()).unwrap_or(0)),
                source: rule.source.clone(),
            }
        } else {
            Event::OpeningStarted {
                tender_id: tender_id.to_owned(),
                bid_count: u32::try_from(bids.len()).unwrap_or(u32::MAX),
                failed_lots: outcome
                    .failed_lots
                    .iter()
                    .map(|(lot_id, count)| LotFailure { lot_id: lot_id.clone(), reason: reason(*count) })
                    .collect(),
            }
        };
        let stream_id = stream::tender(tender_id);
        let guards = vec![
            ProjectionOp::Tender(TenderOp::RequireState {
                tender_id: tender_id.to_owned(),
                state: TenderState::Bidding.as_str().to_owned(),
            }),
            ProjectionOp::Tender(TenderOp::RequireSubmittedBids {
                tender_id: tender_id.to_owned(),
                count: i64::try_from(bids.len()).unwrap_or(i64::MAX),
            }),
        ];
        // Guards run before this event's own projections (which move the state on).
        let recorded = Recorded { stream_id: stream_id.clone(), region_code: row.region_code.clone(), event };
        self.record_guarded(actor, vec![(stream_id, ExpectedVersion::Exactly(row.version))], guards, vec![recorded])
            .await?;
        self.opening(tender_id).await
    }

    /// The bidder's decryption at opening: the data key it unwrapped with its own private key
    /// (`ggzy bid open-key`). The server checks the stored file against its digest, decrypts it, and
    /// records the declared fields, or records the failure (the escrow quorum may still open it).
    pub async fn decrypt_bid(
        &self,
        actor: &Actor,
        tender_id: &str,
        lot_id: &str,
        bidder: &CreditCode,
        data_key: [u8; 16],
    ) -> AppResult<OpeningView> {
        let row = self.tender_row(tender_id).await?;
        let region = stored_region(&row.region_code)?;
        actor.authorize_on_entity(Action::SubmitBid, &region, bidder.as_str())?;
        require_opening(&row, "解密投标文件")?;
        let bid = self.opened_lot_bid(tender_id, lot_id, bidder.as_str()).await?;
        let envelope = self.stored_envelope(&bid).await?;
        let (event, extra) = match envelope.open(&data_key) {
            Ok(payload) => {
                let declared = declared_fields(&payload.declared_json);
                (
                    Event::BidDecrypted {
                        tender_id: tender_id.to_owned(),
                        lot_id: lot_id.to_owned(),
                        bidder_credit_code: bidder.as_str().to_owned(),
                        method: "bidder".to_owned(),
                        declared_json: declared,
                        file_sm3_hex: file_digests(&payload),
                    },
                    vec![opened_key(&bid, &data_key)],
                )
            }
            Err(_) => (
                Event::BidDecryptionFailed {
                    tender_id: tender_id.to_owned(),
                    lot_id: lot_id.to_owned(),
                    bidder_credit_code: bidder.as_str().to_owned(),
                    reason: "投标人提交的数据密钥不能解密投标文件（电子招标投标办法 第三十一条）".to_owned(),
                },
                Vec::new(),
            ),
        };
        let failed = matches!(event, Event::BidDecryptionFailed { .. });
        let recorded = Recorded {
            stream_id: stream::bidder(tender_id, lot_id, bidder.as_str()),
            region_code: row.region_code.clone(),
            event,
        };
        let mut guards = vec![opening_guard(tender_id)];
        guards.extend(extra);
        self.record_guarded(actor, Vec::new(), guards, vec![recorded]).await?;
        if failed {
            return Err(invalid_key(
                "数据密钥不能解密该投标文件，失败已记录；请用投标时的数字证书私钥重新执行 ggzy bid open-key，或由监督人员以托管密钥开启",
            ));
        }
        self.opening(tender_id).await
    }

    async fn opened_lot_bid(&self, tender_id: &str, lot_id: &str, bidder: &str) -> AppResult<BidRow> {
        let lot = self.store.tender_lots(tender_id).await?.into_iter().find(|lot| lot.lot_id == lot_id);
        match lot {
            None => return Err(AppError::NotFound { what: "标段" }),
            Some(lot) if lot.failed_reason.is_some() => {
                return Err(AppError::refused("invalid_transition", "该标段已流标，投标文件不予开启".to_owned()));
            }
            Some(_) => {}
        }
        match self.store.bid(tender_id, lot_id, bidder).await? {
            Some(bid) if bid.status == "submitted" => Ok(bid.bid),
            _ => Err(AppError::NotFound { what: "投标文件" }),
        }
    }

    /// Reads a stored bid and checks it is the file that was received (blob SM3, envelope digest).
    async fn stored_envelope(&self, bid: &BidRow) -> AppResult<Envelope> {
        let address: [u8; 32] = bid
            .blob_sm3
            .as_slice()
            .try_into()
            .map_err(|_| AppError::Internal("stored blob address is not an SM3 digest".to_owned()))?;
        let files = Some(&self.bid_services()?.blobs);
        let bytes = ggzy_store::inline_blob::read_stored(&self.store, files, &address)
            .await
            .map_err(|e| AppError::Internal(format!("blob: {e}")))?;
        let envelope = Envelope::parse(&bytes).ok().filter(|_| sm3(&bytes) == address);
        match envelope {
            Some(envelope) if envelope.digest().as_slice() == bid.envelope_digest.as_slice() => Ok(envelope),
            _ => Err(AppError::Internal(format!(
                "stored bid of {} for {} does not match its digest: storage was altered",
                bid.bidder_credit_code, bid.tender_id
            ))),
        }
    }

    /// An official's encrypted share of the tender's opening key (to decrypt with its own key).
    pub async fn own_escrow_share(&self, actor: &Actor, tender_id: &str) -> AppResult<(u8, Vec<u8>)> {
        let row = self.tender_row(tender_id).await?;
        actor.authorize(Action::EscrowOpening, &stored_region(&row.region_code)?)?;
        let share =
            self.store.escrow_shares(tender_id).await?.into_iter().find(|s| s.official_user_id == actor.user_id);
        let share = share.ok_or(AppError::NotFound { what: "本人的开标密钥分片" })?;
        Ok((u8::try_from(share.share_index).unwrap_or(0), share.encrypted_share))
    }

    /// An official hands in its decrypted share after the deadline. When the threshold is reached,
    /// the opening key is rebuilt in memory, checked against the published opening key, and every
    /// bid of the opened lots that is not decrypted yet is opened with it.
    pub async fn give_escrow_share(
        &self,
        actor: &Actor,
        tender_id: &str,
        share_value: Vec<u8>,
    ) -> AppResult<OpeningView> {
        let row = self.tender_row(tender_id).await?;
        actor.authorize(Action::EscrowOpening, &stored_region(&row.region_code)?)?;
        require_opening(&row, "提交开标密钥分片")?;
        let own = self.store.escrow_shares(tender_id).await?.into_iter().find(|s| s.official_user_id == actor.user_id);
        let own = own.ok_or(AppError::NotFound { what: "本人的开标密钥分片" })?;
        if share_value.len() != 32 {
            return Err(AppError::refused("invalid_escrow_share", "解密后的分片应为32字节".to_owned()));
        }
        self.store.put_given_share(tender_id, &actor.user_id, own.share_index, &share_value).await?;
        self.opening_hall.touch(tender_id);
        let given = self.store.given_shares(tender_id).await?;
        let threshold = usize::try_from(row.escrow_threshold.unwrap_or(i64::MAX)).unwrap_or(usize::MAX);
        if given.len() < threshold {
            return self.opening(tender_id).await;
        }
        let shares: Vec<Share> =
            given.iter().map(|(_, x, y)| Share { x: u8::try_from(*x).unwrap_or(0), y: y.clone() }).collect();
        let key = shamir::combine(&shares).ok().and_then(|scalar| PrivateKey::from_scalar_bytes(&scalar).ok());
        let published = row.opening_public_key.as_deref().and_then(|pem| PublicKey::from_public_key_pem(pem).ok());
        let key = match (key, published) {
            (Some(key), Some(published))
                if key.verifying_key().to_uncompressed_point() == published.to_uncompressed_point() =>
            {
                key
            }
            _ => {
                self.store.delete_given_shares(tender_id).await?;
                return Err(AppError::refused(
                    "invalid_escrow_share",
                    "各分片组合后的密钥与开标公钥不符，说明有分片解密有误；已清除本轮提交的全部分片，请各监督人员核对后重新提交",
                ));
            }
        };
        self.open_by_escrow(actor, &row, &key, given.into_iter().map(|(official, _, _)| official).collect()).await
    }

    async fn open_by_escrow(
        &self,
        actor: &Actor,
        row: &TenderRow,
        key: &PrivateKey,
        officials: Vec<String>,
    ) -> AppResult<OpeningView> {
        let tender_id = row.tender_id.as_str();
        let opened: Vec<(String, String)> = self
            .store
            .bid_openings(tender_id)
            .await?
            .into_iter()
            .filter(|o| o.status == "decrypted")
            .map(|o| (o.lot_id, o.bidder_credit_code))
            .collect();
        let failed_lots: Vec<String> = self
            .store
            .tender_lots(tender_id)
            .await?
            .into_iter()
            .filter(|l| l.failed_reason.is_some())
            .map(|l| l.lot_id)
            .collect();
        let mut events = vec![Recorded {
            stream_id: stream::tender(tender_id),
            region_code: row.region_code.clone(),
            event: Event::EscrowQuorumReached { tender_id: tender_id.to_owned(), official_user_ids: officials },
        }];
        let mut extra = vec![opening_guard(tender_id)];
        for bid in self.store.submitted_bids(tender_id).await? {
            if failed_lots.contains(&bid.lot_id)
                || opened.contains(&(bid.lot_id.clone(), bid.bidder_credit_code.clone()))
            {
                continue;
            }
            let envelope = self.stored_envelope(&bid).await?;
            let data_key = envelope.unwrap_key(key, KeyHolder::Opening).ok();
            let payload =
                data_key.and_then(|data_key| envelope.open(&data_key).ok().map(|payload| (data_key, payload)));
            let event = match payload {
                Some((data_key, payload)) => {
                    extra.push(opened_key(&bid, &data_key));
                    Event::BidDecrypted {
                        tender_id: tender_id.to_owned(),
                        lot_id: bid.lot_id.clone(),
                        bidder_credit_code: bid.bidder_credit_code.clone(),
                        method: "escrow".to_owned(),
                        declared_json: declared_fields(&payload.declared_json),
                        file_sm3_hex: file_digests(&payload),
                    }
                }
                None => Event::BidDecryptionFailed {
                    tender_id: tender_id.to_owned(),
                    lot_id: bid.lot_id.clone(),
                    bidder_credit_code: bid.bidder_credit_code.clone(),
                    reason: "托管密钥也不能解密：投标文件加密时未使用本项目的开标公钥".to_owned(),
                },
            };
            events.push(Recorded {
                stream_id: stream::bidder(tender_id, &bid.lot_id, &bid.bidder_credit_code),
                region_code: row.region_code.clone(),
                event,
            });
        }
        let expected = vec![(stream::tender(tender_id), ExpectedVersion::Exactly(row.version))];
        self.record_guarded(actor, expected, extra, events).await?;
        self.opening(tender_id).await
    }

    /// Closes the opening: bids of opened lots that are still not decrypted are recorded as failed
    /// (电子招标投标办法 第三十一条), and the platform signs the opening record.
    pub async fn close_opening(&self, actor: &Actor, tender_id: &str) -> AppResult<OpeningView> {
        let row = self.tender_row(tender_id).await?;
        self.authorize_tender(actor, &row)?;
        transition(tender_state(&row)?, TenderCommand::CloseOpening)
            .map_err(|invalid| AppError::refused("invalid_transition", invalid.to_string()))?;
        self.check_opening_objections_answered(tender_id).await?;
        let view = self.opening(tender_id).await?;
        let closed_at_ms = self.now_ms();
        let lines: Vec<OpeningLine> = view
            .lines
            .iter()
            .map(|line| OpeningLine {
                lot_id: line.lot_id.clone(),
                bidder_credit_code: line.bidder_credit_code.clone(),
                status: if line.status == "decrypted" { "decrypted" } else { "failed" }.to_owned(),
                method: line.method.clone(),
                declared_json: line.declared_json.clone(),
                received_at_ms: line.received_at_ms,
            })
            .collect();
        let record = OpeningRecord { tender_id: tender_id.to_owned(), closed_at_ms, lines };
        let key = self.transparency.key.as_ref().ok_or(AppError::NotFound { what: "平台签名密钥" })?;
        let signature = record.sign(key);
        let details = OpeningRecordDetails {
            tender_id: tender_id.to_owned(),
            closed_at_ms,
            lines: record
                .lines
                .into_iter()
                .map(|line| OpeningLineDetails {
                    lot_id: line.lot_id,
                    bidder_credit_code: line.bidder_credit_code,
                    status: line.status,
                    method: line.method,
                    declared_json: line.declared_json,
                    received_at_ms: line.received_at_ms,
                })
                .collect(),
            signature_hex: hex::encode(signature),
        };
        let stream_id = stream::tender(tender_id);
        let recorded = Recorded {
            stream_id: stream_id.clone(),
            region_code: row.region_code.clone(),
            event: Event::OpeningRecordSigned(details),
        };
        self.record(actor, vec![(stream_id, ExpectedVersion::Exactly(row.version))], vec![recorded], Vec::new())
            .await?;
        // The screens raise their alerts as the platform, at once (W1-F: within a second of the
        // record). The record stands whatever happens to them; a failure is logged for the operator.
        let platform = Actor::system(crate::entity::stored_region(&row.region_code)?);
        if let Err(error) = self.raise_opening_alerts(&platform, &row).await {
            tracing::error!(tender = %tender_id, error = %error, "the lot screens could not raise their alerts");
        }
        self.opening(tender_id).await
    }

    /// The opening as it stands (public once it has started; before, nothing about bids is shown).
    pub async fn opening(&self, tender_id: &str) -> AppResult<OpeningView> {
        let row = self.tender_row(tender_id).await?;
        let state = tender_state(&row)?;
        // Public read: the viewer is anyone, so the public's visibility decides.
        if bid_visibility(Role::Public, state) == BidVisibility::Nothing {
            return Err(AppError::refused(
                "opening_not_started",
                "开标尚未开始：投标截止前不公开任何投标人或投标文件的信息（招标投标法 第二十二条）".to_owned(),
            ));
        }
        let lots = self.store.tender_lots(tender_id).await?;
        let outcomes = self.store.bid_openings(tender_id).await?;
        let lines = self
            .store
            .submitted_bids(tender_id)
            .await?
            .into_iter()
            .filter(|bid| lots.iter().any(|lot| lot.lot_id == bid.lot_id && lot.failed_reason.is_none()))
            .map(|bid| {
                let outcome =
                    outcomes.iter().find(|o| o.lot_id == bid.lot_id && o.bidder_credit_code == bid.bidder_credit_code);
                OpeningLineDetails {
                    status: outcome.map_or("pending", |o| o.status.as_str()).to_owned(),
                    method: outcome.map(|o| o.method.clone()).unwrap_or_default(),
                    declared_json: outcome.map_or_else(|| "{}".to_owned(), |o| o.declared_json.clone()),
                    lot_id: bid.lot_id,
                    bidder_credit_code: bid.bidder_credit_code,
                    received_at_ms: bid.received_at_ms,
                }
            })
            .collect();
        let record = row.opening_record.as_deref().and_then(|json| serde_json::from_str(json).ok());
        let escrow_given =
            if state == TenderState::Opening { self.store.given_shares(tender_id).await?.len() } else { 0 };
        Ok(OpeningView {
            tender_id: row.tender_id.clone(),
            state,
            failed_lots: lots
                .into_iter()
                .filter_map(|lot| lot.failed_reason.map(|reason| (lot.lot_id, reason)))
                .collect(),
            lines,
            record,
            escrow_given,
            escrow_threshold: row.escrow_threshold.unwrap_or(0),
            objections: self.opening_objections(tender_id).await?.0,
        })
    }
}

/// The SM3 of each file of an opened bid, for the screen that compares files across bidders.
fn file_digests(payload: &ggzy_crypto::envelope::Payload) -> Vec<String> {
    payload.files.iter().map(|file| hex::encode(ggzy_crypto::sm3::sm3(&file.bytes))).collect()
}

/// The declared fields as recorded: the bidder's JSON object, or `{}` if it sealed something else.
fn declared_fields(json: &str) -> String {
    match serde_json::from_str::<serde_json::Value>(json) {
        Ok(value @ serde_json::Value::Object(_)) => value.to_string(),
        _ => "{}".to_owned(),
    }
}

fn opening_guard(tender_id: &str) -> ProjectionOp {
    ProjectionOp::Tender(TenderOp::RequireState {
        tender_id: tender_id.to_owned(),
        state: TenderState::Opening.as_str().to_owned(),
    })
}

fn opened_key(bid: &BidRow, data_key: &[u8; 16]) -> ProjectionOp {
    ProjectionOp::Tender(TenderOp::PutOpenedKey {
        tender_id: bid.tender_id.clone(),
        lot_id: bid.lot_id.clone(),
        bidder_credit_code: bid.bidder_credit_code.clone(),
        data_key: data_key.to_vec(),
    })
}
