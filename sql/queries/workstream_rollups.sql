-- workstream_rollups: per workstream at the situation date, in the order of their
-- first task: progress (0-100, 0 without a live task) and state ('planned' without
-- one) by the rules of sql/views/rollups.sql, and the number of tasks.
-- Parameters: $situation (date), $threshold (at-risk points).
with states as (
    select
        *,
        row_number() over (order by "start", "end", task_id) as place
    from task_states($situation, $threshold)
    where workstream is not null
),

final as (
    select
        workstream,
        coalesce(rollup_progress(state, progress, duration_days), 0.0) as progress,
        coalesce(rollup_state(state), 'planned') as state,
        count(*) as tasks,
        min(place) as place
    from states
    group by workstream
)

select workstream, progress, state, tasks from final
order by place
