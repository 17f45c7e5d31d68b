"""The store, its schema migrations, importers and the built-in demo region."""
