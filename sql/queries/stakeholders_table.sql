-- stakeholders_table: one page of the stakeholders list: those the filters keep whose
-- text holds every word of $words (lower case without accents: name, category,
-- commune, territory, country, site, projects), or whose id is in $contact_ids
-- (staff: found by a contact, see stakeholders_contact_matches); file order, rows
-- $offset + 1 to $offset + $limit, with how many match in all (`matches`).
-- Filters: $categories, $territories, $engagements, $communes, $sites (lists; an empty
-- list keeps everyone), $hidden (evaluations whose projects are not named).
with kept as (
    select
        *,
        -- folded only when searched: strip_accents over every row is most of the cost
        case when len($words::varchar[]) = 0 then '' else strip_accents(lower(concat_ws(
            ' ', "name", category, commune, territory, country, site_name, projects
        ))) end as haystack
    from stakeholders_in($categories, $territories, $engagements, $communes, $sites, $hidden)
),

matched as materialized (
    select *
    from kept
    where len(list_filter($words::varchar[], lambda w: contains(haystack, w)))
        = len($words::varchar[])
        or stakeholder_id in (select unnest($contact_ids::varchar[]))
),

-- the page by file order with a top-n (no window over every match), and the count
final as (
    select
        stakeholder_id,
        "name",
        category,
        commune,
        country,
        territory,
        engagement,
        influence,
        interest,
        site_name,
        projects,
        contact_name,
        email,
        phone,
        (select count(*) from matched) as matches
    from matched
    order by _row
    limit $limit offset $offset
)

select * from final
