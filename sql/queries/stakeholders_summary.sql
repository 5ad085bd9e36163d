-- stakeholders_summary: one row of counts for the page's filters (shown, committed,
-- local stakeholders on the map or not, scored or not, engaged partners abroad) and the
-- box the local map must frame: the located local stakeholders and the sites.
-- Filters: $categories, $territories, $engagements, $communes, $sites (lists; an empty
-- list keeps everyone), $hidden (evaluations whose projects are not named).
with kept as (
    select * from stakeholders_in($categories, $territories, $engagements, $communes, $sites, $hidden)
),

counts as (
    select
        count(*) as shown,
        count(*) filter (where engagement = 'committed') as committed,
        count(*) filter (where not abroad and located) as local_located,
        count(*) filter (where not abroad and not located) as local_unlocated,
        count(*) filter (where abroad and is_engaged) as partners_abroad,
        count(*) filter (where influence is not null and interest is not null) as scored,
        count(*) filter (where influence is null or interest is null) as unscored,
        min(lat) filter (where not abroad and located) as south,
        max(lat) filter (where not abroad and located) as north,
        min(lon) filter (where not abroad and located) as west,
        max(lon) filter (where not abroad and located) as east
    from kept
),

site_box as (
    select min(lat) as s_south, max(lat) as s_north, min(lon) as s_west, max(lon) as s_east
    from sites
    where lat is not null and lon is not null
),

final as (
    select
        shown,
        committed,
        local_located,
        local_unlocated,
        partners_abroad,
        scored,
        unscored,
        least(south, s_south) as south,
        greatest(north, s_north) as north,
        least(west, s_west) as west,
        greatest(east, s_east) as east
    from counts, site_box
)

select * from final
