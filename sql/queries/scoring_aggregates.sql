-- scoring_aggregates: per project and rating criterion of one evaluation, the
-- jurors' scores aggregated (mean and median) and how many jurors scored; no
-- juror-level value leaves this query. None when the evaluation is in $hidden.
-- Parameters: $evaluation (text), $hidden (list of evaluation names, may be empty).
with evaluation_projects as (
    select project_id
    from projects
    where evaluation = $evaluation
        and not list_contains($hidden::varchar[], evaluation)
),

rating_criteria as (
    select criterion_id
    from criteria
    where evaluation = $evaluation
        and coalesce(method, 'rating') = 'rating'
),

evaluation_scores as (
    select s.project_id, s.criterion_id, s.score
    from scores as s
    inner join evaluation_projects as p using (project_id)
    inner join rating_criteria as c using (criterion_id)
    where s.score is not null
),

final as (
    select
        project_id,
        criterion_id,
        avg(score) as mean_score,
        median(score) as median_score,
        count(*) as jurors
    from evaluation_scores
    group by project_id, criterion_id
    order by project_id, criterion_id
)

select * from final
