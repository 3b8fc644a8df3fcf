"""Use cases: the rules of who may do what, over the storage ports."""
