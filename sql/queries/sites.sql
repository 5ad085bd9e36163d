-- sites: the mission's sites in file order.
-- Parameters: none.
with final as (
    select site_id, "name", commune, kind, lat, lon, description
    from sites
    order by _row
)

select * from final
