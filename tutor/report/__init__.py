"""Output formats for analysis results: text, json and sarif, one module each."""
