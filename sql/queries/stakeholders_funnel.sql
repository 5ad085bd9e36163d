-- stakeholders_funnel: per category ('—' when empty), how many reached each stage of
-- the engagement funnel (cumulative: an engaged stakeholder was also identified and
-- contacted), how many declined (aside) and the total; biggest categories first.
-- Filters: $categories, $territories, $engagements, $communes, $sites (lists; an empty
-- list keeps everyone), $hidden (evaluations whose projects are not named).
with kept as (
    select coalesce(category, '—') as category, engagement
    from stakeholders_in($categories, $territories, $engagements, $communes, $sites, $hidden)
),

final as (
    select
        category,
        count(*) filter (
            where engagement in ('identified', 'contacted', 'engaged', 'committed')
        ) as identified,
        count(*) filter (where engagement in ('contacted', 'engaged', 'committed')) as contacted,
        count(*) filter (where engagement in ('engaged', 'committed')) as engaged,
        count(*) filter (where engagement = 'committed') as committed,
        count(*) filter (where engagement = 'declined') as declined,
        count(*) as total
    from kept
    group by category
)

select * from final
order by total desc, category
