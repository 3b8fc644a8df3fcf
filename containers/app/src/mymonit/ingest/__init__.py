"""AMQP: broker connection settings and probes (the consumer builds on these)."""
