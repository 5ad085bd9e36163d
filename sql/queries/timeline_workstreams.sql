-- timeline_workstreams: every workstream in order of its first start, with its
-- first start, last end and task count (the timeline's choices and its span).
-- Parameters: none.
with final as (
    select
        workstream,
        min("start") as first_start,
        max("end") as last_end,
        count(*) as tasks
    from tasks
    group by workstream
)

select * from final
order by first_start, workstream
