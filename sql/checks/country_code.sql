-- country_code: a country that is not an ISO 3166-1 alpha-2 code.
with final as (
    select 'stakeholders' as dataset, _row, 'country' as column_name, country as value, null as detail
    from stakeholders
    where country is not null and not regexp_full_match(country, '[A-Z]{2}')
)

select * from final
