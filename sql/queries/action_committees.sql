-- action_committees: the dates of the committees that recorded a decision or an
-- action by the situation date, latest first.
-- Parameters: $situation (date).
with final as (
    select distinct meeting_date
    from actions
    where meeting_date <= $situation
)

select * from final
order by meeting_date desc
