-- stakeholders_rows: the stakeholders matching the page's filters, in file order, with
-- the name of their site and the names of the projects they carry (every row: for
-- exports and checks; the page reads the bounded queries stakeholders_*).
-- Parameters: $categories, $territories, $engagements, $communes, $sites (lists; an
-- empty list keeps everyone), $hidden (evaluations whose projects are not named).
-- contact_name, email and phone are personal data: the reader drops them for viewers.
with final as (
    select
        stakeholder_id,
        "name",
        category,
        commune,
        country,
        lat,
        lon,
        territory,
        influence,
        interest,
        engagement,
        site_id,
        site_name,
        projects,
        project_count,
        contact_name,
        email,
        phone
    from stakeholders_in($categories, $territories, $engagements, $communes, $sites, $hidden)
    order by _row
)

select * from final
