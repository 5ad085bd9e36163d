-- timeline_watch: the tasks the committee should look at among those the timeline's
-- filters keep: late first (most days late first), then blocked, then at risk, with
-- their site's name, the days their end moved from the baseline (`slip`) and the
-- open actions linked to them; paged by $limit / $offset, `watched` counting them all.
-- Parameters: $situation, $threshold, $workstreams, $sites, $owners, $states
-- (lists), $window_start, $window_end (dates), $limit, $offset (integers).
with shown as (
    select *
    from timeline_shown(
        $situation, $threshold, $workstreams::varchar[], $sites::varchar[],
        $owners::varchar[], $states::varchar[], $window_start, $window_end
    )
    where state in ('late', 'blocked', 'at_risk')
),

linked as (
    select
        task_id,
        string_agg(action_id || ' ' || "text", ' · ' order by action_id) as actions
    from open_actions_at($situation)
    where task_id is not null
    group by task_id
),

final as (
    select
        shown.task_id,
        shown."name",
        shown.workstream,
        shown.state,
        shown.owner,
        shown."end",
        shown.days_late,
        shown.progress,
        date_diff('day', shown.baseline_end, shown."end") as slip,
        coalesce(sites."name", '') as site,
        coalesce(linked.actions, '') as actions,
        count(*) over () as watched,
        case shown.state when 'late' then 0 when 'blocked' then 1 else 2 end as state_rank
    from shown
    left join sites using (site_id)
    left join linked using (task_id)
)

select * exclude (state_rank) from final
order by state_rank, days_late desc, "end", task_id
limit $limit offset $offset
