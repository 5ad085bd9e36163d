-- timeline_shown(situation, threshold, workstreams, sites, owners, states, window_start,
-- window_end): the tasks the timeline's filters keep, with their states
-- (task_states). An empty list keeps every value; a task is kept when it
-- overlaps the window. The one definition of the timeline's filters, used by its
-- Gantt rows and its tasks to watch.
create or replace macro timeline_shown(
    situation, threshold, workstreams, sites, owners, states, window_start, window_end
) as table
select *
from task_states(situation, threshold)
where (len(workstreams) = 0 or list_contains(workstreams, workstream))
    and (len(sites) = 0 or list_contains(sites, site_id))
    and (len(owners) = 0 or list_contains(owners, owner))
    and (len(states) = 0 or list_contains(states, state))
    and "end" >= window_start::date
    and "start" <= window_end::date;
