-- OCDS compiled releases imported from other publishers (`ggzy import --ocds`): reference data for
-- supervision, one row per ocid (a release with a later `date` replaces the earlier one). The import
-- itself is an event (OcdsImported) naming the file's SM3 digest and the counts.
CREATE TABLE ocds_import (
    ocid                TEXT    PRIMARY KEY,
    publisher           TEXT    NOT NULL,
    release_date        TEXT    NOT NULL,
    release_json        TEXT    NOT NULL,
    file_sm3            TEXT    NOT NULL,
    line                BIGINT  NOT NULL,
    imported_at_ms      BIGINT  NOT NULL
);
