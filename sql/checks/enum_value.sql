-- enum_value: a coded column holding a value outside its list (ingest maps French
-- labels to these canonical values; this guards files written by other means).
with allowed(dataset, column_name, choices) as (
    values
        ('tasks', 'status', ['planned', 'in_progress', 'done', 'blocked', 'cancelled']),
        ('stakeholders', 'engagement', ['identified', 'contacted', 'engaged', 'committed', 'declined']),
        ('projects', 'status', ['candidate', 'shortlisted', 'selected', 'rejected']),
        ('criteria', 'method', ['rating', 'lowest_price']),
        ('actions', 'kind', ['decision', 'action']),
        ('actions', 'status', ['open', 'done', 'cancelled'])
),

cells as (
    select 'tasks' as dataset, _row, 'status' as column_name, status as value from tasks
    union all
    select 'stakeholders', _row, 'engagement', engagement from stakeholders
    union all
    select 'projects', _row, 'status', status from projects
    union all
    select 'criteria', _row, 'method', method from criteria
    union all
    select 'actions', _row, unnest(['kind', 'status']), unnest([kind, status]) from actions
),

final as (
    select c.dataset, c._row, c.column_name, c.value, array_to_string(a.choices, ', ') as detail
    from cells as c
    inner join allowed as a on c.dataset = a.dataset and c.column_name = a.column_name
    where c.value is not null and not list_contains(a.choices, c.value)
)

select * from final
