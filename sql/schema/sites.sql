-- sites: one row per line of sites.csv; `_row` is the spreadsheet row (header = 1).
create table sites (
    site_id varchar,
    "name" varchar,
    commune varchar,
    "kind" varchar,
    lat double,
    lon double,
    description varchar,
    name_en varchar,
    description_en varchar,
    _row integer
);
