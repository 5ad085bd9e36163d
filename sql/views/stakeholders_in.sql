-- stakeholders_in(categories, territories, engagements, communes, sites, hidden): the
-- stakeholders the page's filters keep (lists; an empty list keeps everyone), in file
-- order, each with its country (FR when empty), whether it is abroad and has
-- coordinates, its site's name, the sites it is linked to (its own and its projects')
-- and the names of the projects it carries (projects of `hidden` evaluations left
-- out). The one definition of the stakeholders page's filters.
-- contact_name, email and phone are personal data: the reader drops them for viewers.
create or replace macro stakeholders_in(
    categories, territories, engagements, communes, sites, hidden
) as table
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
        and not list_contains(hidden::varchar[], evaluation)
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
)

select
    f.stakeholder_id,
    f."name",
    f.category,
    f.commune,
    f.country,
    f.country <> 'FR' as abroad,
    f.lat,
    f.lon,
    f.lat is not null and f.lon is not null as located,
    f.territory,
    f.influence,
    f.interest,
    f.engagement,
    f.engagement in ('engaged', 'committed') as is_engaged,
    f.site_id,
    st."name" as site_name,
    f.projects,
    f.project_count,
    f.contact_name,
    f.email,
    f.phone,
    f._row
from linked as f
left join sites as st using (site_id)
where (len(categories::varchar[]) = 0 or list_contains(categories::varchar[], f.category))
    and (len(territories::varchar[]) = 0 or list_contains(territories::varchar[], f.territory))
    and (len(engagements::varchar[]) = 0 or list_contains(engagements::varchar[], f.engagement))
    and (len(communes::varchar[]) = 0 or list_contains(communes::varchar[], f.commune))
    and (len(sites::varchar[]) = 0 or list_has_any(sites::varchar[], f.linked_sites));
