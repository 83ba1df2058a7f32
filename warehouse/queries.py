"""Ask the warehouse your own questions: DuckDB views over the Parquet tables.

Each table is a view of the same name, with its `date` partition column, over
`<warehouse>/<table>/*/*.parquet` (the date partitions are links to the published versions, which
DuckDB follows). Nothing is copied; the Parquet files stay the single source of truth.

    touchstone query "select agent_id, avg(quality_score) from interaction_scores group by 1"
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from warehouse.tables import TABLES

if TYPE_CHECKING:
    import duckdb

# Questions QA managers ask every morning; also in the README.
READY_QUERIES = {
    "worst_criteria": """
        select criterion_id, count(*) filter (where outcome = 'fail') as failed,
               count(*) filter (where outcome <> 'not_applicable') as applicable,
               round(100.0 * failed / nullif(applicable, 0), 1) as failure_rate
        from criterion_results group by criterion_id order by failure_rate desc nulls last""",
    "bots_against_humans": """
        select agent_type, count(*) as interactions, round(avg(quality_score), 1) as mean_quality,
               round(100.0 * avg(compliance_passed::int), 1) as compliance_rate
        from interaction_scores group by agent_type order by agent_type""",
    "asked_for_a_person": """
        select r.outcome, i.agent_type, count(*) as interactions
        from criterion_results r join interaction_scores i using (date, interaction_id)
        where r.criterion_id = 'offer_human_when_asked' and r.outcome <> 'not_applicable'
        group by 1, 2 order by 2, 1""",
    "critical_failures_with_evidence": """
        select date, agent_id, interaction_id, criterion_id, turn_index, evidence
        from criterion_results where critical and outcome = 'fail' order by date, agent_id""",
}


def connect(warehouse: Path) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB with one view per published table."""
    import duckdb

    connection = duckdb.connect()
    for name in TABLES:
        if any((warehouse / name).glob("*/*.parquet")):
            pattern = str(warehouse / name / "*" / "*.parquet").replace("'", "''")
            connection.execute(f"create view {name} as select * from read_parquet('{pattern}', hive_partitioning = true, union_by_name = true)")
    return connection
