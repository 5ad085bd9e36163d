-- timeline_rows: the bars the Gantt draws, in draw order. When the filters keep
-- more than $collapse_over tasks, each workstream not in $expanded is one summary
-- bar (kind 'summary': its span, duration-weighted progress, worst state and task
-- count); the tasks drawn one by one (kind 'task') are paged by $limit / $offset.
-- Every row carries the counts the page states: `shown_tasks` (kept by the
-- filters), `detailed_tasks` (drawn one by one before paging) and `collapsed`.
-- Parameters: $situation, $threshold, $workstreams, $sites, $owners, $states
-- (lists), $window_start, $window_end (dates), $expanded (list), $collapse_over,
-- $limit, $offset (integers).
with shown as (
    select *
    from timeline_shown(
        $situation, $threshold, $workstreams::varchar[], $sites::varchar[],
        $owners::varchar[], $states::varchar[], $window_start, $window_end
    )
),

mode as (
    select
        count(*) as shown_tasks,
        count(*) > $collapse_over as collapsed
    from shown
),

streams as (
    -- workstreams in order of their first start among the tasks kept
    select
        workstream,
        row_number() over (order by min("start"), workstream) as ws_rank
    from shown
    group by workstream
),

detailed as (
    select shown.*
    from shown, mode
    where not mode.collapsed or list_contains($expanded::varchar[], shown.workstream)
),

paged as (
    select detailed.*
    from detailed
    inner join streams using (workstream)
    order by streams.ws_rank, "start", "end", task_id
    limit $limit offset $offset
),

summaries as (
    select
        'Σ ' || workstream as task_id,
        workstream,
        workstream as "name",
        min("start") as "start",
        max("end") as "end",
        false as milestone,
        coalesce(
            sum(
                case when state = 'done' then 100.0 else least(greatest(progress, 0), 100) end
                * duration_days
            ) filter (where state <> 'cancelled')
            / nullif(sum(duration_days) filter (where state <> 'cancelled'), 0),
            0
        ) as progress,
        case
            when count(*) filter (where state <> 'cancelled') = 0 then 'planned'
            when bool_and(state = 'done') filter (where state <> 'cancelled') then 'done'
            when bool_or(state = 'late') then 'late'
            when bool_or(state in ('blocked', 'at_risk')) then 'at_risk'
            when bool_or(state in ('on_track', 'done')) then 'on_track'
            else 'planned'
        end as state,
        null::varchar as owner,
        null::date as baseline_start,
        null::date as baseline_end,
        count(*) as tasks,
        'summary' as kind
    from shown, mode
    where mode.collapsed and not list_contains($expanded::varchar[], workstream)
    group by workstream
),

tasks_drawn as (
    select
        task_id, workstream, "name", "start", "end", milestone, progress, state, owner,
        baseline_start, baseline_end, 1 as tasks, 'task' as kind
    from paged
),

drawn as (
    select * from summaries
    union all by name
    select * from tasks_drawn
),

final as (
    select
        drawn.kind,
        streams.ws_rank,
        drawn.task_id,
        drawn.workstream,
        drawn."name",
        count(*) over (partition by drawn."name") > 1 as name_repeated,
        drawn."start",
        drawn."end",
        drawn.milestone and drawn.kind = 'task' as milestone,
        drawn.progress,
        drawn.state,
        drawn.owner,
        drawn.baseline_start,
        drawn.baseline_end,
        date_diff('day', drawn.baseline_end, drawn."end") as slip,
        drawn.tasks,
        mode.shown_tasks,
        (select count(*) from detailed) as detailed_tasks,
        mode.collapsed
    from drawn
    inner join streams using (workstream)
    cross join mode
)

select * from final
order by ws_rank, kind = 'task', "start", "end", task_id
