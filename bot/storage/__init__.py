"""The SQLite store: schema by migrations, and the reads and writes of every aggregate."""
