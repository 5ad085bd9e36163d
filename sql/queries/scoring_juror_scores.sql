-- scoring_juror_scores: every juror's score and comment on one evaluation's
-- projects and rating criteria, for the juror spread, the jurors' own rankings
-- and the comments, for the projects in $projects.
-- audience: staff
-- Parameters: $evaluation (text), $projects (project ids wanted).
with evaluation_projects as (
    select project_id
    from projects
    where evaluation = $evaluation
        and list_contains($projects::varchar[], project_id)
),

rating_criteria as (
    select criterion_id, _row as criterion_row
    from criteria
    where evaluation = $evaluation
        and coalesce(method, 'rating') = 'rating'
),

final as (
    select s.project_id, s.criterion_id, s.juror, s.score, s.comment
    from scores as s
    inner join evaluation_projects as p using (project_id)
    inner join rating_criteria as c using (criterion_id)
    where s.score is not null
    order by s._row
)

select * from final
