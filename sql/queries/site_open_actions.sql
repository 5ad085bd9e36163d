-- site_open_actions: actions still open at the situation date, recorded by then, with
-- the site and name of the task each is linked to ('' when none) and the days they
-- are overdue (0 when not due yet or without due date).
-- Parameters: $situation (date).
with open_actions as (
    select *
    from actions
    where kind = 'action'
        and coalesce(status, 'open') = 'open'
        and meeting_date <= $situation
),

linked as (
    select
        a.action_id,
        a.meeting_date,
        a."text",
        a.owner,
        a.due,
        a.task_id,
        t."name" as task_name,
        coalesce(t.site_id, '') as site_id,
        greatest(coalesce(date_diff('day', a.due, $situation::date), 0), 0) as days_overdue
    from open_actions as a
    left join tasks as t on t.task_id = a.task_id
),

final as (
    select * from linked
)

select * from final
order by days_overdue desc, due nulls last, action_id
