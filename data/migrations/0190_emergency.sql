-- Heavy-pollution emergency response (重污染天气应急): alerts with their append-only history, the AQI
-- forecasts a supervisor issues them on, the emergency reduction list (应急减排清单: one row per source
-- and alert level, 一厂一策) the compliance checks inspectors record during an alert, and the checklist tasks made for it.
CREATE TABLE alerts (
    id             VARCHAR PRIMARY KEY,          -- A<YYYYMMDD>-<8 hex>
    level          VARCHAR NOT NULL CHECK (level IN ('blue', 'yellow', 'orange', 'red')),
    area_codes     VARCHAR NOT NULL,             -- JSON list of township codes; [] = the whole city
    starts_at      TIMESTAMP NOT NULL,           -- the response starts (Beijing time)
    ends_at        TIMESTAMP NOT NULL,           -- the planned end; the lift may come earlier or later
    lifted_at      TIMESTAMP,                    -- NULL while not lifted
    issuer         VARCHAR NOT NULL,
    trigger_kind   VARCHAR NOT NULL CHECK (trigger_kind IN ('observed', 'forecast')),
    trigger_aqi    INTEGER,                      -- the AQI the decision rests on, as entered
    trigger_note   VARCHAR,
    issued_at      TIMESTAMP NOT NULL,
    version        INTEGER NOT NULL DEFAULT 1    -- optimistic lock: every change bumps it
);

CREATE SEQUENCE alert_event_ids START 1;
CREATE TABLE alert_events (
    id           BIGINT PRIMARY KEY DEFAULT nextval('alert_event_ids'),
    alert_id     VARCHAR NOT NULL,
    action       VARCHAR NOT NULL CHECK (action IN ('issue', 'change', 'lift')),
    level        VARCHAR NOT NULL,               -- the level from this event on
    starts_at    TIMESTAMP NOT NULL,
    ends_at      TIMESTAMP NOT NULL,
    actor        VARCHAR NOT NULL,
    role         VARCHAR NOT NULL,
    comment      VARCHAR,
    occurred_at  TIMESTAMP NOT NULL              -- when the change takes effect (Beijing time)
);

CREATE TABLE aqi_forecasts (
    area_code          VARCHAR NOT NULL,         -- a city or township code
    day                DATE NOT NULL,
    aqi_max            INTEGER NOT NULL CHECK (aqi_max BETWEEN 0 AND 500),
    aqi_min            INTEGER CHECK (aqi_min BETWEEN 0 AND 500),
    primary_pollutant  VARCHAR,
    issued_on          DATE,
    source             VARCHAR,
    PRIMARY KEY (area_code, day)
);

CREATE TABLE reduction_measures (
    source_id          VARCHAR NOT NULL,         -- enterprise id (统一社会信用代码) or dust-source id of a site
    level              VARCHAR NOT NULL CHECK (level IN ('blue', 'yellow', 'orange', 'red')),
    source_kind        VARCHAR NOT NULL CHECK (source_kind IN ('enterprise', 'site')),
    name               VARCHAR NOT NULL,
    township_code      VARCHAR,
    grade              VARCHAR CHECK (grade IN ('leading', 'A', 'B', 'B-', 'C', 'D')),
    stop_lines         VARCHAR,                  -- the lines or processes stopped, as written
    output_cut_share   DOUBLE CHECK (output_cut_share BETWEEN 0 AND 1),
    stop_earthwork     BOOLEAN NOT NULL DEFAULT FALSE,
    off_peak_transport BOOLEAN NOT NULL DEFAULT FALSE,   -- 错峰运输
    measures           VARCHAR,                  -- the 一厂一策 text
    lon                DOUBLE,
    lat                DOUBLE,
    PRIMARY KEY (source_id, level)
);

CREATE TABLE emergency_checks (
    id             VARCHAR PRIMARY KEY,
    alert_id       VARCHAR NOT NULL,
    source_id      VARCHAR NOT NULL,
    township_code  VARCHAR,
    checked_at     TIMESTAMP NOT NULL,
    compliant      BOOLEAN NOT NULL,
    note           VARCHAR,
    inspector      VARCHAR NOT NULL,
    photos         VARCHAR NOT NULL DEFAULT '[]', -- JSON list of generated attachment names (<store>_files/attachments/)
    task_id        VARCHAR                       -- the checklist task it answers, when there is one
);

-- The checklist tasks made for an alert: one per source, so making them again adds none.
CREATE TABLE emergency_tasks (
    alert_id    VARCHAR NOT NULL,
    source_id   VARCHAR NOT NULL,
    task_id     VARCHAR NOT NULL,
    created_at  TIMESTAMP NOT NULL,
    PRIMARY KEY (alert_id, source_id)
);
