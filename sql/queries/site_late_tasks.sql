-- site_late_tasks: a scope's late tasks at the situation date, the longest overdue
-- first, at most $limit of them, each with `late` (how many the scope has).
-- Parameters: $situation (date), $threshold (at-risk points), $site_id, $everywhere
-- (true: every task, for the whole destination), $limit.
with late as (
    select task_id, "name", "end", progress, days_late
    from task_states($situation, $threshold)
    where state = 'late' and ($everywhere or coalesce(site_id, '') = $site_id)
),

final as (
    select *, count(*) over () as late
    from late
    order by days_late desc, "end", task_id
    limit $limit
)

select * from final
