"""Touchstone: score every customer-service interaction against a written standard.

The package holds what the command line and the Airflow DAG share: settings, the pipeline steps
(`touchstone.steps`: plan -> ingest -> score -> aggregate -> publish -> report, run in a row by
`touchstone.pipeline`) and the sample-data generator. The steps themselves call into `ingest`,
`scorers` and `warehouse`.
"""

__version__ = "0.1.0"
