-- Entity relations (关联关系): each entity's declared shareholders, officers and controlling entity,
-- replaced as a whole by every declaration (event EntityRelationsDeclared), and the legal
-- representative's person key, so that one person is recognised across entities and experts.
-- Persons are kept as name, masked ID and person key (keyed SM3, hex): never the full ID number.

ALTER TABLE entity ADD COLUMN legal_rep_person_key TEXT;
-- When the relations were last declared (NULL: never; an empty declaration is still one).
ALTER TABLE entity ADD COLUMN relations_declared_at_ms BIGINT;
CREATE INDEX entity_legal_rep_person_key ON entity (legal_rep_person_key);

CREATE TABLE entity_relation (
    credit_code           TEXT    NOT NULL REFERENCES entity (credit_code),
    position              BIGINT  NOT NULL,
    -- shareholder | officer | controller
    kind                  TEXT    NOT NULL,
    -- An entity shareholder or the controlling entity.
    related_credit_code   TEXT,
    -- A natural-person shareholder or an officer.
    person_name           TEXT,
    person_id_masked      TEXT,
    person_key            TEXT,
    -- Share in basis points (5000 = 50%), when declared.
    share_bp              BIGINT,
    -- Officer's post (董事长, 监事, 总经理 ...).
    post                  TEXT,
    PRIMARY KEY (credit_code, position)
);
CREATE INDEX entity_relation_related ON entity_relation (related_credit_code);
CREATE INDEX entity_relation_person ON entity_relation (person_key);
