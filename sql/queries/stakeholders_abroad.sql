-- stakeholders_abroad: the engaged partners abroad placed on the map (not those of an
-- unknown country without coordinates), in file order, at most $limit (beyond a few
-- hundred the page draws places: stakeholders_abroad_places).
-- Filters: $categories, $territories, $engagements, $communes, $sites (lists; an empty
-- list keeps everyone), $hidden (evaluations whose projects are not named).
-- Placement: $codes, $clats, $clons (country centres), $spread (degrees).
with final as (
    select *
    from stakeholders_partners_abroad(
        $categories, $territories, $engagements, $communes, $sites, $hidden,
        $codes, $clats, $clons, $spread
    )
    where placed <> 'missing'
    order by _row
    limit $limit
)

select * from final
