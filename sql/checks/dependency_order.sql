-- severity: warning
-- dependency_order: a task that starts before a task it depends on has ended.
-- Names both tasks and their dates (start, other, other_end).
with edges as (
    select _row, task_id, "start", trim(d) as dep
    from tasks, unnest(string_split_regex(trim(depends_on), '[\s,;]+')) as u(d)
    where depends_on is not null and trim(d) <> ''
),

final as (
    select
        'tasks' as dataset, e._row, 'start' as column_name, e."start"::varchar as value,
        null as detail,
        e."start"::varchar as "start", o.task_id as other, o."end"::varchar as other_end
    from edges as e
    inner join tasks as o on o.task_id = e.dep
    where e."start" < o."end" and e.task_id <> o.task_id
)

select * from final
