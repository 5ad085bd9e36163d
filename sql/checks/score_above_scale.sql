-- score_above_scale: a score above its criterion's scale_max (default 5).
with final as (
    select 'scores' as dataset, s._row, 'score' as column_name, s.score::varchar as value,
        'x ≤ ' || coalesce(c.scale_max, 5)::varchar as detail
    from scores as s
    inner join projects as p on s.project_id = p.project_id
    inner join criteria as c on p.evaluation = c.evaluation and s.criterion_id = c.criterion_id
    where s.score > coalesce(c.scale_max, 5)
)

select * from final
