-- Closed loop: users and roles, the task's snapshot of what it was made from, the action behind
-- every event, and photo attachments. Counters (returns, escalations) are derived from task_events.

CREATE TABLE users (
    name           VARCHAR PRIMARY KEY,
    password_hash  VARCHAR NOT NULL,            -- argon2id, encoded with its parameters and salt
    role           VARCHAR NOT NULL CHECK (role IN ('inspector', 'township', 'supervisor', 'admin')),
    township_code  VARCHAR,                     -- required for role 'township', NULL otherwise
    active         BOOLEAN NOT NULL DEFAULT TRUE,
    created_at     TIMESTAMP NOT NULL,
    updated_at     TIMESTAMP NOT NULL,
    CHECK ((role = 'township') = (township_code IS NOT NULL))
);

-- Copied when the task is made: the hotspot may be re-detected and re-graded later, while the task's
-- deadline was set from the grade it had; field observations have no hotspot to take them from.
ALTER TABLE tasks ADD COLUMN kind VARCHAR;    -- the hotspot's kind, or 'field' for a field observation
ALTER TABLE tasks ADD COLUMN grade VARCHAR;   -- I, II, III

-- What the actor did (create, assign, submit_feedback, close, return, escalate, add_evidence, ...).
ALTER TABLE task_events ADD COLUMN action VARCHAR;

CREATE TABLE task_attachments (
    name           VARCHAR PRIMARY KEY,         -- generated file name under <store>_files/attachments/
    task_id        VARCHAR NOT NULL,
    event_id       BIGINT NOT NULL,             -- the event that brought it (feedback, evidence, observation)
    original_name  VARCHAR,                     -- as uploaded; shown escaped, never used as a path
    media_type     VARCHAR NOT NULL,            -- read from the content, e.g. image/jpeg
    size_bytes     BIGINT NOT NULL,
    sha256         VARCHAR NOT NULL,
    uploaded_by    VARCHAR NOT NULL,
    uploaded_at    TIMESTAMP NOT NULL
);
