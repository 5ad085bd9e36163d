-- scoring_ranking: one evaluation's projects scored and ranked by the jury as a
-- whole (the rules: sql/views/scoring_points.sql), ranked first then the unranked;
-- none when the evaluation is in $hidden. price_eur is a column viewers never receive.
-- Parameters: $evaluation (text), $hidden (list of evaluation names, may be empty),
-- $criteria (criterion ids) and $weights (their weights, same order; criteria left
-- out keep the data's weight), $aggregation ('mean' or 'median').
with points as (
    select *
    from scoring_points($evaluation, $hidden, $criteria, $weights, $aggregation, false)
),

final as (
    select
        position,
        rank,
        project_id,
        "name",
        status,
        price_eur,
        price_ratio,
        "values",
        points,
        missing,
        total,
        tie_rule
    from points
)

select * from final
order by position
