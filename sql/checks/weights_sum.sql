-- severity: warning
-- weights_sum: an evaluation whose weights do not add up to 100 (they are used
-- relative to their sum, so this is a warning on the evaluation's first row).
with sums as (
    select evaluation, min(_row) as _row, sum(weight) as total
    from criteria
    where evaluation is not null and weight is not null
    group by evaluation
),

final as (
    select 'criteria' as dataset, _row, 'weight' as column_name, evaluation as value,
        round(total, 2)::varchar as detail
    from sums
    where abs(total - 100) > 1e-9
)

select * from final
