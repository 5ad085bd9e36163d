-- criterion_not_rating: a score on a criterion that is not a rating criterion of
-- the project's evaluation (unknown there, or computed from prices).
with final as (
    select 'scores' as dataset, s._row, 'criterion_id' as column_name, s.criterion_id as value,
        p.evaluation as detail
    from scores as s
    inner join projects as p on s.project_id = p.project_id
    where s.criterion_id is not null
        and not exists (
            select 1 from criteria as c
            where c.evaluation = p.evaluation
                and c.criterion_id = s.criterion_id
                and coalesce(c.method, 'rating') = 'rating'
        )
)

select * from final
