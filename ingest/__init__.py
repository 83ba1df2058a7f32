"""Ingestion: find the day's transcript files, read them with a registered format adapter and
normalise every record to the canonical `Interaction`, sending what cannot be read to quarantine."""
