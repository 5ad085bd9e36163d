-- kpi_history: one scope's indicator values known at the situation date (what its
-- sparklines draw), indicators in the order the file first names them.
-- Parameters: $situation (date), $site_id ('' for the whole destination's own).
with values_ as (
    select kpi, "date", "value", _row
    from kpis
    where coalesce(site_id, '') = $site_id
),

first_seen as (
    select kpi, min(_row) as kpi_order
    from values_
    group by kpi
),

final as (
    select v.kpi, v."date", v."value", f.kpi_order
    from values_ as v
    inner join first_seen as f using (kpi)
    where v."date" <= $situation::date
)

select kpi, "date", "value" from final
order by kpi_order, "date"
