-- out_of_range: a number outside the bounds the contract gives its column.
-- detail states the bounds in a language-neutral form.
with bounds(dataset, column_name, lo, hi, lo_open, detail) as (
    values
        ('tasks', 'progress', 0, 100, false, '0 ≤ x ≤ 100'),
        ('tasks', 'budget_eur', 0, null, false, 'x ≥ 0'),
        ('tasks', 'spent_eur', 0, null, false, 'x ≥ 0'),
        ('sites', 'lat', -90, 90, false, '-90 ≤ x ≤ 90'),
        ('sites', 'lon', -180, 180, false, '-180 ≤ x ≤ 180'),
        ('stakeholders', 'lat', -90, 90, false, '-90 ≤ x ≤ 90'),
        ('stakeholders', 'lon', -180, 180, false, '-180 ≤ x ≤ 180'),
        ('stakeholders', 'influence', 1, 5, false, '1 ≤ x ≤ 5'),
        ('stakeholders', 'interest', 1, 5, false, '1 ≤ x ≤ 5'),
        ('projects', 'price_eur', 0, null, true, 'x > 0'),
        ('criteria', 'weight', 0, null, true, 'x > 0'),
        ('criteria', 'scale_max', 0, null, true, 'x > 0'),
        ('scores', 'score', 0, null, false, 'x ≥ 0')
),

numbers as (
    select 'tasks' as dataset, _row,
        unnest(['progress', 'budget_eur', 'spent_eur']) as column_name,
        unnest([progress, budget_eur, spent_eur]) as x
    from tasks
    union all
    select 'sites', _row, unnest(['lat', 'lon']), unnest([lat, lon]) from sites
    union all
    select 'stakeholders', _row,
        unnest(['lat', 'lon', 'influence', 'interest']),
        unnest([lat, lon, influence::double, interest::double])
    from stakeholders
    union all
    select 'projects', _row, 'price_eur', price_eur from projects
    union all
    select 'criteria', _row, unnest(['weight', 'scale_max']), unnest([weight, scale_max])
    from criteria
    union all
    select 'scores', _row, 'score', score from scores
),

final as (
    select n.dataset, n._row, n.column_name, n.x::varchar as value, b.detail
    from numbers as n
    inner join bounds as b on n.dataset = b.dataset and n.column_name = b.column_name
    where n.x < b.lo or (b.lo_open and n.x = b.lo) or n.x > b.hi
)

select * from final
