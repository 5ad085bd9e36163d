-- mission_span: first start and last end of the plan, and the data's status date
-- (the latest indicator date), used to choose a default situation date.
-- Parameters: none.
with final as (
    select
        (select min("start") from tasks) as first_start,
        (select max("end") from tasks) as last_end,
        (select max("date") from kpis) as status_date
)

select * from final
