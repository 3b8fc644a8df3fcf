"""One module per entity; each registers its operations on the Api."""
