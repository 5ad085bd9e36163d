-- milestone_span: a milestone whose end is not its start.
with final as (
    select 'tasks' as dataset, _row, 'end' as column_name, "end"::varchar as value,
        "start"::varchar as detail
    from tasks
    where milestone and "end" <> "start"
)

select * from final
