-- scoring_criteria: the criteria of one evaluation in file order, with the
-- contract's defaults applied (scale_max 5, method 'rating'); none when the
-- evaluation is in $hidden.
-- Parameters: $evaluation (text), $hidden (list of evaluation names, may be empty).
with evaluation_criteria as (
    select *
    from criteria
    where evaluation = $evaluation
        and not list_contains($hidden::varchar[], evaluation)
),

final as (
    select
        criterion_id,
        "label",
        weight,
        coalesce(scale_max, 5) as scale_max,
        coalesce(method, 'rating') as method
    from evaluation_criteria
    order by _row
)

select * from final
