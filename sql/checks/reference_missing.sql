-- reference_missing: an identifier that points to a row absent from the file it
-- names. Run on an upload together with the other current files, it catches both
-- directions: a new row pointing nowhere, and a removed row still pointed to.
with refs as (
    select 'tasks' as dataset, _row, 'site_id' as column_name, site_id as value, 'sites.csv' as detail
    from tasks where site_id is not null and site_id not in (select site_id from sites where site_id is not null)
    union all
    select 'stakeholders', _row, 'site_id', site_id, 'sites.csv'
    from stakeholders where site_id is not null and site_id not in (select site_id from sites where site_id is not null)
    union all
    select 'projects', _row, 'stakeholder_id', stakeholder_id, 'stakeholders.csv'
    from projects
    where stakeholder_id is not null
        and stakeholder_id not in (select stakeholder_id from stakeholders where stakeholder_id is not null)
    union all
    select 'projects', _row, 'site_id', site_id, 'sites.csv'
    from projects where site_id is not null and site_id not in (select site_id from sites where site_id is not null)
    union all
    select 'scores', _row, 'project_id', project_id, 'projects.csv'
    from scores
    where project_id is not null
        and project_id not in (select project_id from projects where project_id is not null)
    union all
    select 'kpis', _row, 'site_id', site_id, 'sites.csv'
    from kpis where site_id is not null and site_id not in (select site_id from sites where site_id is not null)
    union all
    select 'actions', _row, 'task_id', task_id, 'tasks.csv'
    from actions where task_id is not null and task_id not in (select task_id from tasks where task_id is not null)
    union all
    select 'actions', _row, 'project_id', project_id, 'projects.csv'
    from actions
    where project_id is not null
        and project_id not in (select project_id from projects where project_id is not null)
),

final as (
    select * from refs
)

select * from final
