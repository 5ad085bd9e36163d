-- task_states: every task with its state at the situation date (`state`),
-- `duration_days` and `days_late`, in time order (rules: sql/views/task_states.sql).
-- Parameters: $situation (date), $threshold (points behind the elapsed share
-- before a task is at risk).
with final as (
    select * from task_states($situation, $threshold)
)

select * from final
order by "start", "end", task_id
