-- open_actions: actions still open at the situation date, recorded by then, with
-- the days they are overdue (0 when not due yet or without due date).
-- Parameters: $situation (date).
with open_actions as (
    select *
    from actions
    where kind = 'action'
        and coalesce(status, 'open') = 'open'
        and meeting_date <= $situation
),

final as (
    select
        action_id,
        meeting_date,
        "text",
        owner,
        due,
        task_id,
        project_id,
        greatest(coalesce(date_diff('day', due, $situation::date), 0), 0) as days_overdue
    from open_actions
)

select * from final
order by days_overdue desc, due nulls last, action_id
