-- tasks: every task with what the state rules and charts need, in time order.
-- Parameters: none.
with final as (
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
        spent_eur
    from tasks
)

select * from final
order by "start", "end", task_id
