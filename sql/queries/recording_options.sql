-- audience: staff
-- recording_options: what an action recorded in a meeting may be linked to: each
-- task of the plan (`kind` = 'task') and each project (`kind` = 'project'), with
-- a label, in identifier order.
-- Parameters: none.
with task_options as (
    select 'task' as kind, task_id as id, task_id || ' ' || coalesce(name, '') as label
    from tasks
),

project_options as (
    select 'project' as kind, project_id as id, project_id || ' ' || coalesce(name, '') as label
    from projects
),

final as (
    select * from task_options
    union all
    select * from project_options
)

select * from final
order by kind, id
