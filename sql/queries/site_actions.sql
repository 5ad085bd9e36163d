-- site_actions: a scope's actions still open at the situation date (linked to it
-- through their task; sql/views/open_actions_at.sql), the most overdue first, at
-- most $limit of them, each with `open` (how many the scope has).
-- Parameters: $situation (date), $site_id, $everywhere (true: every open action,
-- for the whole destination), $limit.
with scoped as (
    select
        a.action_id,
        a."text",
        a.owner,
        a.due,
        a.days_overdue,
        t."name" as task_name
    from open_actions_at($situation) as a
    left join tasks as t on a.task_id = t.task_id
    where $everywhere or coalesce(t.site_id, '') = $site_id
),

final as (
    select *, count(*) over () as "open"
    from scoped
    order by days_overdue desc, due nulls last, action_id
    limit $limit
)

select * from final
