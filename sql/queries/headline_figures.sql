-- headline_figures: the figures a committee reads, one row, each defined here
-- once (their words: dashboard/views/figures.py and locales' figures.*).
-- Parameters: $situation (date), $threshold (at-risk points).
with states as (
    select * from task_states($situation, $threshold)
),

task_figures as (
    select
        count(*) as tasks,
        count(*) filter (where state = 'late') as late_tasks,
        rollup_progress(state, progress, duration_days) as progress,
        coalesce(sum(budget_eur) filter (where state <> 'cancelled'), 0) as budget_eur,
        coalesce(sum(spent_eur), 0) as spent_eur
    from states
),

action_figures as (
    select
        count(*) as open_actions,
        count(*) filter (where days_overdue > 0) as overdue_actions
    from open_actions_at($situation)
),

partner_figures as (
    -- engaged and abroad as the stakeholders page defines them (every filter empty)
    select
        count(*) as stakeholders,
        count(*) filter (where is_engaged) as partners_engaged,
        count(*) filter (where is_engaged and abroad) as partners_abroad
    from stakeholders_in(
        []::varchar[], []::varchar[], []::varchar[], []::varchar[], []::varchar[], []::varchar[]
    )
),

final as (
    select * from task_figures, action_figures, partner_figures
)

select * from final
