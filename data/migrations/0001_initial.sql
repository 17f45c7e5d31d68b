-- Lantian store, first schema.
-- Conventions: geometries are EPSG:4326 (lon/lat; CGCS2000 is the same at map scale);
-- every TIMESTAMP is naive Beijing time (UTC+8); concentrations are µg/m³ except CO in mg/m³;
-- JSON-valued columns are VARCHAR holding JSON text.

CREATE TABLE townships (
    code          VARCHAR PRIMARY KEY,
    name          VARCHAR NOT NULL,             -- Chinese name, e.g. 沁园街道
    name_en       VARCHAR,
    kind          VARCHAR NOT NULL DEFAULT 'town' CHECK (kind IN ('street', 'town', 'township')),
    terrain       VARCHAR CHECK (terrain IN ('urban', 'plain', 'mountain')),
    illustrative  BOOLEAN NOT NULL DEFAULT FALSE, -- polygon generated, not an official boundary
    source        VARCHAR,
    geom          GEOMETRY NOT NULL
);

CREATE TABLE stations (
    code           VARCHAR PRIMARY KEY,
    name           VARCHAR NOT NULL,
    kind           VARCHAR NOT NULL CHECK (kind IN ('national', 'provincial', 'township', 'micro')),
    township_code  VARCHAR,                     -- NULL for stations that count for the city only
    city           VARCHAR,
    lon            DOUBLE,
    lat            DOUBLE,
    source         VARCHAR,
    geom           GEOMETRY                     -- NULL when the source gave no coordinates
);

-- One row per station and hour. quality_flag is a bit mask (data/quality.py); 0 = good.
CREATE TABLE observations (
    station_code   VARCHAR NOT NULL,
    time           TIMESTAMP NOT NULL,
    pm25 DOUBLE, pm10 DOUBLE, so2 DOUBLE, no2 DOUBLE, o3 DOUBLE,
    co             DOUBLE,                      -- mg/m³
    ws             DOUBLE,                      -- m/s
    wd             DOUBLE,                      -- degrees the wind comes FROM, 0 = north
    temp           DOUBLE,                      -- °C
    rh             DOUBLE,                      -- %
    aqi_published  INTEGER,                     -- AQI as published by the source, when it gave one
    quality_flag   INTEGER NOT NULL DEFAULT 0,
    source         VARCHAR,
    PRIMARY KEY (station_code, time)
);

CREATE TABLE zones (
    id          VARCHAR PRIMARY KEY,
    name        VARCHAR NOT NULL,
    kind        VARCHAR NOT NULL CHECK (kind IN ('low_emission', 'nonroad_ban', 'coal_ban', 'fuel_ban')),
    rules       VARCHAR,                        -- JSON: the zone's rule parameters
    valid_from  DATE,
    valid_to    DATE,                           -- NULL = open-ended
    source      VARCHAR,
    geom        GEOMETRY NOT NULL
);

-- Satellite, official and video fire points. id is a hash of the natural key, so re-imports upsert.
CREATE TABLE fire_points (
    id             VARCHAR PRIMARY KEY,
    source         VARCHAR NOT NULL,            -- firms_modis, firms_viirs, official, video, demo
    satellite      VARCHAR,
    time           TIMESTAMP NOT NULL,
    lon            DOUBLE NOT NULL,
    lat            DOUBLE NOT NULL,
    confidence     VARCHAR,                     -- MODIS 0-100, VIIRS l/n/h, kept as given
    frp            DOUBLE,                      -- fire radiative power, MW
    brightness     DOUBLE,                      -- K
    daynight       VARCHAR CHECK (daynight IN ('D', 'N')),
    township_code  VARCHAR,
    geom           GEOMETRY NOT NULL
);

CREATE TABLE dust_sources (
    id             VARCHAR PRIMARY KEY,
    kind           VARCHAR NOT NULL CHECK (kind IN ('site', 'road', 'stockpile')),
    name           VARCHAR NOT NULL,
    township_code  VARCHAR,
    attrs          VARCHAR,                     -- JSON
    geom           GEOMETRY NOT NULL            -- point (site, stockpile) or line (road)
);

-- Road dust load (g/m², limit 0.8) and dustfall (t/(km²·month), limit 7.5) measurements.
CREATE TABLE dust_readings (
    id             VARCHAR PRIMARY KEY,
    metric         VARCHAR NOT NULL CHECK (metric IN ('road_dust_load', 'dustfall')),
    date           DATE NOT NULL,
    value          DOUBLE NOT NULL,
    source_id      VARCHAR,                     -- the dust source measured, when there is one
    township_code  VARCHAR,
    lon            DOUBLE NOT NULL,
    lat            DOUBLE NOT NULL
);

CREATE TABLE enterprises (
    id             VARCHAR PRIMARY KEY,
    name           VARCHAR NOT NULL,
    industry       VARCHAR NOT NULL,            -- steel, lead_zinc, power, coking, cement, brick, carbon, ...
    emits          VARCHAR,                     -- JSON list of pollutants, e.g. ["so2", "pm10"]
    township_code  VARCHAR,
    lon            DOUBLE NOT NULL,
    lat            DOUBLE NOT NULL,
    footprint      GEOMETRY,                    -- plant area polygon, for persistent-heat checks
    geom           GEOMETRY NOT NULL
);

CREATE TABLE hotspots (
    id             VARCHAR PRIMARY KEY,         -- deterministic from kind, place and start
    kind           VARCHAR NOT NULL,            -- station, fire, dust, grid, anomaly, mobile, coal
    township_code  VARCHAR,
    station_code   VARCHAR,
    pollutant      VARCHAR,
    start_time     TIMESTAMP,
    end_time       TIMESTAMP,
    peak           DOUBLE,
    peak_ratio     DOUBLE,
    grade          VARCHAR CHECK (grade IN ('I', 'II', 'III')),
    score          DOUBLE,
    score_parts    VARCHAR,                     -- JSON: the parts the score is made of
    sources        VARCHAR,                     -- JSON: candidate sources, nearest first
    context        VARCHAR,                     -- JSON: zones, sensitive places
    lon            DOUBLE,
    lat            DOUBLE,
    geom           GEOMETRY,
    detected_at    TIMESTAMP NOT NULL,
    updated_at     TIMESTAMP NOT NULL
);

CREATE TABLE tasks (
    id             VARCHAR PRIMARY KEY,
    hotspot_id     VARCHAR,                     -- NULL for a field observation
    township_code  VARCHAR,
    department     VARCHAR,
    title          VARCHAR NOT NULL,
    instructions   VARCHAR,
    state          VARCHAR NOT NULL,
    deadline       TIMESTAMP,
    lon            DOUBLE,
    lat            DOUBLE,
    version        INTEGER NOT NULL DEFAULT 1,  -- optimistic lock: every change bumps it
    created_at     TIMESTAMP NOT NULL,
    updated_at     TIMESTAMP NOT NULL
);

-- Append-only: rows are inserted by each transition and never updated or deleted.
CREATE SEQUENCE task_event_ids START 1;
CREATE TABLE task_events (
    id          BIGINT PRIMARY KEY DEFAULT nextval('task_event_ids'),
    task_id     VARCHAR NOT NULL,
    actor       VARCHAR NOT NULL,
    role        VARCHAR NOT NULL,
    occurred_at TIMESTAMP NOT NULL,
    from_state  VARCHAR,
    to_state    VARCHAR NOT NULL,
    comment     VARCHAR
);
