-- kpi_series: every indicator value, per site ('' for the whole destination), with
-- its target and unit, indicators in the order the file first names them.
-- Parameters: none.
with values_ as (
    select
        coalesce(site_id, '') as site_id,
        kpi,
        "date",
        "value",
        target,
        unit,
        _row
    from kpis
),

first_seen as (
    select site_id, kpi, min(_row) as kpi_order
    from values_
    group by all
),

final as (
    select
        v.site_id,
        v.kpi,
        v."date",
        v."value",
        v.target,
        v.unit,
        f.kpi_order
    from values_ as v
    inner join first_seen as f using (site_id, kpi)
)

select * from final
order by kpi_order, "date"
