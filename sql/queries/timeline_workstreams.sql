-- timeline_workstreams: every workstream in order of its first start, with its
-- first start, last end and task count (the timeline's choices and its span), and
-- its English name where a line gives one (`workstream_en`, else null).
-- Parameters: none.
with final as (
    select
        workstream,
        min("start") as first_start,
        max("end") as last_end,
        count(*) as tasks,
        max(nullif(trim(workstream_en), '')) as workstream_en
    from tasks
    group by workstream
)

select * from final
order by first_start, workstream
