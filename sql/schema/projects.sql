-- projects: one row per line of projects.csv; `_row` is the spreadsheet row (header = 1).
create table projects (
    project_id varchar,
    evaluation varchar,
    "name" varchar,
    theme varchar,
    stakeholder_id varchar,
    site_id varchar,
    price_eur double,
    status varchar,
    name_en varchar,
    _row integer
);
