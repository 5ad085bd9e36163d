-- kpis: one row per line of kpis.csv; `_row` is the spreadsheet row (header = 1).
create table kpis (
    site_id varchar,
    kpi varchar,
    "date" date,
    "value" double,
    target double,
    unit varchar,
    kpi_en varchar,
    unit_en varchar,
    _row integer
);
