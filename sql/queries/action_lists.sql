-- action_lists: one page of each list of the decisions and actions page, in one
-- pass. Every decision and action recorded by the situation date has its state
-- (sql/views/stated_actions.sql), the task and project it concerns ("ID name") and
-- where they lead (the task's workstream, the project's evaluation); `list` says
-- which list a row is on:
--   decisions, new: the committee's decisions, the actions it decided;
--   carried: still open, recorded by an earlier committee, most overdue first;
--   log: every row matching the filters, latest committee first.
-- `total` counts a list's
-- rows before paging and `row_number` places each row in its list; a page past
-- the last gives the last page. Links to projects of hidden evaluations are dropped.
-- Parameters: $situation (date), $committee (date: the committee looked at),
-- $hidden (evaluations the reader may not see), $owners, $states, $kinds (the
-- log's filters, lists; an empty list keeps all), $search (text the log looks for
-- in the text, task and project, case and accents aside; '' for none),
-- $decisions_page, $new_page, $carried_page, $log_page (from 1), $per_page.
with states as (
    select * from stated_actions($situation, $committee)
),

projects_seen as (
    select project_id, "name", evaluation
    from projects
    where not list_contains($hidden::varchar[], evaluation)
),

linked as (
    select
        s.*,
        t."name" as task_name,
        t.workstream,
        p."name" as project_name,
        p.evaluation
    from states as s
    left join tasks as t on s.task_id = t.task_id
    left join projects_seen as p on s.project_id = p.project_id
),

needle as (
    select fold_text($search) as q
),

tagged as (
    select 'decisions' as list, *
    from linked
    where meeting_date = $committee::date and kind = 'decision'
    union all
    select 'new' as list, *
    from linked
    where meeting_date = $committee::date and kind = 'action'
    union all
    select 'carried' as list, *
    from linked
    where carried_over
    union all
    select 'log' as list, linked.*
    from linked, needle
    where
        (len($owners::varchar[]) = 0 or list_contains($owners::varchar[], owner))
        and (len($states::varchar[]) = 0 or list_contains($states::varchar[], state))
        and (len($kinds::varchar[]) = 0 or list_contains($kinds::varchar[], kind))
        and (
            needle.q = ''
            or contains(
                fold_text(
                    concat_ws(
                        ' ',
                        "text",
                        task_id,
                        task_name,
                        case when evaluation is not null then project_id end,
                        project_name
                    )
                ),
                needle.q
            )
        )
),

asked as (
    select *
    from (
        values
        ('decisions', $decisions_page::integer),
        ('new', $new_page::integer),
        ('carried', $carried_page::integer),
        ('log', $log_page::integer)
    ) as a (list, page)
),

numbered as (
    select
        *,
        count(*) over (partition by list) as total,
        row_number() over (
            partition by list
            order by
                case when list = 'carried' then days_overdue else 0 end desc,
                case when list = 'carried' then due end asc nulls last,
                meeting_date desc,
                kind,
                action_id
        ) as row_number
    from tagged
),

paged as (
    select
        n.*,
        -- the page asked for, or the last one when it asks past the end
        (least(greatest(a.page, 1), (n.total + $per_page - 1) // $per_page) - 1)
        * $per_page as first_row
    from numbered as n
    inner join asked as a on n.list = a.list
),

final as (
    select
        list,
        row_number,
        total,
        meeting_date,
        kind,
        "text",
        owner,
        due,
        days_overdue,
        state,
        carried_over,
        case when task_id is not null then concat_ws(' ', task_id, task_name) end as task,
        workstream,
        case
            when evaluation is not null then concat_ws(' ', project_id, project_name)
        end as project,
        evaluation
    from paged
    where row_number > first_row and row_number <= first_row + $per_page
)

select * from final
order by list, row_number
