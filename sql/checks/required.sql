-- required: a required column left empty.
-- Returns dataset, _row, column_name, value, detail.
with cells as (
    select 'sites' as dataset, _row,
        unnest(['site_id', 'name']) as column_name,
        unnest([site_id, "name"]) as value
    from sites
    union all
    select 'tasks', _row,
        unnest(['task_id', 'workstream', 'name', 'start', 'end']),
        unnest([task_id, workstream, "name", "start"::varchar, "end"::varchar])
    from tasks
    union all
    select 'stakeholders', _row,
        unnest(['stakeholder_id', 'name', 'category']),
        unnest([stakeholder_id, "name", category])
    from stakeholders
    union all
    select 'projects', _row,
        unnest(['project_id', 'evaluation', 'name']),
        unnest([project_id, evaluation, "name"])
    from projects
    union all
    select 'criteria', _row,
        unnest(['evaluation', 'criterion_id', 'label', 'weight']),
        unnest([evaluation, criterion_id, "label", weight::varchar])
    from criteria
    union all
    select 'scores', _row,
        unnest(['project_id', 'criterion_id', 'juror', 'score']),
        unnest([project_id, criterion_id, juror, score::varchar])
    from scores
    union all
    select 'kpis', _row,
        unnest(['kpi', 'date', 'value']),
        unnest([kpi, "date"::varchar, "value"::varchar])
    from kpis
    union all
    select 'actions', _row,
        unnest(['action_id', 'meeting_date', 'kind', 'text']),
        unnest([action_id, meeting_date::varchar, kind, "text"])
    from actions
),

final as (
    select dataset, _row, column_name, value, null as detail
    from cells
    where value is null
)

select * from final
