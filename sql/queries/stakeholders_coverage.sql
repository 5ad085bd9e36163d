-- stakeholders_coverage: territory x category (local stakeholders only), who is on
-- board: committed, engaged (not yet committed), prospects (identified or contacted)
-- and the cell's state: covered (someone committed), engaged, prospect or none.
-- Territories: $known_territories in that order, then any other the data names;
-- categories: $wanted_categories, in that order (compared without case or extra spaces).
-- Filters: $categories, $territories, $engagements, $communes, $sites (lists; an empty
-- list keeps everyone), $hidden (evaluations whose projects are not named).
with kept as (
    select
        territory,
        category,
        count(*) filter (where engagement = 'committed') as committed,
        count(*) filter (where engagement = 'engaged') as engaged,
        count(*) filter (where engagement in ('identified', 'contacted')) as prospects
    from stakeholders_in($categories, $territories, $engagements, $communes, $sites, $hidden)
    where not abroad
    group by territory, category
),

-- categories folded once per distinct spelling, not once per stakeholder
folded as (
    select
        territory,
        lower(trim(regexp_replace(category, '\s+', ' ', 'g'))) as category_key,
        sum(committed) as committed,
        sum(engaged) as engaged,
        sum(prospects) as prospects
    from kept
    group by all
),

known as (
    select
        unnest($known_territories::varchar[]) as territory,
        generate_subscripts($known_territories::varchar[], 1) as ord
),

others as (
    select
        territory,
        (select count(*) from known) + row_number() over (order by territory) as ord
    from (select distinct territory from kept where territory is not null and territory <> '')
    where territory not in (select territory from known)
),

territory_list as (
    select * from known
    union all
    select * from others
),

category_list as (
    select
        unnest($wanted_categories::varchar[]) as category,
        generate_subscripts($wanted_categories::varchar[], 1) as cat_ord
),

counted as (
    select
        t.territory,
        t.ord,
        c.category,
        c.cat_ord,
        coalesce(sum(k.committed), 0)::bigint as committed,
        coalesce(sum(k.engaged), 0)::bigint as engaged,
        coalesce(sum(k.prospects), 0)::bigint as prospects
    from territory_list as t
    cross join category_list as c
    left join folded as k
        on k.territory = t.territory
        and k.category_key = lower(trim(regexp_replace(c.category, '\s+', ' ', 'g')))
    group by t.territory, t.ord, c.category, c.cat_ord
),

final as (
    select
        territory,
        category,
        committed,
        engaged,
        prospects,
        case
            when committed > 0 then 'covered'
            when engaged > 0 then 'engaged'
            when prospects > 0 then 'prospect'
            else 'none'
        end as state,
        ord,
        cat_ord
    from counted
)

select territory, category, committed, engaged, prospects, state from final
order by ord, cat_ord
