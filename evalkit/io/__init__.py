"""Reading and writing files: the first and last stage of the flow.

- :mod:`evalkit.io.yamlfile`: the one YAML reader (positions, literal text, guards);
- :mod:`evalkit.io.sheets`: text rows from a CSV file or a workbook sheet (encodings, guards);
- :mod:`evalkit.io.candidates`: candidate tables from CSV or XLSX;
- :mod:`evalkit.io.sources`: a candidate table's sources file (source, year, status of each value);
- :mod:`evalkit.io.output`: atomic, never-clobbering writes; CSV, XLSX and JSON bytes;
- :mod:`evalkit.io.jsontext`: the indented JSON text evalkit writes;
- :mod:`evalkit.io.synth`: synthetic candidate tables for scale tests.

May import: :mod:`evalkit.errors` and :mod:`evalkit.paths` only.
"""
