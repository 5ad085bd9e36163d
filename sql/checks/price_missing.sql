-- price_missing: a project without price in an evaluation scored on lowest price.
with final as (
    select 'projects' as dataset, p._row, 'price_eur' as column_name, null as value, p.evaluation as detail
    from projects as p
    where p.price_eur is null
        and exists (
            select 1 from criteria as c
            where c.evaluation = p.evaluation and c.method = 'lowest_price'
        )
)

select * from final
