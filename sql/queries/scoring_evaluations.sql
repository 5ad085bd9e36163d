-- scoring_evaluations: the evaluations (in file order) with their number of
-- projects and criteria and whether one criterion is scored on lowest price;
-- evaluations named in $hidden are left out (a viewer's confidential ones).
-- Parameters: $hidden (list of evaluation names, may be empty).
with project_counts as (
    select evaluation, count(*) as projects, min(_row) as first_row
    from projects
    where evaluation is not null
    group by evaluation
),

criterion_counts as (
    select
        evaluation,
        count(*) as criteria,
        bool_or(coalesce(method, 'rating') = 'lowest_price') as has_price_criterion
    from criteria
    where evaluation is not null
    group by evaluation
),

final as (
    select
        p.evaluation,
        p.projects,
        coalesce(c.criteria, 0) as criteria,
        coalesce(c.has_price_criterion, false) as has_price_criterion
    from project_counts as p
    left join criterion_counts as c using (evaluation)
    where not list_contains($hidden::varchar[], p.evaluation)
    order by p.first_row
)

select * from final
