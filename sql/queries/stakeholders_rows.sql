-- stakeholders_rows: the stakeholders matching the page's filters, in file order, with
-- the name of their site, the sites they are linked to (their own and their projects')
-- and the names of the projects they carry.
-- Parameters: $categories, $territories, $engagements, $communes, $sites (lists; an
-- empty list keeps everyone), $hidden (evaluations whose projects are not named).
-- contact_name, email and phone are personal data: the app drops them for viewers.
with stakeholder as (
    select
        stakeholder_id,
        "name",
        category,
        commune,
        coalesce(nullif(upper(trim(country)), ''), 'FR') as country,
        lat,
        lon,
        territory,
        influence,
        interest,
        coalesce(engagement, 'identified') as engagement,
        site_id,
        contact_name,
        email,
        phone,
        _row
    from stakeholders
),

visible_projects as (
    select project_id, stakeholder_id, site_id, "name"
    from projects
    where stakeholder_id is not null
        and not list_contains($hidden::varchar[], evaluation)
),

carried as (
    select
        stakeholder_id,
        string_agg("name", ' · ' order by project_id) as projects,
        count(*) as project_count,
        list(distinct site_id) filter (where site_id is not null) as project_sites
    from visible_projects
    group by stakeholder_id
),

linked as (
    select
        s.*,
        coalesce(c.projects, '') as projects,
        coalesce(c.project_count, 0) as project_count,
        list_distinct(
            list_concat(
                case when s.site_id is null then [] else [s.site_id] end,
                coalesce(c.project_sites, [])
            )
        ) as linked_sites
    from stakeholder as s
    left join carried as c using (stakeholder_id)
),

filtered as (
    select *
    from linked
    where (len($categories::varchar[]) = 0 or list_contains($categories::varchar[], category))
        and (len($territories::varchar[]) = 0 or list_contains($territories::varchar[], territory))
        and (len($engagements::varchar[]) = 0 or list_contains($engagements::varchar[], engagement))
        and (len($communes::varchar[]) = 0 or list_contains($communes::varchar[], commune))
        and (len($sites::varchar[]) = 0 or list_has_any($sites::varchar[], linked_sites))
),

final as (
    select
        f.stakeholder_id,
        f."name",
        f.category,
        f.commune,
        f.country,
        f.lat,
        f.lon,
        f.territory,
        f.influence,
        f.interest,
        f.engagement,
        f.site_id,
        st."name" as site_name,
        f.projects,
        f.project_count,
        f.contact_name,
        f.email,
        f.phone
    from filtered as f
    left join sites as st using (site_id)
    order by f._row
)

select * from final
