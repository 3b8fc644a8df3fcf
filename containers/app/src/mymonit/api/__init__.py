"""The REST API (Flask): thin resources over the services, errors mapped in one place."""
