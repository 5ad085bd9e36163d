-- scoring_projects: the projects of one evaluation in file order, with their
-- status (default 'candidate'), their price (a column viewers never receive)
-- and price_ratio = lowest price of the evaluation / this price (the French
-- procurement formula, empty without a positive price); none when the
-- evaluation is in $hidden.
-- Parameters: $evaluation (text), $hidden (list of evaluation names, may be empty).
with evaluation_projects as (
    select *
    from projects
    where evaluation = $evaluation
        and not list_contains($hidden::varchar[], evaluation)
),

priced as (
    select
        *,
        case when price_eur > 0 then price_eur end as positive_price
    from evaluation_projects
),

final as (
    select
        project_id,
        "name",
        theme,
        coalesce(status, 'candidate') as status,
        price_eur,
        min(positive_price) over () / positive_price as price_ratio
    from priced
    order by _row
)

select * from final
