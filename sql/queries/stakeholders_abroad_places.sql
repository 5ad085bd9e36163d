-- stakeholders_abroad_places: the engaged partners abroad on the map grouped by
-- (country, commune): mean position, count, committed, and the furthest engagement
-- reached there.
-- Filters: $categories, $territories, $engagements, $communes, $sites (lists; an empty
-- list keeps everyone), $hidden (evaluations whose projects are not named).
-- Placement: $codes, $clats, $clons (country centres), $spread (degrees).
with placed as (
    select *
    from stakeholders_partners_abroad(
        $categories, $territories, $engagements, $communes, $sites, $hidden,
        $codes, $clats, $clons, $spread
    )
    where placed <> 'missing'
),

final as (
    select
        country,
        coalesce(commune, '') as commune,
        avg(plat) as plat,
        avg(plon) as plon,
        count(*)::integer as "count",
        count(*) filter (where engagement = 'committed')::integer as committed,
        case when bool_or(engagement = 'committed') then 'committed' else 'engaged' end
            as engagement
    from placed
    group by country, coalesce(commune, '')
)

select * from final
order by country, commune
