-- criteria: one row per line of criteria.csv; `_row` is the spreadsheet row (header = 1).
create table criteria (
    evaluation varchar,
    criterion_id varchar,
    "label" varchar,
    weight double,
    scale_max double,
    method varchar,
    label_en varchar,
    _row integer
);
