-- stakeholders_partners_abroad(categories, territories, engagements, communes, sites, hidden,
-- codes, clats, clons, spread): the engaged partners abroad the filters keep (the
-- headline figure "partners abroad": engagement engaged or committed, country not
-- France), placed: `exact` at their coordinates, `centroid` at their country's centre
-- (codes / clats / clons: the packaged table) moved by a fixed offset of at most
-- `spread` degrees drawn from their id (several in one country stay apart, and a
-- point does not jump between reruns), or `missing` (unknown country).
create or replace macro stakeholders_partners_abroad(
    categories, territories, engagements, communes, sites, hidden, codes, clats, clons, spread
) as table
with partners as (
    select *, hash(stakeholder_id) as h
    from stakeholders_in(categories, territories, engagements, communes, sites, hidden)
    where abroad and is_engaged
),

centres as (
    select
        unnest(codes::varchar[]) as country,
        unnest(clats::double[]) as clat,
        unnest(clons::double[]) as clon
)

select
    p.stakeholder_id,
    p."name",
    p.category,
    p.commune,
    p.country,
    p.engagement,
    p.influence,
    p.projects,
    p.site_name,
    case when p.located then 'exact' when c.country is not null then 'centroid' else 'missing' end
        as placed,
    case
        when p.located then p.lat
        else c.clat + ((p.h % 65536) / 65535.0 * 2 - 1) * spread
    end as plat,
    case
        when p.located then p.lon
        else c.clon + (((p.h // 65536) % 65536) / 65535.0 * 2 - 1) * spread
    end as plon,
    p._row
from partners as p
left join centres as c using (country);
