-- Small one-shot bid files kept in the database, addressed by their SM3 like the files of the blob
-- directory. A row commits in the transaction of the event that names it, so a receipted bid's bytes
-- are durable with its event and with no file of their own (see `ggzy_store::inline_blob::INLINE_MAX_BYTES`).
CREATE TABLE inline_blob (
    sm3    BYTEA NOT NULL PRIMARY KEY,
    bytes  BYTEA NOT NULL
);
