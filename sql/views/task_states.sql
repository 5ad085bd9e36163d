-- task_states(situation, threshold): every task with its state at the situation
-- date, its duration in calendar days (both ends included) and its days late.
-- The one definition of the state rules, used by every query that needs a state
-- (see dashboard/status.py for the words): cancelled / blocked as recorded; done
-- when recorded or at 100 %; planned before its start; late once its end has
-- passed; at risk when progress trails the elapsed share of its duration by more
-- than `threshold` points; else on track.
create or replace macro task_states(situation, threshold) as table
with base as (
    select
        task_id,
        workstream,
        "name",
        "start",
        "end",
        coalesce(milestone, false) as milestone,
        coalesce(progress, 0) as progress,
        status,
        owner,
        site_id,
        depends_on,
        baseline_start,
        baseline_end,
        budget_eur,
        spent_eur,
        coalesce(greatest(date_diff('day', "start", "end") + 1, 1), 1) as duration_days
    from tasks
),

stated as (
    select
        *,
        case
            when status in ('cancelled', 'blocked') then status
            when status = 'done' or progress >= 100 then 'done'
            when "start" is null or "end" is null then 'planned'
            when situation::date < "start" then 'planned'
            when "end" < situation::date then 'late'
            when
                least(greatest(date_diff('day', "start", situation::date) / duration_days, 0), 1)
                * 100 - progress > threshold
                then 'at_risk'
            else 'on_track'
        end as state
    from base
),

final as (
    select
        *,
        case when state = 'late' then date_diff('day', "end", situation::date) else 0 end
            as days_late
    from stated
)

select * from final;
