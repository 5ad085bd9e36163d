-- dependency_cycle: a task that depends, directly or through others, on itself.
with recursive edges as (
    select task_id as src, trim(d) as dst
    from tasks, unnest(string_split_regex(trim(depends_on), '[\s,;]+')) as u(d)
    where depends_on is not null and trim(d) <> '' and task_id is not null
),

reach(src, dst) as (
    select src, dst from edges
    union
    select r.src, e.dst
    from reach as r
    inner join edges as e on r.dst = e.src
),

final as (
    select 'tasks' as dataset, t._row, 'depends_on' as column_name, t.depends_on as value, null as detail
    from tasks as t
    where exists (select 1 from reach as r where r.src = t.task_id and r.dst = t.task_id)
)

select * from final
