-- site_rollups: every scope's card at the situation date, in one pass: the whole
-- destination first (scope 'destination'), then each site in file order (scope
-- 'site'), then the tasks of no site (scope 'unassigned', when it has a task or an
-- open action). Per scope: tasks, cancelled, late_tasks, progress (0-100) and state
-- (rules: sql/views/rollups.sql), open and overdue actions (linked through their
-- task; sql/views/open_actions_at.sql), the budget (planned of the tasks not
-- cancelled, spent of every task: the headline's budget rule), its lines, the lines
-- spent beyond their plan and by how much, the next milestone (the first not done
-- nor cancelled on or after the situation date) and, for sites, `attention` (1 =
-- needs it most: late, then at risk, then most overdue actions, late tasks, open
-- actions; file order last).
-- Parameters: $situation (date), $threshold (at-risk points).
with states as (
    select
        *,
        case when state = 'cancelled' then 0.0 else coalesce(budget_eur, 0.0) end as planned_eur,
        coalesce(spent_eur, 0.0) as spent_line_eur,
        (budget_eur is not null and state <> 'cancelled') or spent_eur is not null as budget_line
    from task_states($situation, $threshold)
),

keyed as (
    -- each task under its site ('' for none) and once more under the destination
    select 'site' as scope, coalesce(site_id, '') as site_id, * exclude (site_id) from states
    union all
    select 'destination' as scope, '' as site_id, * exclude (site_id) from states
),

task_rollups as (
    select
        scope,
        site_id,
        count(*) as tasks,
        count(*) filter (where state = 'cancelled') as cancelled,
        count(*) filter (where state = 'late') as late_tasks,
        rollup_progress(state, progress, duration_days) as progress,
        rollup_state(state) as state,
        sum(planned_eur) as budget_eur,
        sum(spent_line_eur) as spent_eur,
        count(*) filter (where budget_line) as budget_lines,
        count(*) filter (where budget_line and spent_line_eur > planned_eur) as overspent_tasks,
        coalesce(
            sum(spent_line_eur - planned_eur) filter (
                where budget_line and spent_line_eur > planned_eur
            ),
            0.0
        ) as overspend_eur
    from keyed
    group by scope, site_id
),

milestones as (
    select
        scope,
        site_id,
        task_id as milestone_id,
        "name" as milestone_name,
        "start" as milestone_day,
        row_number() over (partition by scope, site_id order by "start", "end", task_id) as nth
    from keyed
    where milestone and "start" >= $situation::date and state not in ('done', 'cancelled')
),

open_actions as (
    select
        coalesce(t.site_id, '') as site_id,
        a.days_overdue
    from open_actions_at($situation) as a
    left join tasks as t on a.task_id = t.task_id
),

action_rollups as (
    select
        'site' as scope,
        site_id,
        count(*) as open_actions,
        count(*) filter (where days_overdue > 0) as overdue_actions
    from open_actions
    group by site_id
    union all
    select
        'destination' as scope,
        '' as site_id,
        count(*) as open_actions,
        count(*) filter (where days_overdue > 0) as overdue_actions
    from open_actions
),

scopes as (
    select
        'destination' as scope,
        '' as site_id,
        null::varchar as "name",
        null::varchar as description,
        0 as place
    union all
    select 'site' as scope, site_id, "name", description, _row as place
    from sites
    union all
    select
        'unassigned' as scope,
        '' as site_id,
        null::varchar as "name",
        null::varchar as description,
        2147483647 as place
),

joined as (
    select
        s.scope,
        s.site_id,
        s."name",
        s.description,
        s.place,
        coalesce(t.tasks, 0) as tasks,
        coalesce(t.cancelled, 0) as cancelled,
        coalesce(t.late_tasks, 0) as late_tasks,
        t.progress,
        t.state,
        coalesce(a.open_actions, 0) as open_actions,
        coalesce(a.overdue_actions, 0) as overdue_actions,
        coalesce(t.budget_eur, 0.0) as budget_eur,
        coalesce(t.spent_eur, 0.0) as spent_eur,
        coalesce(t.budget_lines, 0) as budget_lines,
        coalesce(t.overspent_tasks, 0) as overspent_tasks,
        coalesce(t.overspend_eur, 0.0) as overspend_eur,
        m.milestone_id,
        m.milestone_name,
        m.milestone_day
    from scopes as s
    -- the unassigned scope reads the tasks and actions keyed 'site' with no site
    left join task_rollups as t
        on t.scope = replace(s.scope, 'unassigned', 'site') and t.site_id = s.site_id
    left join action_rollups as a
        on a.scope = replace(s.scope, 'unassigned', 'site') and a.site_id = s.site_id
    left join milestones as m
        on m.scope = replace(s.scope, 'unassigned', 'site') and m.site_id = s.site_id and m.nth = 1
),

final as (
    select
        * exclude (place),
        case
            when scope = 'site' then row_number() over (
                partition by scope = 'site'
                order by
                    case state when 'late' then 0 when 'at_risk' then 1 else 2 end,
                    overdue_actions desc,
                    late_tasks desc,
                    open_actions desc,
                    place
            )
        end as attention,
        place
    from joined
    where scope <> 'unassigned' or tasks > 0 or open_actions > 0
)

select * exclude (place) from final
order by place
