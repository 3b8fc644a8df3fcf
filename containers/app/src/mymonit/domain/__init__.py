"""The model: values and rules that need nothing but the standard library."""
