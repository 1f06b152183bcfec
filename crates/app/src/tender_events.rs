//! How tender and bid events update the tender read models.

use ggzy_domain::tender::TenderState;
use ggzy_store::tender_projection::{BidOpeningRow, BidRow, SecurityRow, TechnicalProposalRow, TenderOp, TenderRow};

use crate::events::Event;

fn unhex(text: &str) -> Vec<u8> {
    // The app wrote these hex strings itself; a bad one would be a bug, caught by the store's checks.
    hex::decode(text).unwrap_or_default()
}

fn set_state(tender_id: &str, state: TenderState, version: i64, at_ms: i64) -> TenderOp {
    TenderOp::SetState {
        tender_id: tender_id.to_owned(),
        state: state.as_str().to_owned(),
        version,
        updated_at_ms: at_ms,
    }
}

/// The tender projection updates of a tender or bid event (empty for other events).
pub(crate) fn projections(event: &Event, at_ms: i64, stream_version: i64) -> Vec<TenderOp> {
    match event {
        Event::TenderCreated(details) => {
            let mut ops = vec![TenderOp::InsertTender(TenderRow {
                tender_id: details.tender_id.clone(),
                region_code: details.region_code.clone(),
                title: details.title.clone(),
                principal_credit_code: details.principal_credit_code.clone(),
                agency_credit_code: details.agency_credit_code.clone(),
                ruleset_version: details.ruleset.clone(),
                state: TenderState::Draft.as_str().to_owned(),
                documents_issued_ms: None,
                bid_deadline_ms: None,
                opening_public_key: None,
                escrow_threshold: None,
                opening_record: None,
                estimate_fen: None,
                bid_security_fen: None,
                pq_deadline_ms: None,
                open_objections: 0,
                ceiling_price_fen: None,
                bid_validity_days: None,
                project_id: details.project_id.clone(),
                proposal_deadline_ms: None,
                created_at_ms: at_ms,
                updated_at_ms: at_ms,
                version: stream_version,
            })];
            ops.extend(details.lots.iter().map(|lot| TenderOp::InsertLot {
                tender_id: details.tender_id.clone(),
                lot_id: lot.lot_id.clone(),
                name: lot.name.clone(),
            }));
            ops
        }
        Event::OpeningKeyCeremonyHeld { tender_id, public_key_pem, threshold, shares } => {
            let mut ops = vec![TenderOp::SetOpeningKey {
                tender_id: tender_id.clone(),
                public_key_pem: public_key_pem.clone(),
                threshold: i64::from(*threshold),
            }];
            ops.extend(shares.iter().map(|share| TenderOp::InsertEscrowShare {
                tender_id: tender_id.clone(),
                official_user_id: share.official_user_id.clone(),
                share_index: i64::from(share.share_index),
                cert_serial: share.cert_serial.clone(),
                encrypted_share: unhex(&share.encrypted_share_hex),
            }));
            ops.push(TenderOp::SetVersion {
                tender_id: tender_id.clone(),
                version: stream_version,
                updated_at_ms: at_ms,
            });
            ops
        }
        Event::TenderNoticePublished {
            tender_id,
            documents_issued_ms,
            bid_deadline_ms,
            estimate_fen,
            bid_security_fen,
            ceiling_price_fen,
            bid_validity_days,
            ..
        } => vec![
            TenderOp::SetSchedule {
                tender_id: tender_id.clone(),
                documents_issued_ms: *documents_issued_ms,
                bid_deadline_ms: *bid_deadline_ms,
            },
            TenderOp::SetSecurityTerms {
                tender_id: tender_id.clone(),
                estimate_fen: *estimate_fen,
                bid_security_fen: *bid_security_fen,
                ceiling_price_fen: *ceiling_price_fen,
                bid_validity_days: *bid_validity_days,
            },
            set_state(tender_id, TenderState::Bidding, stream_version, at_ms),
        ],
        Event::SecurityLodged(security) => vec![TenderOp::PutSecurity(SecurityRow {
            tender_id: security.tender_id.clone(),
            lot_id: security.lot_id.clone(),
            bidder_credit_code: security.bidder_credit_code.clone(),
            kind: security.kind.clone(),
            amount_fen: security.amount_fen,
            reference: security.reference.clone(),
            issuer: security.issuer.clone(),
            valid_until: security.valid_until.clone(),
            document_sm3: security.document_sm3_hex.as_deref().map(unhex),
            lodged_at_ms: at_ms,
            refunded_day: None,
        })],
        Event::SecuritiesRefunded { tender_id, lot_id, refunded_day, .. } => vec![TenderOp::RefundSecurities {
            tender_id: tender_id.clone(),
            lot_id: lot_id.clone(),
            refunded_day: refunded_day.clone(),
        }],
        Event::PrequalificationAmended { tender_id, application_deadline_ms, .. } => vec![
            TenderOp::SetPqDeadline { tender_id: tender_id.clone(), pq_deadline_ms: *application_deadline_ms },
            TenderOp::SetVersion { tender_id: tender_id.clone(), version: stream_version, updated_at_ms: at_ms },
        ],
        Event::AmendmentIssued { tender_id, bid_deadline_ms, .. } => vec![
            TenderOp::SetDeadline { tender_id: tender_id.clone(), bid_deadline_ms: *bid_deadline_ms },
            TenderOp::SetVersion { tender_id: tender_id.clone(), version: stream_version, updated_at_ms: at_ms },
        ],
        Event::BidderRegistered { tender_id, lot_id, bidder_credit_code } => vec![TenderOp::InsertRegistration {
            tender_id: tender_id.clone(),
            lot_id: lot_id.clone(),
            bidder_credit_code: bidder_credit_code.clone(),
            registered_at_ms: at_ms,
        }],
        Event::BidSubmitted(bid) => vec![TenderOp::PutBid(BidRow {
            tender_id: bid.tender_id.clone(),
            lot_id: bid.lot_id.clone(),
            bidder_credit_code: bid.bidder_credit_code.clone(),
            envelope_digest: unhex(&bid.envelope_digest_hex),
            blob_sm3: unhex(&bid.blob_sm3_hex),
            size_bytes: bid.size_bytes,
            cert_serial: bid.cert_serial.clone(),
            sealed_at_ms: bid.sealed_at_ms,
            tool_version: bid.tool_version.clone(),
            machine_id_hash: unhex(&bid.machine_id_hash_hex),
            mac_hash: unhex(&bid.mac_hash_hex),
            client_ip: bid.client_ip.clone(),
            received_at_ms: bid.received_at_ms,
        })],
        Event::BidWithdrawn { tender_id, lot_id, bidder_credit_code } => vec![TenderOp::WithdrawBid {
            tender_id: tender_id.clone(),
            lot_id: lot_id.clone(),
            bidder_credit_code: bidder_credit_code.clone(),
        }],
        Event::OpeningStarted { tender_id, failed_lots, .. } => {
            let mut ops: Vec<TenderOp> = failed_lots
                .iter()
                .map(|lot| TenderOp::SetLotFailed {
                    tender_id: tender_id.clone(),
                    lot_id: lot.lot_id.clone(),
                    reason: lot.reason.clone(),
                })
                .collect();
            ops.push(set_state(tender_id, TenderState::Opening, stream_version, at_ms));
            ops
        }
        Event::TenderFailed { tender_id, .. } => vec![set_state(tender_id, TenderState::Failed, stream_version, at_ms)],
        Event::TenderTerminated { tender_id, .. } => {
            vec![set_state(tender_id, TenderState::Terminated, stream_version, at_ms)]
        }
        Event::WithdrawnSecurityRefunded { tender_id, lot_id, bidder_credit_code, refunded_day, .. } => {
            vec![TenderOp::RefundSecurity {
                tender_id: tender_id.clone(),
                lot_id: lot_id.clone(),
                bidder_credit_code: bidder_credit_code.clone(),
                refunded_day: refunded_day.clone(),
            }]
        }
        Event::TerminationRefunded { tender_id, lot_ids, refunded_day, .. } => lot_ids
            .iter()
            .map(|lot_id| TenderOp::RefundSecurities {
                tender_id: tender_id.clone(),
                lot_id: lot_id.clone(),
                refunded_day: refunded_day.clone(),
            })
            .chain(std::iter::once(TenderOp::SetVersion {
                tender_id: tender_id.clone(),
                version: stream_version,
                updated_at_ms: at_ms,
            }))
            .collect(),
        Event::BiddersInvited { tender_id, invitees, .. } => vec![
            TenderOp::InsertInvitees { tender_id: tender_id.clone(), invitees: invitees.clone() },
            TenderOp::SetVersion { tender_id: tender_id.clone(), version: stream_version, updated_at_ms: at_ms },
        ],
        Event::PrequalificationPublished { tender_id, application_deadline_ms, .. } => vec![
            TenderOp::SetPqDeadline { tender_id: tender_id.clone(), pq_deadline_ms: *application_deadline_ms },
            set_state(tender_id, TenderState::Prequalifying, stream_version, at_ms),
        ],
        Event::TechnicalProposalsInvited { tender_id, proposal_deadline_ms, .. } => vec![
            TenderOp::SetProposalDeadline { tender_id: tender_id.clone(), proposal_deadline_ms: *proposal_deadline_ms },
            set_state(tender_id, TenderState::Proposing, stream_version, at_ms),
        ],
        Event::TechnicalProposalSubmitted {
            tender_id,
            proposer_credit_code,
            file_name,
            size_bytes,
            document_sm3_hex,
        } => vec![TenderOp::PutTechnicalProposal(TechnicalProposalRow {
            tender_id: tender_id.clone(),
            proposer_credit_code: proposer_credit_code.clone(),
            file_name: file_name.clone(),
            size_bytes: *size_bytes,
            document_sm3_hex: document_sm3_hex.clone(),
            submitted_at_ms: at_ms,
        })],
        Event::TechnicalProposalsClosed { tender_id, failed_reason, .. } => {
            let state = if failed_reason.is_some() { TenderState::Failed } else { TenderState::ProposalsClosed };
            vec![set_state(tender_id, state, stream_version, at_ms)]
        }
        Event::PrequalificationApplied { tender_id, applicant_credit_code } => vec![TenderOp::InsertPqApplication {
            tender_id: tender_id.clone(),
            applicant_credit_code: applicant_credit_code.clone(),
            applied_at_ms: at_ms,
        }],
        Event::PrequalificationRecorded { tender_id, qualified, rejected, failed_reason } => {
            let mut ops: Vec<TenderOp> = qualified
                .iter()
                .map(|code| TenderOp::SetPqResult {
                    tender_id: tender_id.clone(),
                    applicant_credit_code: code.clone(),
                    result: "qualified".to_owned(),
                    reason: String::new(),
                })
                .chain(rejected.iter().map(|r| TenderOp::SetPqResult {
                    tender_id: tender_id.clone(),
                    applicant_credit_code: r.applicant_credit_code.clone(),
                    result: "rejected".to_owned(),
                    reason: r.reason.clone(),
                }))
                .collect();
            let state = if failed_reason.is_some() { TenderState::Failed } else { TenderState::Prequalified };
            ops.push(set_state(tender_id, state, stream_version, at_ms));
            ops
        }
        Event::DocumentObjectionRaised { tender_id, .. } => vec![
            TenderOp::CountObjection { tender_id: tender_id.clone(), delta: 1 },
            TenderOp::SetVersion { tender_id: tender_id.clone(), version: stream_version, updated_at_ms: at_ms },
        ],
        Event::DocumentObjectionAnswered { tender_id, bid_deadline_ms, prequalification, .. } => vec![
            TenderOp::CountObjection { tender_id: tender_id.clone(), delta: -1 },
            if *prequalification {
                TenderOp::SetPqDeadline { tender_id: tender_id.clone(), pq_deadline_ms: *bid_deadline_ms }
            } else {
                TenderOp::SetDeadline { tender_id: tender_id.clone(), bid_deadline_ms: *bid_deadline_ms }
            },
            TenderOp::SetVersion { tender_id: tender_id.clone(), version: stream_version, updated_at_ms: at_ms },
        ],
        Event::TenderSuspended { tender_id, .. } => {
            vec![set_state(tender_id, TenderState::Suspended, stream_version, at_ms)]
        }
        Event::TenderResumed { tender_id, resumed_to, .. } => {
            // Written by `resume_tender` from a parsed state; an unknown one would be a bug.
            let state = TenderState::parse(resumed_to).unwrap_or(TenderState::Suspended);
            vec![set_state(tender_id, state, stream_version, at_ms)]
        }
        Event::BidDecrypted { tender_id, lot_id, bidder_credit_code, method, declared_json, .. } => {
            vec![TenderOp::PutOpening(BidOpeningRow {
                tender_id: tender_id.clone(),
                lot_id: lot_id.clone(),
                bidder_credit_code: bidder_credit_code.clone(),
                status: "decrypted".to_owned(),
                method: method.clone(),
                declared_json: declared_json.clone(),
                reason: String::new(),
                at_ms,
            })]
        }
        Event::BidDecryptionFailed { tender_id, lot_id, bidder_credit_code, reason } => {
            vec![TenderOp::PutOpening(BidOpeningRow {
                tender_id: tender_id.clone(),
                lot_id: lot_id.clone(),
                bidder_credit_code: bidder_credit_code.clone(),
                status: "failed".to_owned(),
                method: String::new(),
                declared_json: "{}".to_owned(),
                reason: reason.clone(),
                at_ms,
            })]
        }
        Event::EscrowQuorumReached { tender_id, .. } => vec![
            TenderOp::DeleteGivenShares { tender_id: tender_id.clone() },
            TenderOp::SetVersion { tender_id: tender_id.clone(), version: stream_version, updated_at_ms: at_ms },
        ],
        Event::OpeningRecordSigned(record) => vec![
            TenderOp::SetOpeningRecord {
                tender_id: record.tender_id.clone(),
                record_json: serde_json::to_string(record).unwrap_or_default(),
            },
            set_state(&record.tender_id, TenderState::Opened, stream_version, at_ms),
        ],
        _ => Vec::new(),
    }
}
