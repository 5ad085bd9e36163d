-- end_before_start: a task (or its baseline) that ends before it starts.
with spans as (
    select _row, 'end' as column_name, "start" as s, "end" as e from tasks
    union all
    select _row, 'baseline_end', baseline_start, baseline_end from tasks
),

final as (
    select 'tasks' as dataset, _row, column_name, e::varchar as value, s::varchar as detail
    from spans
    where e < s
)

select * from final
