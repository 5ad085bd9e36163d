-- stakeholders_options: the values each filter of the stakeholders page offers, with
-- how many stakeholders carry each: `field` is category, territory, commune or site
-- (a site counts its own stakeholders and those carrying a project there).
-- Parameters: $hidden (evaluations whose projects do not link a stakeholder to a site).
with stakeholder as (
    select stakeholder_id, category, territory, commune, site_id
    from stakeholders
),

site_links as (
    select stakeholder_id, site_id
    from stakeholder
    where site_id is not null
    union
    select stakeholder_id, site_id
    from projects
    where stakeholder_id is not null
        and site_id is not null
        and not list_contains($hidden::varchar[], evaluation)
),

options as (
    select 'category' as field, category as value, category as label, count(*) as stakeholders
    from stakeholder
    where category is not null
    group by category
    union all
    select 'territory', territory, territory, count(*)
    from stakeholder
    where territory is not null
    group by territory
    union all
    select 'commune', commune, commune, count(*)
    from stakeholder
    where commune is not null
    group by commune
    union all
    select 'site', l.site_id, coalesce(s."name", l.site_id), count(distinct l.stakeholder_id)
    from site_links as l
    left join sites as s using (site_id)
    group by l.site_id, s."name"
),

final as (
    select field, value, label, stakeholders
    from options
)

select * from final
order by field, label, value
