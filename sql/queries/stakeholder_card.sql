-- stakeholder_card: one stakeholder ($stakeholder_id) if the filters keep it, with
-- everything its card shows (contacts: the reader drops them for viewers).
-- Filters: $categories, $territories, $engagements, $communes, $sites (lists; an empty
-- list keeps everyone), $hidden (evaluations whose projects are not named).
with final as (
    select * exclude (_row), quadrant(influence, interest) as quadrant
    from stakeholders_in($categories, $territories, $engagements, $communes, $sites, $hidden)
    where stakeholder_id = $stakeholder_id
)

select * from final
