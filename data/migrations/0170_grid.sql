-- The grid register (网格化监管: 定点、定时、定人、定责): cells city → township → village/grid cell, each with
-- its named people and the hotspot kinds they answer for; who holds each task now; the in-app inbox, the
-- outbox of mails and webhook calls delivered after commit, and the log of the scheduled daily runs.
CREATE TABLE grid_cells (
    code           VARCHAR PRIMARY KEY,
    name           VARCHAR NOT NULL,
    level          VARCHAR NOT NULL CHECK (level IN ('township', 'village', 'cell')),
    township_code  VARCHAR NOT NULL,
    parent_code    VARCHAR,                     -- the enclosing cell, NULL for a township's own cell
    geom           GEOMETRY,                    -- EPSG:4326; NULL: the township's boundary stands in
    source         VARCHAR
);

CREATE TABLE grid_people (
    id             VARCHAR PRIMARY KEY,
    cell_code      VARCHAR NOT NULL,
    name           VARCHAR NOT NULL,
    post           VARCHAR NOT NULL CHECK (post IN ('chief', 'member')),  -- 网格长, 网格员
    phone          VARCHAR,
    email          VARCHAR,
    duties         VARCHAR,                     -- JSON list of hotspot kinds (and 'field'); NULL or [] = every kind
    user_name      VARCHAR,                     -- the linked sign-in (users.name), for the in-app inbox
    active         BOOLEAN NOT NULL DEFAULT TRUE,
    source         VARCHAR
);

-- Who holds the task now (grid_people.id) and the cell it was routed to; NULL = the township as a whole.
ALTER TABLE tasks ADD COLUMN holder VARCHAR;
ALTER TABLE tasks ADD COLUMN grid_cell VARCHAR;

CREATE SEQUENCE notification_ids START 1;
CREATE TABLE notifications (
    id             BIGINT PRIMARY KEY DEFAULT nextval('notification_ids'),
    user_name      VARCHAR NOT NULL,            -- whose inbox
    kind           VARCHAR NOT NULL,            -- assign, return, overdue, escalation, hand_over, appeal_decision, weekly
    task_id        VARCHAR,                     -- the task it links to (NULL for a weekly summary)
    fire_point_id  VARCHAR,
    params         VARCHAR NOT NULL,            -- JSON: the values its vocabulary text is filled with
    created_at     TIMESTAMP NOT NULL,
    read_at        TIMESTAMP
);

CREATE SEQUENCE outbox_ids START 1;
CREATE TABLE outbox (
    id               BIGINT PRIMARY KEY DEFAULT nextval('outbox_ids'),
    channel          VARCHAR NOT NULL CHECK (channel IN ('email', 'webhook')),
    recipient        VARCHAR NOT NULL,          -- an e-mail address or the webhook URL
    subject          VARCHAR NOT NULL,
    body             VARCHAR NOT NULL,          -- the mail's text, or the webhook's JSON document
    created_at       TIMESTAMP NOT NULL,
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  TIMESTAMP NOT NULL,
    last_error       VARCHAR,
    delivered_at     TIMESTAMP,
    given_up_at      TIMESTAMP
);

CREATE SEQUENCE daily_run_ids START 1;
CREATE TABLE daily_runs (
    id             BIGINT PRIMARY KEY DEFAULT nextval('daily_run_ids'),
    day            DATE NOT NULL,               -- the day whose hotspots were detected and dispatched
    started_at     TIMESTAMP NOT NULL,
    finished_at    TIMESTAMP,
    outcome        VARCHAR NOT NULL CHECK (outcome IN ('running', 'done', 'failed')),
    summary        VARCHAR                      -- JSON: detected, escalated, dispatched, delivered, failed, error
);
