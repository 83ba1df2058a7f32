"""The ready queries: questions QA managers ask every morning, as SQL over the warehouse's views.

`touchstone query --ready NAME` runs one (`warehouse.queries.connect` makes the views). A module of
their own, with no imports, so that the command line can offer their names (`--ready` in
`touchstone query --help`) without loading pyarrow or DuckDB.
"""

from __future__ import annotations

READY_QUERIES = {
    "worst_criteria": """
        select standard_id, criterion_id, count(*) filter (where outcome = 'fail') as failed,
               count(*) filter (where outcome <> 'not_applicable') as applicable,
               round(100.0 * failed / nullif(applicable, 0), 1) as failure_rate
        from criterion_results group by standard_id, criterion_id order by failure_rate desc nulls last, standard_id, criterion_id""",
    "bots_against_humans": """
        select standard_id, agent_type, count(*) as interactions, round(avg(quality_score), 1) as mean_quality,
               round(100.0 * avg(compliance_passed::int), 1) as compliance_rate
        from interaction_scores group by standard_id, agent_type order by standard_id, agent_type""",
    "asked_for_a_person": """
        select r.outcome, i.agent_type, count(*) as interactions
        from criterion_results r join interaction_scores i using (date, interaction_id, standard_id)
        where r.criterion_id = 'offer_human_when_asked' and r.outcome <> 'not_applicable'
        group by 1, 2 order by 2, 1""",
    "most_overridden_criteria": """
        select standard_id, criterion_id, count(*) filter (where override_id is not null) as overridden,
               count(*) filter (where override_id is not null and outcome = 'pass') as to_pass,
               count(*) filter (where override_id is not null and outcome = 'fail') as to_fail
        from criterion_results group by standard_id, criterion_id having overridden > 0 order by overridden desc, standard_id, criterion_id""",
    "standards_per_day": """
        select date, standard_id, standard_version, count(*) as interactions,
               round(avg(quality_score), 1) as mean_quality, round(100.0 * avg(compliance_passed::int), 1) as compliance_rate
        from interaction_scores group by all order by date, standard_id""",
    "critical_failures_with_evidence": """
        select date, agent_id, interaction_id, criterion_id, turn_index, evidence
        from criterion_results where critical and outcome = 'fail' order by date, agent_id""",
}
