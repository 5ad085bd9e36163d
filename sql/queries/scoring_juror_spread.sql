-- scoring_juror_spread: per project and rating criterion of one evaluation, how
-- far the jurors' scores lie apart: jurors, min, max, mean, std (population), the
-- range as a share of the scale, and flagged when that share reaches $threshold
-- (jurors disagree). Flagged rows first, widest range first.
-- audience: staff
-- Parameters: $evaluation (text), $threshold (share of the scale, 0 to 1).
with evaluation_projects as (
    select project_id
    from projects
    where evaluation = $evaluation
),

rating_criteria as (
    select criterion_id, coalesce(scale_max, 5) as scale_max, _row as criterion_row
    from criteria
    where evaluation = $evaluation
        and coalesce(method, 'rating') = 'rating'
),

spread as (
    select
        s.project_id,
        s.criterion_id,
        any_value(c.criterion_row) as criterion_row,
        count(*) as jurors,
        min(s.score) as "min",
        max(s.score) as "max",
        avg(s.score) as "mean",
        stddev_pop(s.score) as std,
        (max(s.score) - min(s.score)) / any_value(c.scale_max) as range_share
    from scores as s
    inner join evaluation_projects as p using (project_id)
    inner join rating_criteria as c using (criterion_id)
    where s.score is not null
    group by s.project_id, s.criterion_id
),

final as (
    select
        project_id,
        criterion_id,
        jurors,
        "min",
        "max",
        "mean",
        std,
        range_share,
        -- compared with a hair of slack: 0.3 of a scale of 10 is 3 points exactly
        range_share >= $threshold - 1e-12 as flagged
    from spread
)

select * from final
order by flagged desc, range_share desc, project_id, criterion_id
