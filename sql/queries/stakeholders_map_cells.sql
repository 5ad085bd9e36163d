-- stakeholders_map_cells: the local stakeholders with coordinates binned into
-- pointy-top hexagons of radius $size Web Mercator metres (axial q, r with cube
-- rounding): per cell its centre (lat, lon), the count, committed, engaged (engaged or
-- committed) and the most frequent category.
-- Filters: $categories, $territories, $engagements, $communes, $sites (lists; an empty
-- list keeps everyone), $hidden (evaluations whose projects are not named).
with projected as (
    select
        category,
        engagement,
        6378137.0 * radians(lon) as x,
        6378137.0 * ln(tan(pi() / 4 + radians(least(greatest(lat, -85), 85)) / 2)) as y
    from stakeholders_in($categories, $territories, $engagements, $communes, $sites, $hidden)
    where not abroad and located
),

axial as (
    select
        category,
        engagement,
        (sqrt(3) / 3 * x - y / 3) / $size as qf,
        (2.0 / 3 * y) / $size as rf
    from projected
),

rounded as (
    select
        *,
        -qf - rf as sf,
        round(qf) as q0,
        round(rf) as r0,
        round(-qf - rf) as s0
    from axial
),

binned as (
    select
        category,
        engagement,
        case
            when abs(q0 - qf) > abs(r0 - rf) and abs(q0 - qf) > abs(s0 - sf) then -r0 - s0
            else q0
        end::integer as q,
        case
            when abs(q0 - qf) > abs(r0 - rf) and abs(q0 - qf) > abs(s0 - sf) then r0
            when abs(r0 - rf) > abs(s0 - sf) then -q0 - s0
            else r0
        end::integer as r
    from rounded
),

per_category as (
    select
        q,
        r,
        category,
        count(*) as n,
        count(*) filter (where engagement = 'committed') as committed,
        count(*) filter (where engagement in ('engaged', 'committed')) as engaged
    from binned
    group by q, r, category
),

cells as (
    select
        q,
        r,
        sum(n)::integer as "count",
        sum(committed)::integer as committed,
        sum(engaged)::integer as engaged,
        first(category order by n desc, category) as top_category
    from per_category
    group by q, r
),

final as (
    -- the hexagon's centre, back from Web Mercator metres to degrees
    select
        degrees(2 * atan(exp($size * 1.5 * r / 6378137.0)) - pi() / 2) as lat,
        degrees($size * sqrt(3) * (q + r / 2) / 6378137.0) as lon,
        "count",
        committed,
        engaged,
        top_category
    from cells
    order by q, r
)

select * from final
