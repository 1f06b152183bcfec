//! Small one-shot bid files kept in the database instead of the blob directory, under the same SM3
//! address.
//!
//! A file of its own costs a bid more than its bytes: creating an inode, a rename and a share of a
//! filesystem sync, and the inode allocation alone took about an eighth of the server's CPU in the
//! P1 surge. A row in `inline_blob` is written in the transaction of the event that names it (a
//! [`ProjectionOp::PutInlineBlob`](crate::ProjectionOp::PutInlineBlob) of that append), so the bytes
//! are durable exactly when the event is, with the group commit's one sync. SQLite's own measurements
//! ("Internal Versus External BLOBs", sqlite.org/intern-v-extern-blob.html) find blobs below about
//! 100 KB faster inside the database; larger files and chunked uploads stay in the directory.
//!
//! Readers go through [`read_stored`], which looks in both places, so where a file lives is
//! invisible to opening, verification and the dossier.

use std::io;
use std::sync::Arc;

use ggzy_crypto::sm3::Sm3Digest;
use sqlx::Row as _;

use crate::Store;
use crate::blob::BlobStore;
use crate::error::StoreResult;

/// The largest file kept in the database (64 KiB: well inside the size SQLite measures faster than
/// a file, and small enough not to hold the group commit's transaction noticeably longer).
pub const INLINE_MAX_BYTES: usize = 64 << 10;

/// A file to keep in the database: its SM3 address and its bytes.
#[derive(Clone, PartialEq, Eq)]
pub struct InlineBlob {
    /// SM3 of `bytes`.
    pub address: Sm3Digest,
    /// The file.
    pub bytes: Arc<Vec<u8>>,
}

impl std::fmt::Debug for InlineBlob {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The bytes are a sealed bid: a log line needs its address and size, not its contents.
        write!(f, "InlineBlob({}, {} bytes)", crate::blob::hex_of(&self.address), self.bytes.len())
    }
}

impl Store {
    /// The file kept in the database under `address`, if any.
    pub async fn inline_blob(&self, address: &Sm3Digest) -> StoreResult<Option<Vec<u8>>> {
        let row = sqlx::query("SELECT bytes FROM inline_blob WHERE sm3 = $1")
            .bind(address.to_vec())
            .fetch_optional(self.pool())
            .await?;
        Ok(match row {
            Some(row) => Some(row.try_get(0)?),
            None => None,
        })
    }

    /// How many files the database keeps.
    pub async fn inline_blob_count(&self) -> StoreResult<i64> {
        Ok(sqlx::query("SELECT COUNT(*) FROM inline_blob").fetch_one(self.pool()).await?.try_get(0)?)
    }
}

/// Reads the stored file at `address` wherever it was kept: the database, else the blob directory
/// (`files`; `None` where a deployment has none). The caller checks the bytes against the address.
pub async fn read_stored(store: &Store, files: Option<&BlobStore>, address: &Sm3Digest) -> io::Result<Vec<u8>> {
    if let Some(bytes) = store.inline_blob(address).await.map_err(io::Error::other)? {
        return Ok(bytes);
    }
    match files {
        Some(files) => files.read(address).await,
        None => Err(io::Error::new(io::ErrorKind::NotFound, "not in the database and there is no blob directory")),
    }
}
