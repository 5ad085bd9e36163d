-- site_open_actions: actions still open at the situation date, recorded by then, with
-- the site and name of the task each is linked to ('' when none) and the days they
-- are overdue (0 when not due yet or without due date); the rule is
-- sql/views/open_actions_at.sql.
-- Parameters: $situation (date).
with final as (
    select
        a.action_id,
        a.meeting_date,
        a."text",
        a.owner,
        a.due,
        a.task_id,
        t."name" as task_name,
        coalesce(t.site_id, '') as site_id,
        a.days_overdue
    from open_actions_at($situation) as a
    left join tasks as t on t.task_id = a.task_id
)

select * from final
order by days_overdue desc, due nulls last, action_id
