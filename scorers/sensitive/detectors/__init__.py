"""Detectors of sensitive data: one module each, registered with
`scorers.sensitive.registry.register_detector`. Every module here is imported on first use."""
