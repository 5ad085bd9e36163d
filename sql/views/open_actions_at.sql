-- open_actions_at(situation): actions still open at the situation date and
-- recorded by then, with the days they are overdue (0 when not due yet or
-- without a due date). The one definition of "open" and "overdue".
create or replace macro open_actions_at(situation) as table
select
    *,
    greatest(coalesce(date_diff('day', due, situation::date), 0), 0) as days_overdue
from actions
where kind = 'action'
    and coalesce(status, 'open') = 'open'
    and meeting_date <= situation::date;
