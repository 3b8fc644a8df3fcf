"""MySQL/MariaDB adapters: connection pool, migrations, repositories, bulk measure writer."""
