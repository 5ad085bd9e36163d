-- action_owners: who owns a decision or an action recorded by the situation date
-- (the options of the log's owner filter), in alphabetical order.
-- Parameters: $situation (date).
with final as (
    select distinct owner
    from actions
    where meeting_date <= $situation and owner is not null
)

select * from final
order by owner
