-- Every register a city holds: the township hierarchy and townships known by name before their boundary,
-- every identifier a station list carries, the enterprise and dust-source registers' columns, official and
-- video fire reports, and the rasters the store keeps. (DuckDB cannot add a column with a CHECK: the
-- allowed values of the new coded columns are checked by their importers and listed here.)

-- A township a station list names exists before its boundary arrives: geom is NULL until then, and
-- provisional marks a township known only by that name (its code is the name) until a township register
-- or boundary with the same name gives it its official code.
ALTER TABLE townships ALTER COLUMN geom DROP NOT NULL;
ALTER TABLE townships ADD COLUMN provisional BOOLEAN DEFAULT FALSE;
ALTER TABLE townships ADD COLUMN county_code VARCHAR;   -- the county (区县) the township belongs to, 6 digits
ALTER TABLE townships ADD COLUMN city_code VARCHAR;     -- the city (地市, or a city directly under the province)

-- Counties, cities and provinces by their national 6-digit division codes, for rankings by level.
CREATE TABLE admin_units (
    code         VARCHAR PRIMARY KEY,
    name         VARCHAR NOT NULL,
    level        VARCHAR NOT NULL CHECK (level IN ('province', 'city', 'county')),
    parent_code  VARCHAR                        -- the unit one level up, when known
);

-- Every name by which a station list calls a station (code, English id, Chinese name...), so files that
-- name stations any of those ways resolve later. An alias held by two stations resolves to neither.
CREATE TABLE station_aliases (
    alias         VARCHAR NOT NULL,
    station_code  VARCHAR NOT NULL,
    source        VARCHAR,                      -- the station list it came from
    PRIMARY KEY (alias, station_code)
);

-- The enterprise register (重点排污单位/涉气企业清单).
ALTER TABLE enterprises ADD COLUMN permit_number VARCHAR;       -- 排污许可证编号
ALTER TABLE enterprises ADD COLUMN stack_height_m DOUBLE;       -- highest stack, m
ALTER TABLE enterprises ADD COLUMN performance_grade VARCHAR;   -- 绩效分级: A, B, B-, C, D or leading (引领性)
ALTER TABLE enterprises ADD COLUMN responsible_unit VARCHAR;
ALTER TABLE enterprises ADD COLUMN responsible_person VARCHAR;
ALTER TABLE enterprises ADD COLUMN responsible_phone VARCHAR;
ALTER TABLE enterprises ADD COLUMN emergency_measures VARCHAR;  -- JSON: measures per alert level (later)

-- The dust-source register: who answers for each site, road and stockpile (kind details stay in attrs).
ALTER TABLE dust_sources ADD COLUMN responsible_unit VARCHAR;
ALTER TABLE dust_sources ADD COLUMN responsible_person VARCHAR;
ALTER TABLE dust_sources ADD COLUMN responsible_phone VARCHAR;

-- Where a reading was taken, as the report names it (a dustfall point need not be a dust source).
ALTER TABLE dust_readings ADD COLUMN place_name VARCHAR;

-- Official satellite fire lists and 蓝天卫士 video alarms keep what identifies them in their own files.
ALTER TABLE fire_points ADD COLUMN source_ref VARCHAR;  -- the report's own number (火点编号, 报警编号)
ALTER TABLE fire_points ADD COLUMN place_name VARCHAR;  -- where the report says it was (所在地, camera)
ALTER TABLE fire_points ADD COLUMN attrs VARCHAR;       -- JSON: the report's other columns, as written

-- GeoTIFFs the store keeps under Store.rasters_dir: satellite PM2.5 per month, land cover.
CREATE TABLE rasters (
    kind      VARCHAR NOT NULL CHECK (kind IN ('satellite_pm25', 'landcover')),
    period    VARCHAR NOT NULL,                 -- 'YYYY-MM' for satellite PM2.5, '' for land cover
    file      VARCHAR NOT NULL,                 -- the stored file's name under Store.rasters_dir
    source    VARCHAR,                          -- the imported file's name
    sha256    VARCHAR NOT NULL,
    crs       VARCHAR NOT NULL,
    width     INTEGER NOT NULL,
    height    INTEGER NOT NULL,
    west DOUBLE, south DOUBLE, east DOUBLE, north DOUBLE,  -- bounds in EPSG:4326 degrees
    nodata    DOUBLE,
    PRIMARY KEY (kind, period)
);
