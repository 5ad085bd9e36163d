-- tasks: one row per line of tasks.csv; `_row` is the spreadsheet row (header = 1).
create table tasks (
    task_id varchar,
    workstream varchar,
    "name" varchar,
    "start" date,
    "end" date,
    milestone boolean,
    progress double,
    status varchar,
    owner varchar,
    site_id varchar,
    depends_on varchar,
    baseline_start date,
    baseline_end date,
    budget_eur double,
    spent_eur double,
    name_en varchar,
    workstream_en varchar,
    _row integer
);
