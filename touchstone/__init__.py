"""Touchstone: score every customer-service interaction against a written standard.

The package holds what the command line and the Airflow DAG share: settings, the pipeline steps
(ingest -> score -> aggregate -> publish) and the sample-data generator. The steps themselves call
into `ingest`, `scorers` and `warehouse`.
"""

__version__ = "0.1.0"
