//! Content-addressed blob storage for sealed bid files: `sm3/<2 hex>/<64 hex>` under a directory
//! (the data directory by default; a shared directory when several nodes serve one database).
//!
//! Uploads grow under `incoming/<upload id>` and move into place only once checked. A blob is
//! durable (its bytes and its name) before the event that names it is appended, so a receipt
//! never names bytes that a crash could lose. Content addressing makes a repeated store of the
//! same bytes harmless.
//!
//! Durability is one `syncfs` of the blob filesystem shared by every blob written meanwhile
//! (group sync, as the event log's group commit): a thousand bids in the last minute cost a few
//! flushes of the disk, not two `fsync` calls each (file and directory).

use std::io;
use std::path::{Path, PathBuf};

use ggzy_crypto::sm3::Sm3Digest;
use tokio::fs;
use tokio::io::AsyncWriteExt as _;

/// The blob directory.
#[derive(Debug, Clone)]
pub struct BlobStore {
    dir: PathBuf,
    sync: std::sync::Arc<GroupSync>,
}

/// Makes the blob filesystem durable for every writer that finished before it, one flush for many.
///
/// A writer takes a ticket once its file is written and renamed; whoever holds the lock syncs
/// everything finished so far and records how far that reached. A writer whose ticket a sync
/// already covered returns without flushing again.
#[derive(Debug, Default)]
struct GroupSync {
    /// Writes finished (tickets handed out).
    finished: std::sync::atomic::AtomicU64,
    /// How many finished writes the last completed sync covered.
    synced: tokio::sync::Mutex<u64>,
}

/// An upload being written.
#[derive(Debug)]
pub struct Incoming {
    file: fs::File,
    len: u64,
}

impl BlobStore {
    /// Opens (creating) the directory layout.
    pub async fn open(dir: &Path) -> io::Result<BlobStore> {
        fs::create_dir_all(dir.join("sm3")).await?;
        fs::create_dir_all(dir.join("incoming")).await?;
        Ok(BlobStore { dir: dir.to_owned(), sync: std::sync::Arc::default() })
    }

    /// Where a stored blob lives.
    pub fn path(&self, digest: &Sm3Digest) -> PathBuf {
        let hex = hex_of(digest);
        self.dir.join("sm3").join(&hex[..2]).join(hex)
    }

    fn incoming_path(&self, upload_id: &str) -> PathBuf {
        self.dir.join("incoming").join(upload_id)
    }

    /// Starts (or truncates) an upload's file.
    pub async fn create_incoming(&self, upload_id: &str) -> io::Result<Incoming> {
        let path = self.incoming_path(upload_id);
        let file = fs::File::create(&path).await?;
        Ok(Incoming { file, len: 0 })
    }

    /// Reopens an upload to append at its end; `None` if it does not exist.
    pub async fn reopen_incoming(&self, upload_id: &str) -> io::Result<Option<Incoming>> {
        let path = self.incoming_path(upload_id);
        match fs::OpenOptions::new().append(true).open(&path).await {
            Ok(file) => {
                let len = file.metadata().await?.len();
                Ok(Some(Incoming { file, len }))
            }
            Err(error) if error.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(error) => Err(error),
        }
    }

    /// Bytes received so far by an upload (0 if it has no file).
    pub async fn incoming_len(&self, upload_id: &str) -> io::Result<u64> {
        match fs::metadata(self.incoming_path(upload_id)).await {
            Ok(meta) => Ok(meta.len()),
            Err(error) if error.kind() == io::ErrorKind::NotFound => Ok(0),
            Err(error) => Err(error),
        }
    }

    /// Reads an upload's bytes.
    pub async fn read_incoming(&self, upload_id: &str) -> io::Result<Vec<u8>> {
        fs::read(self.incoming_path(upload_id)).await
    }

    /// Drops an upload's bytes (abandoned, refused or stored).
    pub async fn discard_incoming(&self, upload_id: &str) -> io::Result<()> {
        match fs::remove_file(self.incoming_path(upload_id)).await {
            Err(error) if error.kind() != io::ErrorKind::NotFound => Err(error),
            _ => Ok(()),
        }
    }

    /// Moves a checked upload into place under its SM3 and makes it durable.
    pub async fn commit_incoming(&self, upload_id: &str, digest: &Sm3Digest) -> io::Result<PathBuf> {
        let source = self.incoming_path(upload_id);
        let target = self.path(digest);
        let parent = target.parent().map(Path::to_owned).unwrap_or_else(|| self.dir.clone());
        fs::create_dir_all(&parent).await?;
        fs::rename(&source, &target).await?;
        self.make_durable().await?;
        Ok(target)
    }

