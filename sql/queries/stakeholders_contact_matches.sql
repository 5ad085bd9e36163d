-- audience: staff
-- stakeholders_contact_matches: the ids of the stakeholders whose text, contacts
-- included (name, category, commune, territory, country, contact, e-mail, phone),
-- holds every word of $words (lower case without accents). Staff only: a viewer's
-- search never reaches personal data.
with haystacks as (
    select
        stakeholder_id,
        strip_accents(lower(concat_ws(
            ' ', "name", category, commune, territory, country, contact_name, email, phone
        ))) as haystack
    from stakeholders
),

final as (
    select stakeholder_id
    from haystacks
    where len($words::varchar[]) > 0
        and len(list_filter($words::varchar[], lambda w: contains(haystack, w)))
        = len($words::varchar[])
)

select * from final
