-- duplicate_key: a row whose key is already used by an earlier row of the same file.
-- detail is the spreadsheet row that holds the key first; a key of several columns
-- is named whole: key_columns and key_values (separated by chr(31)).
with keys as (
    select 'sites' as dataset, _row, 'site_id' as column_name, site_id as value, site_id as k,
        null as key_columns
    from sites
    union all
    select 'tasks', _row, 'task_id', task_id, task_id, null from tasks
    union all
    select 'stakeholders', _row, 'stakeholder_id', stakeholder_id, stakeholder_id, null
    from stakeholders
    union all
    select 'projects', _row, 'project_id', project_id, project_id, null from projects
    union all
    select 'actions', _row, 'action_id', action_id, action_id, null from actions
    union all
    select 'criteria', _row, 'criterion_id', criterion_id, evaluation || chr(31) || criterion_id,
        'evaluation' || chr(31) || 'criterion_id'
    from criteria
    union all
    select 'scores', _row, 'juror', juror, project_id || chr(31) || criterion_id || chr(31) || juror,
        'project_id' || chr(31) || 'criterion_id' || chr(31) || 'juror'
    from scores
    union all
    select 'kpis', _row, 'date', "date"::varchar,
        coalesce(site_id, '') || chr(31) || kpi || chr(31) || "date"::varchar,
        'site_id' || chr(31) || 'kpi' || chr(31) || 'date'
    from kpis
),

ranked as (
    select
        *,
        min(_row) over (partition by dataset, k) as first_row,
        count(*) over (partition by dataset, k) as n
    from keys
    where k is not null
),

final as (
    select
        dataset, _row, column_name, value, first_row::varchar as detail,
        key_columns, case when key_columns is not null then k end as key_values
    from ranked
    where n > 1 and _row <> first_row
)

select * from final
