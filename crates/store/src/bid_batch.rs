//! The bid writes of one group commit, gathered into multi-row statements.
//!
//! In a bid surge every request of a batch carries the same two writes: its `bid` row and, for a
//! one-shot bid, its `inline_blob` row. Each statement is a round trip to the database (on SQLite
//! a hand-off to the driver's worker thread and back), so the appender holds these writes back
//! and sends each kind in one statement per few hundred rows. It may do so only while nothing
//! else in the transaction reads or writes those tables: it writes them out before any other
//! projection update (see [`BidBatch::holds`]).

use std::collections::HashMap;

use sqlx::{AnyConnection, AssertSqlSafe};

use crate::appender::push_values;
use crate::connect::Backend;
use crate::error::StoreResult;
use crate::inline_blob::InlineBlob;
use crate::projection::ProjectionOp;
use crate::tender_projection::{BidRow, TenderOp};

/// Rows per statement: 13 parameters per bid row stays far below both engines' limits.
const ROWS_PER_STATEMENT: usize = 400;

/// Bid and inline-blob rows waiting to be written.
#[derive(Default)]
pub(crate) struct BidBatch<'a> {
    bids: Vec<&'a BidRow>,
    /// Index in `bids` of each (tender, lot, bidder): a bidder's later bid replaces its earlier
    /// one, exactly as the upsert would one statement after the other.
    bid_index: HashMap<(&'a str, &'a str, &'a str), usize>,
    blobs: Vec<&'a InlineBlob>,
}

impl<'a> BidBatch<'a> {
    /// Holds `op` back if it is a bid write; `false` if the caller must apply it itself.
    pub(crate) fn holds(&mut self, op: &'a ProjectionOp) -> bool {
        match op {
            ProjectionOp::Tender(TenderOp::PutBid(row)) => {
                let key = (row.tender_id.as_str(), row.lot_id.as_str(), row.bidder_credit_code.as_str());
                match self.bid_index.get(&key) {
                    Some(&at) => self.bids[at] = row,
                    None => {
                        self.bid_index.insert(key, self.bids.len());
                        self.bids.push(row);
                    }
                }
                true
            }
            ProjectionOp::PutInlineBlob(blob) => {
                self.blobs.push(blob);
                true
            }
            _ => false,
        }
    }

    /// Writes and forgets the rows held back.
    pub(crate) async fn write(&mut self, conn: &mut AnyConnection, backend: Backend) -> StoreResult<()> {
        for chunk in self.bids.chunks(ROWS_PER_STATEMENT) {
            put_bids(conn, backend, chunk).await?;
        }
        for chunk in self.blobs.chunks(ROWS_PER_STATEMENT) {
            put_blobs(conn, backend, chunk).await?;
        }
        self.bids.clear();
        self.bid_index.clear();
        self.blobs.clear();
        Ok(())
    }
}

/// Upserts bid rows in one statement; no key may appear twice.
pub(crate) async fn put_bids(conn: &mut AnyConnection, backend: Backend, rows: &[&BidRow]) -> StoreResult<()> {
    let mut sql = String::from(
        "INSERT INTO bid (tender_id, lot_id, bidder_credit_code, envelope_digest, blob_sm3, size_bytes, \
         cert_serial, sealed_at_ms, tool_version, machine_id_hash, mac_hash, client_ip, received_at_ms, \
         status) VALUES ",
    );
    push_values(&mut sql, backend, rows.len(), 13, ", 'submitted'");
    // A bidder's new bid replaces its earlier one (`BidBatch::holds` keeps keys unique).
    sql.push_str(
        " ON CONFLICT (tender_id, lot_id, bidder_credit_code) DO UPDATE SET \
         envelope_digest = excluded.envelope_digest, blob_sm3 = excluded.blob_sm3, \
         size_bytes = excluded.size_bytes, cert_serial = excluded.cert_serial, \
         sealed_at_ms = excluded.sealed_at_ms, tool_version = excluded.tool_version, \
         machine_id_hash = excluded.machine_id_hash, mac_hash = excluded.mac_hash, \
         client_ip = excluded.client_ip, received_at_ms = excluded.received_at_ms, status = 'submitted'",
    );
    // Only placeholders are spliced in; every value is bound.
    let mut query = sqlx::query(AssertSqlSafe(sql));
    for row in rows {
        query = query
            .bind(row.tender_id.as_str())
            .bind(row.lot_id.as_str())
            .bind(row.bidder_credit_code.as_str())
            .bind(row.envelope_digest.as_slice())
            .bind(row.blob_sm3.as_slice())
            .bind(row.size_bytes)
            .bind(row.cert_serial.as_str())
            .bind(row.sealed_at_ms)
            .bind(row.tool_version.as_str())
            .bind(row.machine_id_hash.as_slice())
            .bind(row.mac_hash.as_slice())
            .bind(row.client_ip.as_str())
            .bind(row.received_at_ms);
    }
    query.execute(&mut *conn).await?;
    Ok(())
}

/// Writes inline bid files in one statement; the same bytes stored again change nothing.
pub(crate) async fn put_blobs(conn: &mut AnyConnection, backend: Backend, blobs: &[&InlineBlob]) -> StoreResult<()> {
    let mut sql = String::from("INSERT INTO inline_blob (sm3, bytes) VALUES ");
    push_values(&mut sql, backend, blobs.len(), 2, "");
    // Content addressing: the same bytes twice, in this statement or before, are one row.
    sql.push_str(" ON CONFLICT (sm3) DO NOTHING");
    let mut query = sqlx::query(AssertSqlSafe(sql));
    for blob in blobs {
        query = query.bind(blob.address.as_slice()).bind(blob.bytes.as_slice());
    }
    query.execute(&mut *conn).await?;
    Ok(())
}
