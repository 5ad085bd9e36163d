-- stated_actions(situation, committee): every decision and action recorded by the
-- situation date with its state there. A decision is as recorded (done when the
-- status is empty); an action still open (the rule of open_actions_at) is overdue
-- once its due date has passed, else open; any other action is as recorded.
-- `carried_over`: still open and recorded by a committee before `committee`
-- (false when `committee` is null). Loaded after open_actions_at: sql/views/ load in
-- name order and a macro is bound when it is created.
create or replace macro stated_actions(situation, committee) as table
with recorded as (
    select *
    from actions
    where meeting_date <= situation::date
),

still_open as (
    select action_id, days_overdue
    from open_actions_at(situation)
),

final as (
    select
        r.action_id,
        r.meeting_date,
        r.kind,
        r."text",
        r.owner,
        r.due,
        r.task_id,
        r.project_id,
        coalesce(o.days_overdue, 0) as days_overdue,
        case
            when r.kind = 'decision' then coalesce(r.status, 'done')
            when o.action_id is not null and o.days_overdue > 0 then 'overdue'
            when o.action_id is not null then 'open'
            else coalesce(r.status, 'open')
        end as state,
        coalesce(o.action_id is not null and r.meeting_date < committee::date, false)
            as carried_over
    from recorded as r
    left join still_open as o on r.action_id = o.action_id
)

select * from final;
