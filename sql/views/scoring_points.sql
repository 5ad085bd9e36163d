-- scoring_points(eval_name, hidden_evals, given_criteria, given_weights, how, per_juror):
-- the one computation of an evaluation's scores. One row per panel and project:
-- the panel is '' for the jury as a whole (scores aggregated by `how`, 'mean' or
-- 'median') or, with per_juror, one juror alone (their own scores, same weights and
-- prices). Columns: panel, project_id, name, status, price_eur, price_ratio,
-- "values" (0 to 1 per criterion, file order, NULL = missing), points (value x
-- share x 100), missing (criterion ids without a value), total (out of 100, NULL
-- when a value is missing), position (1.. within the panel: ranked first, then the
-- unranked by name), rank (NULL when unranked), tie_rule ('heaviest', 'price',
-- 'name' when a total equal to the hundredth put the project behind the one above).
--
-- Rules: a rating criterion's value is the score over its scale_max; a lowest_price
-- criterion's is lowest price / this price; weights (given_weights for the
-- criterion ids in given_criteria, else the data's) count relative to their sum;
-- ties are broken by the value on the heaviest criterion (first in file order
-- among equals), then the lower price, then the name, then the id.
create or replace macro scoring_points(
    eval_name, hidden_evals, given_criteria, given_weights, how, per_juror
) as table
with given as (
    select
        unnest(given_criteria::varchar[]) as criterion_id,
        unnest(given_weights::double[]) as given_weight
),

evaluation_criteria as (
    select
        c.criterion_id,
        coalesce(c.scale_max, 5) as scale_max,
        coalesce(c.method, 'rating') as method,
        coalesce(g.given_weight, c.weight) as weight,
        row_number() over (order by c._row) as criterion_order
    from criteria as c
    left join given as g using (criterion_id)
    where c.evaluation = eval_name
        and not list_contains(hidden_evals::varchar[], c.evaluation)
),

shares as (
    select
        *,
        weight / nullif(sum(weight) over (), 0) as share
    from evaluation_criteria
),

heaviest as (
    select criterion_id
    from shares
    order by share desc, criterion_order
    limit 1
),

evaluation_projects as (
    select
        project_id,
        "name",
        coalesce(status, 'candidate') as status,
        price_eur,
        min(case when price_eur > 0 then price_eur end) over ()
        / case when price_eur > 0 then price_eur end as price_ratio
    from projects
    where evaluation = eval_name
        and not list_contains(hidden_evals::varchar[], evaluation)
),

rated as (
    select s.project_id, s.criterion_id, s.juror, s.score
    from scores as s
    inner join evaluation_projects as p using (project_id)
    inner join shares as c using (criterion_id)
    where c.method = 'rating' and s.score is not null
),

jury_both as (
    select project_id, criterion_id, avg(score) as mean_score, median(score) as median_score
    from rated
    where not per_juror
    group by project_id, criterion_id
),

jury as (
    select
        '' as panel,
        project_id,
        criterion_id,
        case when how = 'median' then median_score else mean_score end as score
    from jury_both
),

jurors as (
    select distinct juror as panel
    from rated
    where per_juror
),

juror_scores as (
    select juror as panel, project_id, criterion_id, score
    from rated
    where per_juror
),

panels as (
    select '' as panel where not per_juror
    union all
    select panel from jurors
),

ratings as (
    select * from jury
    union all
    select * from juror_scores
),

cells as (
    select
        n.panel,
        p.project_id,
        c.criterion_id,
        c.criterion_order,
        c.share,
        case
            when c.method = 'lowest_price' then p.price_ratio
            when c.scale_max > 0 then r.score / c.scale_max
        end as cell_value
    from panels as n
    cross join evaluation_projects as p
    cross join shares as c
    left join ratings as r
        on r.panel = n.panel
        and r.project_id = p.project_id
        and r.criterion_id = c.criterion_id
),

totals as (
    select
        panel,
        project_id,
        list(cell_value order by criterion_order) as "values",
        list(cell_value * share * 100 order by criterion_order) as points,
        coalesce(
            list(criterion_id order by criterion_order) filter (where cell_value is null),
            []
        ) as missing,
        case
            when count(cell_value) = count(*) then sum(cell_value * share * 100)
        end as total,
        max(cell_value) filter (
            where criterion_id = (select criterion_id from heaviest)
        ) as heaviest_value
    from cells
    group by panel, project_id
),

ordered as (
    select
        t.panel,
        p.project_id,
        p."name",
        p.status,
        p.price_eur,
        p.price_ratio,
        t."values",
        t.points,
        t.missing,
        t.total,
        t.heaviest_value,
        -- a tie is a total equal as shown, to the hundredth
        round_even(t.total * 100, 0) as shown,
        row_number() over (
            partition by t.panel
            order by
                t.total is null,
                round_even(t.total * 100, 0) desc,
                case when t.total is not null then t.heaviest_value end desc,
                case when t.total is not null then coalesce(p.price_ratio, -1) end desc,
                lower(p."name"),
                p.project_id
        ) as position
    from totals as t
    inner join evaluation_projects as p using (project_id)
),

final as (
    select
        panel,
        project_id,
        "name",
        status,
        price_eur,
        price_ratio,
        "values",
        points,
        missing,
        total,
        position,
        case when total is not null then position end as rank,
        case
            when total is null
                or shown is distinct from lag(shown) over w then null
            when heaviest_value <> lag(heaviest_value) over w then 'heaviest'
            when price_ratio is distinct from lag(price_ratio) over w then 'price'
            else 'name'
        end as tie_rule
    from ordered
    window w as (partition by panel order by position)
)

select * from final
order by panel, position;
