-- Mobile sources and inspections watched in the zones: non-road machinery with GPS tracks, trucks seen by
-- electronic fences, scattered-coal inspections. Times are naive Beijing time; lon/lat are EPSG:4326.
-- Positions are plain lon/lat columns (no GEOMETRY): millions of rows are tested against a handful of
-- zone polygons in zones/enforcement.py, which needs the numbers, not stored points.

-- Non-road mobile machinery registry (非道路移动机械编码登记).
CREATE TABLE machinery (
    code                 VARCHAR PRIMARY KEY,   -- registration code (环保登记编码)
    type                 VARCHAR,               -- excavator, loader, forklift, crane, roller, ...
    emission_stage       INTEGER CHECK (emission_stage BETWEEN 0 AND 4),  -- 0 = before China I, 1..4 = China I..IV
    emission_stage_label VARCHAR,               -- as registered, e.g. 'China II' or 国二
    smoke_class          INTEGER CHECK (smoke_class BETWEEN 0 AND 5),     -- Ringelmann class of the last test
    owner                VARCHAR,
    site                 VARCHAR,               -- where it is registered to work
    colour_code          VARCHAR CHECK (colour_code IN ('green', 'blue', 'yellow', 'red'))
);

CREATE TABLE machinery_positions (
    machine_code  VARCHAR NOT NULL,
    time          TIMESTAMP NOT NULL,
    lon           DOUBLE NOT NULL,
    lat           DOUBLE NOT NULL,
    PRIMARY KEY (machine_code, time)
);

-- Trucks known to the fences (plate registry); permit_until: the low-emission-zone pass's last valid day.
CREATE TABLE trucks (
    plate              VARCHAR PRIMARY KEY,
    fuel               VARCHAR CHECK (fuel IN ('diesel', 'gasoline', 'gas', 'electric', 'hybrid', 'other')),
    gross_weight_t     DOUBLE,
    emission_standard  INTEGER CHECK (emission_standard BETWEEN 0 AND 6),  -- China 0..VI
    permit_until       DATE
);

-- Electronic-fence sightings: a position, a fence crossing (fence_id = the zone's id), or both.
CREATE TABLE truck_events (
    plate     VARCHAR NOT NULL,
    time      TIMESTAMP NOT NULL,
    lon       DOUBLE,
    lat       DOUBLE,
    fence_id  VARCHAR,
    crossing  VARCHAR CHECK (crossing IN ('in', 'out')),
    PRIMARY KEY (plate, time),
    CHECK ((lon IS NOT NULL AND lat IS NOT NULL) OR fence_id IS NOT NULL)
);

-- Scattered-coal inspections (散煤清零 checks): what was found at a place.
CREATE TABLE coal_inspections (
    id         VARCHAR PRIMARY KEY,
    time       TIMESTAMP NOT NULL,
    lon        DOUBLE NOT NULL,
    lat        DOUBLE NOT NULL,
    finding    VARCHAR NOT NULL CHECK (finding IN ('sale', 'use', 'none')),
    note       VARCHAR,
    inspector  VARCHAR
);
