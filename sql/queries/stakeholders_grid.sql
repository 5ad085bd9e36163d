-- stakeholders_grid: the power / interest grid's marks for the scored stakeholders:
-- one per stakeholder when $points, else one per (influence, interest, category) with
-- how many share it; `committed` among them, the `quadrant` (4 and 5 are high) and
-- x / y: interest / influence moved by a fixed offset of at most $spread drawn from
-- the mark's key, so that equal scores stay visible and do not jump between reruns.
-- Filters: $categories, $territories, $engagements, $communes, $sites (lists; an empty
-- list keeps everyone), $hidden (evaluations whose projects are not named).
with scored as (
    select
        stakeholder_id,
        "name",
        coalesce(category, '—') as category,
        engagement,
        least(greatest(influence::integer, 1), 5) as influence,
        least(greatest(interest::integer, 1), 5) as interest
    from stakeholders_in($categories, $territories, $engagements, $communes, $sites, $hidden)
    where influence is not null and interest is not null
),

marks as (
    select
        influence,
        interest,
        category,
        case when $points then any_value(stakeholder_id) end as stakeholder_id,
        case when $points then any_value("name") else '' end as "name",
        case when $points then any_value(engagement) end as engagement,
        count(*) as "count",
        count(*) filter (where engagement = 'committed') as committed,
        hash(
            case
                when $points then any_value(stakeholder_id)
                else category || '|' || influence || '|' || interest
            end
        ) as h
    from scored
    group by influence, interest, category, case when $points then stakeholder_id end
),

final as (
    select
        stakeholder_id,
        "name",
        category,
        engagement,
        influence,
        interest,
        "count",
        committed,
        quadrant(influence, interest) as quadrant,
        interest + ((h % 65536) / 65535.0 * 2 - 1) * $spread as x,
        influence + (((h // 65536) % 65536) / 65535.0 * 2 - 1) * $spread as y
    from marks
)

select * from final
order by category, influence, interest, stakeholder_id
