-- Invited tendering (邀请招标, 招标投标法 第十七条): the invited entities; only they may register.
CREATE TABLE tender_invitee (
    tender_id           TEXT    NOT NULL,
    credit_code         TEXT    NOT NULL,
    PRIMARY KEY (tender_id, credit_code)
);
