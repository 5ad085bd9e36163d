-- implausible_date: a date outside the plausible window ($date_min to $date_max, the
-- data contract's): a typing slip such as 0001 or 9990 that would stretch every
-- timeline and pack.
with days as (
    select 'tasks' as dataset, _row,
        unnest(['start', 'end', 'baseline_start', 'baseline_end']) as column_name,
        unnest(["start", "end", baseline_start, baseline_end]) as d
    from tasks
    union all
    select 'kpis', _row, 'date', "date" from kpis
    union all
    select 'actions', _row, unnest(['meeting_date', 'due']), unnest([meeting_date, due])
    from actions
),

final as (
    select
        dataset, _row, column_name, d::varchar as value, null as detail,
        $date_min as low, $date_max as high
    from days
    where d < $date_min::date or d > $date_max::date
)

select * from final
