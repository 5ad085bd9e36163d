-- stakeholders: one row per line of stakeholders.csv; `_row` is the spreadsheet row (header = 1).
create table stakeholders (
    stakeholder_id varchar,
    "name" varchar,
    category varchar,
    commune varchar,
    country varchar,
    lat double,
    lon double,
    territory varchar,
    influence integer,
    interest integer,
    engagement varchar,
    site_id varchar,
    contact_name varchar,
    email varchar,
    phone varchar,
    _row integer
);
