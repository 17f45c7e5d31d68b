-- A fire point is confirmed (认定) before it costs a township money. A detection without a row here is
-- pending (待核查); the automatic classification proposes strike-offs, people confirm, strike off,
-- appeal and decide. Every change is an event in fire_review_events (append-only, like task_events).
CREATE TABLE fire_reviews (
    fire_point_id    VARCHAR PRIMARY KEY,
    state            VARCHAR NOT NULL CHECK (state IN ('pending', 'confirmed', 'struck_off', 'appealed', 'merged')),
    proposed_reason  VARCHAR,                   -- the classification's proposal to strike off; NULL = none
    proposal         VARCHAR,                   -- JSON: the evidence behind the proposal
    reason           VARCHAR,                   -- the strike-off reason decided ('duplicate' for a merged one)
    duplicate_of     VARCHAR,                   -- the counted detection a merged one is linked to
    appeals          INTEGER NOT NULL DEFAULT 0,
    version          INTEGER NOT NULL DEFAULT 1, -- optimistic lock: every change bumps it
    updated_at       TIMESTAMP NOT NULL
);

CREATE SEQUENCE fire_review_event_ids START 1;
CREATE TABLE fire_review_events (
    id             BIGINT PRIMARY KEY DEFAULT nextval('fire_review_event_ids'),
    fire_point_id  VARCHAR NOT NULL,
    actor          VARCHAR NOT NULL,
    role           VARCHAR NOT NULL,
    action         VARCHAR NOT NULL,
    from_state     VARCHAR NOT NULL,
    to_state       VARCHAR NOT NULL,
    reason         VARCHAR,                     -- strike-off reason code, or the proposal's
    comment        VARCHAR,
    occurred_at    TIMESTAMP NOT NULL
);

CREATE TABLE fire_review_attachments (
    name           VARCHAR PRIMARY KEY,         -- generated file name under <store>_files/attachments/
    fire_point_id  VARCHAR NOT NULL,
    event_id       BIGINT NOT NULL,             -- the confirmation, strike-off or appeal that brought it
    original_name  VARCHAR,                     -- as uploaded; shown escaped, never used as a path
    media_type     VARCHAR NOT NULL,
    size_bytes     BIGINT NOT NULL,
    sha256         VARCHAR NOT NULL,
    uploaded_by    VARCHAR NOT NULL,
    uploaded_at    TIMESTAMP NOT NULL
);

-- The deduction ledger: one dated row per charge and per reversal, never updated, so the amount of a
-- period as it stood on any day can be read again after later confirmations, appeals or schedule changes.
CREATE SEQUENCE deduction_ids START 1;
CREATE TABLE deductions (
    id             BIGINT PRIMARY KEY DEFAULT nextval('deduction_ids'),
    problem_type   VARCHAR NOT NULL,            -- fire_point, open_burning, coal_boiler, ... (the schedule's keys)
    township_code  VARCHAR NOT NULL,
    incurred_on    DATE NOT NULL,               -- the day of the problem (the fire's Beijing date): its period
    amount_cny     DOUBLE NOT NULL,             -- a charge (> 0) or the reversal of one (< 0)
    fire_point_id  VARCHAR,                     -- the fire point charged, for fire points
    event_id       BIGINT,                      -- the review event that charged or reversed it
    basis          VARCHAR,                     -- the schedule entry applied, as recorded then
    note           VARCHAR,
    recorded_at    TIMESTAMP NOT NULL,
    recorded_by    VARCHAR NOT NULL
);