    /// Stores bytes received whole (a one-shot bid) under their SM3, durably: in one blocking task
    /// a temporary file beside the target (spread over the 256 address directories, so concurrent
    /// bids do not queue on one directory) is written and renamed into place; then a group sync.
    pub async fn put(&self, bytes: std::sync::Arc<Vec<u8>>, digest: Sm3Digest) -> io::Result<PathBuf> {
        static COUNTER: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let target = self.path(&digest);
        let target = tokio::task::spawn_blocking(move || {
            let parent = target.parent().map(Path::to_owned).unwrap_or_default();
            std::fs::create_dir_all(&parent)?;
            let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let temporary = parent.join(format!(".put-{}-{n}", std::process::id()));
            std::fs::write(&temporary, bytes.as_slice())?;
            std::fs::rename(&temporary, &target)?;
            Ok::<_, io::Error>(target)
        })
        .await
        .map_err(io::Error::other)??;
        self.make_durable().await?;
        Ok(target)
    }

    /// Returns once every blob written and renamed before the call is on disk, name included.
    async fn make_durable(&self) -> io::Result<()> {
        use std::sync::atomic::Ordering;
        let ticket = self.sync.finished.fetch_add(1, Ordering::AcqRel) + 1;
        let mut synced = self.sync.synced.lock().await;
        if *synced >= ticket {
            return Ok(());
        }
        // Every ticket up to `reach` belongs to a write that had finished when it was taken.
        let reach = self.sync.finished.load(Ordering::Acquire);
        let dir = self.dir.clone();
        tokio::task::spawn_blocking(move || sync_filesystem(&dir)).await.map_err(io::Error::other)??;
        *synced = reach;
        Ok(())
    }

    /// Reads a stored blob.
    pub async fn read(&self, digest: &Sm3Digest) -> io::Result<Vec<u8>> {
        fs::read(self.path(digest)).await
    }
}

impl Incoming {
    /// Appends a piece.
    pub async fn write(&mut self, data: &[u8]) -> io::Result<()> {
        self.file.write_all(data).await?;
        self.len += data.len() as u64;
        Ok(())
    }

    /// Bytes in the file.
    pub fn received(&self) -> u64 {
        self.len
    }

    /// Flushes what was written (a resumable upload keeps what reached the disk).
    pub async fn finish(mut self) -> io::Result<u64> {
        self.file.flush().await?;
        Ok(self.len)
    }
}

/// Flushes the filesystem holding `dir`: file contents and renames (since Linux 5.8 `syncfs`
/// reports write-back errors, so a failed flush is an error here, never a silent success).
#[cfg(target_os = "linux")]
fn sync_filesystem(dir: &Path) -> io::Result<()> {
    let handle = std::fs::File::open(dir)?;
    rustix::fs::syncfs(&handle).map_err(io::Error::from)
}

/// Elsewhere (development machines; servers run Linux) there is no `syncfs`: `sync` flushes all.
#[cfg(not(target_os = "linux"))]
fn sync_filesystem(_dir: &Path) -> io::Result<()> {
    rustix::fs::sync();
    Ok(())
}

pub(crate) fn hex_of(digest: &Sm3Digest) -> String {
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use ggzy_crypto::sm3::sm3;

    #[tokio::test]
    async fn an_upload_grows_resumes_and_lands_under_its_digest() {
        let dir = tempfile::tempdir().expect("tempdir");
        let blobs = BlobStore::open(dir.path()).await.expect("open");
        let mut incoming = blobs.create_incoming("u1").await.expect("create");
        incoming.write(b"hello ").await.expect("write");
        assert_eq!(incoming.finish().await.expect("finish"), 6);
        let mut resumed = blobs.reopen_incoming("u1").await.expect("reopen").expect("exists");
        assert_eq!(resumed.received(), 6);
        resumed.write(b"world").await.expect("write");
        resumed.finish().await.expect("finish");
        assert_eq!(blobs.incoming_len("u1").await.expect("len"), 11);
        let digest = sm3(b"hello world");
        let path = blobs.commit_incoming("u1", &digest).await.expect("commit");
        assert!(path.ends_with(hex_of(&digest)));
        assert_eq!(blobs.read(&digest).await.expect("read"), b"hello world");
        assert_eq!(blobs.incoming_len("u1").await.expect("len"), 0);
        assert!(blobs.reopen_incoming("u1").await.expect("reopen").is_none());
        blobs.discard_incoming("u1").await.expect("discarding nothing is fine");
        let whole = std::sync::Arc::new(b"sealed bid".to_vec());
        let address = sm3(&whole);
        blobs.put(whole.clone(), address).await.expect("put");
        blobs.put(whole.clone(), address).await.expect("storing the same bytes twice is harmless");
        assert_eq!(blobs.read(&address).await.expect("read"), *whole);
        let parent = blobs.path(&address).parent().expect("parent").to_owned();
        assert_eq!(std::fs::read_dir(parent).expect("dir").count(), 1, "no temporary file is left");
    }
}
