"""Credentials for an object-store warehouse from an Airflow connection.

The warehouse's Delta tables are written by delta-rs, which takes plain storage options; a data
engineer keeps the credentials where Airflow keeps them (a connection of type `aws`, from the
metadata database, an `AIRFLOW_CONN_*` variable or a secrets backend). This turns one into the
other: login and password are the access keys, the extra's `endpoint_url` and `region_name` say
where (an S3-compatible endpoint such as MinIO or moto), `http://` endpoints are allowed.
"""

from __future__ import annotations

from typing import Any

from foundation.errors import TouchstoneError


def storage_options(conn_id: str | None) -> dict[str, str]:
    """The delta-rs storage options of connection `conn_id` (none: the environment's)."""
    if not conn_id:
        return {}
    from airflow.sdk import Connection

    try:
        connection = Connection.get(conn_id)
    except Exception as exc:  # the SDK raises its own "not found" types, which vary with where it runs
        raise TouchstoneError(f"the warehouse connection {conn_id!r} cannot be read: {exc}", "define it in Airflow or as AIRFLOW_CONN_" + conn_id.upper()) from exc
    if connection.conn_type not in ("aws", "s3"):
        raise TouchstoneError(f"the warehouse connection {conn_id!r} is of type {connection.conn_type!r}", "use a connection of type 'aws'")
    extra: dict[str, Any] = connection.extra_dejson
    options = {
        "AWS_ACCESS_KEY_ID": connection.login or extra.get("aws_access_key_id"),
        "AWS_SECRET_ACCESS_KEY": connection.password or extra.get("aws_secret_access_key"),
        "AWS_REGION": extra.get("region_name"),
        "AWS_ENDPOINT_URL": extra.get("endpoint_url"),
    }
    if str(options["AWS_ENDPOINT_URL"] or "").startswith("http://"):
        options["AWS_ALLOW_HTTP"] = "true"
    return {k: str(v) for k, v in options.items() if v}
