-- actions_at: decisions and actions recorded by the situation date, with the task
-- and project they concern. Links to projects of hidden evaluations are dropped.
-- Parameters: $situation (date), $hidden (evaluations the reader may not see).
with recorded as (
    select *
    from actions
    where meeting_date <= $situation
),

projects_seen as (
    select project_id, "name", evaluation
    from projects
    where not list_contains($hidden::varchar[], evaluation)
),

final as (
    select
        r.action_id,
        r.meeting_date,
        r.kind,
        r."text",
        r.owner,
        r.due,
        coalesce(r.status, 'open') as status,
        r.task_id,
        t."name" as task_name,
        t.workstream,
        p.project_id,
        p."name" as project_name,
        p.evaluation
    from recorded as r
    left join tasks as t on r.task_id = t.task_id
    left join projects_seen as p on r.project_id = p.project_id
)

select * from final
order by meeting_date desc, kind, action_id
