-- task_owners: the owners named in the plan, in alphabetical order.
-- Parameters: none.
with final as (
    select distinct owner
    from tasks
    where owner is not null
)

select * from final
order by owner
