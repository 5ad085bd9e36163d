-- stakeholders_unlocated: the stakeholders whose coordinates staff should fill in (a
-- local one without coordinates is not on the map; one abroad is drawn at its
-- country's centre when $codes knows the country), `placed` centroid or missing,
-- with how many there are in all (`total`); file order, at most $limit rows.
-- Filters: $categories, $territories, $engagements, $communes, $sites (lists; an empty
-- list keeps everyone), $hidden (evaluations whose projects are not named).
-- $codes: the countries whose centre is known.
with kept as (
    select
        stakeholder_id,
        "name",
        category,
        commune,
        country,
        territory,
        case
            when abroad and list_contains($codes::varchar[], country) then 'centroid'
            else 'missing'
        end as placed,
        _row
    from stakeholders_in($categories, $territories, $engagements, $communes, $sites, $hidden)
    where not located
),

final as (
    select *, count(*) over () as total
    from kept
    order by _row
    limit $limit
)

select * exclude (_row) from final
