-- dependency_unknown: depends_on names a task id that does not exist.
with edges as (
    select _row, depends_on, trim(d) as dep
    from tasks, unnest(string_split_regex(trim(depends_on), '[\s,;]+')) as u(d)
    where depends_on is not null and trim(d) <> ''
),

final as (
    select 'tasks' as dataset, _row, 'depends_on' as column_name, depends_on as value, dep as detail
    from edges
    where dep not in (select task_id from tasks where task_id is not null)
)

select * from final
