-- Sand-dust days (例外事件): left out of PM10, PM2.5 and the composite index, kept in the good-day ratio.
-- township_code NULL marks the day for the whole region. One row per (date, township_code):
-- stations/repository.mark_sand_dust_day replaces an existing mark.
CREATE TABLE sand_dust_days (
    date           DATE NOT NULL,
    township_code  VARCHAR,
    note           VARCHAR,
    marked_at      TIMESTAMP NOT NULL DEFAULT current_localtimestamp()
);
