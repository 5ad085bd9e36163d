-- engagement_counts: how many stakeholders stand at each engagement level.
-- Parameters: none.
with final as (
    select coalesce(engagement, 'identified') as engagement, count(*) as stakeholders
    from stakeholders
    group by all
)

select * from final
order by engagement
