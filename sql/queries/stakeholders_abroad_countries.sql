-- stakeholders_abroad_countries: per country, the engaged partners abroad (they add up
-- to the headline figure "partners abroad" when nothing is filtered), how many are
-- committed and how many are drawn at the country's centre; biggest first.
-- Filters: $categories, $territories, $engagements, $communes, $sites (lists; an empty
-- list keeps everyone), $hidden (evaluations whose projects are not named).
-- Placement: $codes, $clats, $clons (country centres), $spread (degrees).
with final as (
    select
        country,
        count(*)::integer as partners,
        count(*) filter (where engagement = 'committed')::integer as committed,
        count(*) filter (where placed = 'centroid')::integer as at_centroid
    from stakeholders_partners_abroad(
        $categories, $territories, $engagements, $communes, $sites, $hidden,
        $codes, $clats, $clons, $spread
    )
    group by country
)

select * from final
order by partners desc, country
