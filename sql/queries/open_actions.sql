-- open_actions: actions still open at the situation date, recorded by then, with
-- the days they are overdue (0 when not due yet or without due date); the rule is
-- sql/views/open_actions_at.sql.
-- Parameters: $situation (date).
with final as (
    select action_id, meeting_date, "text", owner, due, task_id, project_id, days_overdue
    from open_actions_at($situation)
)

select * from final
order by days_overdue desc, due nulls last, action_id
