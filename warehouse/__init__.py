"""The warehouse: Parquet tables, hive-partitioned by date, declared once in `warehouse.tables`."""
