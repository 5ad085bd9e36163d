-- scores: one row per line of scores.csv; `_row` is the spreadsheet row (header = 1).
create table scores (
    project_id varchar,
    criterion_id varchar,
    juror varchar,
    score double,
    comment varchar,
    _row integer
);
