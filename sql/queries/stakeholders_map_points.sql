-- stakeholders_map_points: the local stakeholders with coordinates, what the map's
-- points and tooltips show (no contact), in file order, at most $limit (the page
-- draws cells beyond a few hundred points).
-- Filters: $categories, $territories, $engagements, $communes, $sites (lists; an empty
-- list keeps everyone), $hidden (evaluations whose projects are not named).
with final as (
    select
        stakeholder_id,
        "name",
        category,
        commune,
        country,
        engagement,
        influence,
        projects,
        site_name,
        lat,
        lon
    from stakeholders_in($categories, $territories, $engagements, $communes, $sites, $hidden)
    where not abroad and located
    order by _row
    limit $limit
)

select * from final
