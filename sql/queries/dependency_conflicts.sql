-- dependency_conflicts: tasks that start before a task they depend on ends
-- (finish-to-start: a task may start the day after its predecessor's end; a
-- milestone may fall on its predecessor's last day), with both tasks' names and days.
-- Parameters: none.
with named as (
    select
        task_id,
        unnest(string_split_regex(trim(depends_on), '[\s,;]+')) as from_id
    from tasks
    where depends_on is not null
),

final as (
    select distinct
        task.task_id,
        task."name" as task_name,
        task."start" as task_start,
        pred.task_id as from_id,
        pred."name" as from_name,
        pred."end" as from_end
    from named
    inner join tasks as task on task.task_id = named.task_id
    inner join tasks as pred on pred.task_id = named.from_id
    where
        named.from_id <> named.task_id
        and (
            task."start" < pred."end"
            or (
                task."start" = pred."end"
                and not coalesce(task.milestone, false)
                and not coalesce(pred.milestone, false)
            )
        )
)

select * from final
order by task_id, from_id
