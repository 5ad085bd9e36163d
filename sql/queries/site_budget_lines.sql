-- site_budget_lines: a scope's budget lines (tasks with a planned budget not
-- cancelled, or a spend), at most $limit of them: those spent beyond their plan
-- first, then the largest budgets; returned in task order, each with `lines` (how
-- many the scope has). Planned counts only tasks not cancelled (the headline's rule).
-- Parameters: $situation (date), $threshold (at-risk points), $site_id, $everywhere
-- (true: every task, for the whole destination), $limit.
with lines as (
    select
        task_id,
        "name",
        "start",
        "end",
        case when state = 'cancelled' then 0.0 else coalesce(budget_eur, 0.0) end as budget_eur,
        coalesce(spent_eur, 0.0) as spent_eur
    from task_states($situation, $threshold)
    where ($everywhere or coalesce(site_id, '') = $site_id)
        and ((budget_eur is not null and state <> 'cancelled') or spent_eur is not null)
),

measured as (
    select
        *,
        budget_eur - spent_eur as remaining_eur,
        greatest(spent_eur - budget_eur, 0.0) as overspend_eur,
        spent_eur > budget_eur as overspent,
        count(*) over () as lines,
        row_number() over (
            order by greatest(spent_eur - budget_eur, 0.0) desc, budget_eur desc, spent_eur desc, task_id
        ) as keep_rank
    from lines
),

final as (
    select * exclude (keep_rank)
    from measured
    where keep_rank <= $limit
)

select task_id, "name", budget_eur, spent_eur, remaining_eur, overspend_eur, overspent, lines
from final
order by "start", "end", task_id
