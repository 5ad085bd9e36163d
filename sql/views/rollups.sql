-- rollup_progress(state, progress, duration_days) and rollup_state(state): how a
-- group of tasks (a site, a workstream, the destination) rolls up, as aggregate
-- macros over task_states(...) rows. Progress is the mean of the tasks' progress
-- weighted by their duration in days, a done task counting 100 %, cancelled tasks
-- left out (null without a live task). The state is the worst that matters to a
-- committee: late, then at risk (a blocked task counts as at risk), then on track;
-- planned while no live task has started; done only when every live task is; null
-- without a live task.
create or replace macro rollup_progress(state, progress, duration_days) as
sum(
    case when state = 'done' then 100.0 else least(greatest(progress, 0), 100) end
    * duration_days
) filter (where state <> 'cancelled')
/ nullif(sum(duration_days) filter (where state <> 'cancelled'), 0);

create or replace macro rollup_state(state) as
case
    when count(*) filter (where state <> 'cancelled') = 0 then null
    when bool_and(state = 'done') filter (where state <> 'cancelled') then 'done'
    when bool_or(state = 'late') then 'late'
    when bool_or(state in ('blocked', 'at_risk')) then 'at_risk'
    when bool_or(state in ('on_track', 'done')) then 'on_track'
    else 'planned'
end;
