-- critical_tasks: the tasks that can still delay the plan at the situation date
-- (neither done nor cancelled), with their end and duration, for the critical path;
-- start and progress give the work that remains (in working days, in Python).
-- Parameters: $situation (date), $threshold (at-risk points).
with final as (
    select task_id, "name", "end", duration_days, "start", progress
    from task_states($situation, $threshold)
    where state not in ('done', 'cancelled')
)

select * from final
order by task_id
