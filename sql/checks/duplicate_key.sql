-- duplicate_key: a row whose key is already used by an earlier row of the same file.
-- detail is the spreadsheet row that holds the key first; a key of several columns
-- is named whole: key_columns and key_values (separated by chr(31)).
with keys as not materialized (
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

-- keys used more than once, and the first row holding each (aggregates: no sort
-- of every key). Hashes of the keys are counted first, so only the rows whose
-- key's hash repeats are grouped by the key itself (memory for a hash per row,
-- not a key per row).
repeated_hashes as (
    select dataset, hash(k) as h
    from keys
    where k is not null
    group by dataset, h
    having count(*) > 1
),

suspects as (
    select keys.*
    from keys
    semi join repeated_hashes
        on keys.dataset = repeated_hashes.dataset and hash(keys.k) = repeated_hashes.h
    where keys.k is not null
),

repeated as (
    select dataset, k, min(_row) as first_row
    from suspects
    group by dataset, k
    having count(*) > 1
),

final as (
    select
        keys.dataset, keys._row, keys.column_name, keys.value,
        repeated.first_row::varchar as detail,
        keys.key_columns,
        case when keys.key_columns is not null then keys.k end as key_values
    from suspects as keys
    inner join repeated on keys.dataset = repeated.dataset and keys.k = repeated.k
    where keys._row <> repeated.first_row
)

select * from final
