-- actions: one row per line of actions.csv; `_row` is the spreadsheet row (header = 1).
create table actions (
    action_id varchar,
    meeting_date date,
    "kind" varchar,
    "text" varchar,
    owner varchar,
    due date,
    status varchar,
    task_id varchar,
    project_id varchar,
    text_en varchar,
    _row integer
);
