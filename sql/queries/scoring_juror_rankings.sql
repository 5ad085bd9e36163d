-- scoring_juror_rankings: each juror's own ranking (their scores alone, the same
-- weights and prices; the rules: sql/views/scoring_points.sql) for the projects
-- in $projects; rank is empty when that juror left a criterion unscored.
-- audience: staff
-- Parameters: $evaluation (text), $criteria (criterion ids) and $weights (their
-- weights, same order), $projects (project ids wanted).
with points as (
    select panel, project_id, rank
    from scoring_points($evaluation, [], $criteria, $weights, 'mean', true)
),

final as (
    select panel as juror, project_id, rank
    from points
    where list_contains($projects::varchar[], project_id)
)

select * from final
order by lower(juror), juror, project_id
