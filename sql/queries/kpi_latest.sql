-- kpi_latest: every indicator as it stood at the situation date, for every scope at
-- once (site_id '' = the whole destination), indicators in the order the file first
-- names them: the latest value on or before that date and its day (null before the
-- first value), the target (the latest given by then; before any value, the first
-- planned) and the unit (the latest given).
-- Parameters: $situation (date).
with values_ as (
    select
        coalesce(site_id, '') as site_id,
        kpi,
        "date",
        "value",
        target,
        unit,
        _row,
        "date" <= $situation::date as known
    from kpis
),

final as (
    select
        site_id,
        kpi,
        min(_row) as kpi_order,
        arg_max(unit, "date") filter (where unit is not null) as unit,
        max("date") filter (where known) as "day",
        arg_max("value", "date") filter (where known) as "value",
        case
            when bool_or(known)
                then arg_max(target, "date") filter (where known and target is not null)
            else arg_min(target, "date") filter (where target is not null)
        end as target
    from values_
    group by site_id, kpi
)

select * from final
order by site_id, kpi_order
